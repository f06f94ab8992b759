/* From an image config and `mocker run` options to the OCI config.json model
 * the runtime reads: Docker's defaults (mounts, capabilities, masked paths,
 * a default seccomp profile, device rules), the image's Entrypoint/Cmd, Env,
 * WorkingDir and User (resolved through the image's /etc/passwd and
 * /etc/group), then the options on top. */
#ifndef MOCKER_BUNDLE_H
#define MOCKER_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "spec/spec.h"

enum net_mode { NET_BRIDGE, NET_NONE, NET_HOST };

/* A data mount of `run` (-v, --mount, --tmpfs, --volumes-from, an image's
 * VOLUME): mocker/run/run_mounts.c parses them, mocker/volume/attach.c gives
 * volumes their host path. */
enum mount_kind { MOUNT_BIND, MOUNT_VOLUME, MOUNT_TMPFS };

struct volume_opt
{
  char *host;       /* absolute host path (a volume's _data once attached) */
  char *container;  /* absolute path inside the container */
  bool readonly;
  enum mount_kind kind;
  char *name;       /* MOUNT_VOLUME: its name (NULL until attached: anonymous) */
  bool anonymous;   /* MOUNT_VOLUME without a name: removed by `rm -v` */
  bool nocopy;      /* MOUNT_VOLUME: not filled from the image */
  bool created;     /* set by attach: this run made the volume */
  char *tmpfs_opts; /* MOUNT_TMPFS: extra mount options ("size=64m,mode=1777"), may be NULL */
  char *bind_spec;  /* -v as typed (HostConfig.Binds), may be NULL */
};

/* More `mocker run` options (parsed by mocker/run/run_opts.c, applied to the
 * spec by mocker/bundle/bundle_opts.c, recorded by run_opts_record_*). */
struct device_opt
{
  char *host;       /* host device node */
  char *container;  /* its path in the container */
  char *perms;      /* "rwm" subset */
};

struct run_extra
{
  int64_t memory_swap;      /* memory+swap bytes; 0 = as -m (no swap), -1 = unlimited */
  char *cpuset_cpus;        /* "0-1,3"; NULL = all */
  int64_t shm_size;         /* /dev/shm size in bytes; 0 = 64m */
  struct spec_rlimit *ulimits;
  size_t n_ulimits;
  char **labels;            /* KEY=VALUE */
  char **add_hosts;         /* HOST:IP */
  char **dns, **dns_search, **dns_options;
  struct device_opt *devices;
  size_t n_devices;
  char *seccomp_file;       /* --security-opt seccomp=FILE */
  char **security_opts;     /* as typed, for HostConfig.SecurityOpt */
  const char *pid_mode;     /* NULL (private) or "host" */
  const char *ipc_mode;     /* NULL (private), "host", "private", "shareable" */
  const char *cgroupns_mode;/* NULL (private), "host", "private" */
  const char *stop_signal;  /* NULL = image's StopSignal or SIGTERM */
  bool has_stop_timeout;
  long long stop_timeout;   /* seconds */
  bool init;                /* --init: catatonit as pid 1 */
  char *init_path;          /* the host binary (resolved when parsed) */
  const char *health_cmd;   /* --health-cmd: ["CMD-SHELL", it] */
  long long health_interval, health_timeout, health_start_period; /* ns, 0 = the image's */
  bool has_health_retries;
  long long health_retries;
  bool no_healthcheck;      /* Test ["NONE"] */
};

struct run_options
{
  char **env;          /* KEY=VALUE, NULL-terminated, may be NULL */
  char *workdir;       /* NULL = image's WorkingDir or "/" */
  char *user;          /* NULL = image's User; "name", "uid", "name:group", "uid:gid" */
  char *hostname;      /* NULL = the short container id (the host's with NET_HOST) */
  bool has_entrypoint; /* --entrypoint given ("" clears the image's) */
  char *entrypoint;
  char **cmd;          /* COMMAND [ARG...], NULL = image's Cmd */
  bool tty;
  bool read_only;
  bool privileged;
  bool no_new_privileges;
  bool no_seccomp;     /* leave the default seccomp profile out */
  int64_t memory;      /* bytes, 0 = no limit */
  double cpus;         /* 0 = no limit */
  uint64_t cpu_shares; /* 0 = default */
  int64_t pids_limit;  /* 0 = no limit */
  char **cap_add;      /* names with or without CAP_, or ALL */
  char **cap_drop;
  struct volume_opt *volumes;
  size_t n_volumes;
  enum net_mode network;
  const char *network_name;  /* --network NAME of a user-defined network (NET_BRIDGE) */
  char **network_aliases;    /* --network-alias */
  const char *etc_dir; /* host dir with hosts, hostname, resolv.conf to bind (NULL: none) */
  struct run_extra x;  /* mocker/run/run_opts.c */
};

/* image_config: the parsed image config JSON (the object with "config",
 * "rootfs", ...). rootfs: the host path of the container's root (used to read
 * /etc/passwd and /etc/group). */
int bundle_make_spec (yajl_val image_config, const char *rootfs, const char *container_id,
                      const struct run_options *o, struct spec **out, mk_error **err);

/* The container's host name: -h, else with --network host the host's (its
 * UTS namespace is shared, as Docker), else the short container id. Heap. */
char *bundle_hostname (const struct run_options *o, const char *container_id);
/* --network host without -h: no UTS namespace of the container's own. */
bool bundle_shares_host_uts (const struct run_options *o);

/* --privileged: the host's device nodes under dev ("/dev"), as
 * linux.devices entries (/dev/pts, shm, mqueue, console and ptmx left out,
 * as Docker and runc). */
int bundle_host_devices (const char *dev, struct spec_device **out, size_t *n, mk_error **err);

/* Resolves a Docker user string against rootfs's /etc/passwd and /etc/group. */
int bundle_resolve_user (const char *rootfs, const char *user, struct spec_user *out,
                         mk_error **err);

/* The run_extra options on top of the spec bundle_make_spec made
 * (mocker/bundle/bundle_opts.c): resources, mounts, namespaces, devices, seccomp,
 * rlimits, --init. caps: the container's capabilities. */
int bundle_apply_extra (const struct run_extra *x, char *const *caps, struct spec *s,
                        mk_error **err);

/* --security-opt seccomp=FILE: a Docker-format profile (defaultAction,
 * syscalls with names/action/errnoRet/args and includes/excludes by caps and
 * arches) as linux.seccomp (mocker/bundle/bundle_seccomp_file.c). */
int bundle_seccomp_from_file (const char *path, char *const *caps, struct spec_seccomp **out,
                              mk_error **err);

/* Docker's default capability set (CAP_ names), NULL-terminated. */
extern const char *const bundle_default_caps[];

#endif
