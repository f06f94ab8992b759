/* More `mocker run` options (struct run_extra in mocker/bundle/bundle.h): parsed
 * here, applied to config.json by mocker/bundle/bundle_opts.c, recorded in the
 * container record by mocker/run/run_opts_record.c. cmd_run.c puts
 * RUN_OPTS_LONG in its option table, RUN_OPTS_USAGE in its help and hands
 * every option it does not know to run_opts_parse. */
#ifndef MOCKER_RUN_OPTS_H
#define MOCKER_RUN_OPTS_H

#include "common/error.h"
#include "common/json.h"
#include "mocker/bundle/bundle.h"

enum
{
  OPT_X_MEMORY_SWAP = 600, OPT_X_CPUSET_CPUS, OPT_X_SHM_SIZE, OPT_X_ULIMIT, OPT_X_LABEL,
  OPT_X_ADD_HOST, OPT_X_DNS, OPT_X_DNS_SEARCH, OPT_X_DNS_OPTION, OPT_X_DEVICE,
  OPT_X_SECURITY_OPT, OPT_X_PID, OPT_X_IPC, OPT_X_CGROUPNS, OPT_X_STOP_SIGNAL,
  OPT_X_STOP_TIMEOUT, OPT_X_INIT, OPT_X_HEALTH_CMD, OPT_X_HEALTH_INTERVAL, OPT_X_HEALTH_TIMEOUT,
  OPT_X_HEALTH_START_PERIOD, OPT_X_HEALTH_RETRIES, OPT_X_NO_HEALTHCHECK,
  OPT_X_FIRST = OPT_X_MEMORY_SWAP, OPT_X_LAST = OPT_X_NO_HEALTHCHECK,
};

#define RUN_OPTS_LONG                                                          \
  { "memory-swap", required_argument, NULL, OPT_X_MEMORY_SWAP },               \
  { "cpuset-cpus", required_argument, NULL, OPT_X_CPUSET_CPUS },               \
  { "shm-size", required_argument, NULL, OPT_X_SHM_SIZE },                     \
  { "ulimit", required_argument, NULL, OPT_X_ULIMIT },                         \
  { "label", required_argument, NULL, OPT_X_LABEL },                           \
  { "add-host", required_argument, NULL, OPT_X_ADD_HOST },                     \
  { "dns", required_argument, NULL, OPT_X_DNS },                               \
  { "dns-search", required_argument, NULL, OPT_X_DNS_SEARCH },                 \
  { "dns-option", required_argument, NULL, OPT_X_DNS_OPTION },                 \
  { "dns-opt", required_argument, NULL, OPT_X_DNS_OPTION },                    \
  { "device", required_argument, NULL, OPT_X_DEVICE },                         \
  { "security-opt", required_argument, NULL, OPT_X_SECURITY_OPT },             \
  { "pid", required_argument, NULL, OPT_X_PID },                               \
  { "ipc", required_argument, NULL, OPT_X_IPC },                               \
  { "cgroupns", required_argument, NULL, OPT_X_CGROUPNS },                     \
  { "stop-signal", required_argument, NULL, OPT_X_STOP_SIGNAL },               \
  { "stop-timeout", required_argument, NULL, OPT_X_STOP_TIMEOUT },             \
  { "init", no_argument, NULL, OPT_X_INIT },                                   \
  { "health-cmd", required_argument, NULL, OPT_X_HEALTH_CMD },                 \
  { "health-interval", required_argument, NULL, OPT_X_HEALTH_INTERVAL },       \
  { "health-timeout", required_argument, NULL, OPT_X_HEALTH_TIMEOUT },         \
  { "health-start-period", required_argument, NULL, OPT_X_HEALTH_START_PERIOD }, \
  { "health-retries", required_argument, NULL, OPT_X_HEALTH_RETRIES },         \
  { "no-healthcheck", no_argument, NULL, OPT_X_NO_HEALTHCHECK },

#define RUN_OPTS_USAGE                                                                        \
  "      --memory-swap BYTES    memory+swap limit (-1: unlimited swap; needs -m)\n"          \
  "      --cpuset-cpus LIST     CPUs the container may use (0-1, 0,2)\n"                      \
  "      --shm-size BYTES       size of /dev/shm (default 64m)\n"                             \
  "      --ulimit NAME=SOFT[:HARD]   a resource limit (nofile, nproc, core...)\n"             \
  "      --label KEY[=VALUE]    set a label (inspect: Config.Labels)\n"                       \
  "      --add-host HOST:IP     add a line to /etc/hosts\n"                                   \
  "      --dns IP               a nameserver for /etc/resolv.conf\n"                          \
  "      --dns-search DOMAIN    a search domain for /etc/resolv.conf\n"                       \
  "      --dns-option OPT       an options entry for /etc/resolv.conf\n"                      \
  "      --device HOST[:CONTAINER][:PERMS]   give the container a host device\n"              \
  "      --security-opt OPT     no-new-privileges, seccomp=unconfined or seccomp=FILE\n"      \
  "      --pid MODE             host: share the host's PID namespace\n"                       \
  "      --ipc MODE             private (default), shareable or host\n"                       \
  "      --cgroupns MODE        private (default) or host\n"                                  \
  "      --stop-signal SIGNAL   signal `mocker stop` sends (default SIGTERM)\n"               \
  "      --stop-timeout SECONDS grace period of `mocker stop` (default 10)\n"                 \
  "      --init                 run a reaping init (catatonit) as PID 1\n"                   \
  "      --health-cmd CMD       a health check, run with /bin/sh -c in the container\n"      \
  "      --health-interval D    time between checks (default 30s; 1m30s, 500ms)\n"          \
  "      --health-timeout D     time a check may take (default 30s)\n"                      \
  "      --health-start-period D   failures in this time do not count (default 0s)\n"      \
  "      --health-retries N     failures in a row that make it unhealthy (default 3)\n"      \
  "      --no-healthcheck       disable the image's HEALTHCHECK\n"


/* 1: c was one of ours (parsed into o->x), 0: not ours, -1: a bad value
 * (a flag error: exit 125). */
int run_opts_parse (int c, const char *arg, struct run_options *o, mk_error **err);
/* Checks across options, after the whole command line (-1: flag error). */
int run_opts_check (struct run_options *o, mk_error **err);
void run_opts_clear (struct run_options *o);

/* The record's config (Docker's Config) keys of these options: Labels
 * (the image's, then --label), StopTimeout, Healthcheck (the image's with
 * the --health-* options on top). */
void run_opts_record_config (json_gen *g, const struct run_options *o, yajl_val image_config);
/* The record's host_config keys: MemorySwap, CpusetCpus, ShmSize, Ulimits,
 * ExtraHosts, Dns, DnsSearch, DnsOptions, Devices, SecurityOpt, PidMode,
 * IpcMode, CgroupnsMode, Init. */
void run_opts_record_host_config (json_gen *g, const struct run_options *o);

#endif
