/* Parsing of the run_extra options. See run_opts.h. */
#include "mocker/run/run_opts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/duration.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/mocker.h"

/* Docker's --ulimit names and the RLIMIT_ each sets. */
static const char *const ulimit_names[][2] = {
  { "core", "RLIMIT_CORE" },         { "cpu", "RLIMIT_CPU" },
  { "data", "RLIMIT_DATA" },         { "fsize", "RLIMIT_FSIZE" },
  { "locks", "RLIMIT_LOCKS" },       { "memlock", "RLIMIT_MEMLOCK" },
  { "msgqueue", "RLIMIT_MSGQUEUE" }, { "nice", "RLIMIT_NICE" },
  { "nofile", "RLIMIT_NOFILE" },     { "nproc", "RLIMIT_NPROC" },
  { "rss", "RLIMIT_RSS" },           { "rtprio", "RLIMIT_RTPRIO" },
  { "rttime", "RLIMIT_RTTIME" },     { "sigpending", "RLIMIT_SIGPENDING" },
  { "stack", "RLIMIT_STACK" },       { "as", "RLIMIT_AS" },
};

#define FLAG_ERR(...) mocker_flag_error (err, "run", __VA_ARGS__)

/* "-1" = unlimited (UINT64_MAX, as the runtime's RLIM_INFINITY). */
static bool
parse_rlim (const char *s, uint64_t *out)
{
  long long n;
  if (!parse_int64 (s, &n) || n < -1)
    return false;
  *out = n == -1 ? UINT64_MAX : (uint64_t) n;
  return true;
}

static int
parse_ulimit (const char *arg, struct run_extra *x, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  char *val = strchr (copy, '=');
  if (val == NULL)
    return FLAG_ERR ("--ulimit `%s`: want NAME=SOFT[:HARD]", arg);
  *val++ = '\0';
  const char *type = NULL;
  for (size_t i = 0; i < ARRAY_SIZE (ulimit_names); i++)
    if (strcmp (copy, ulimit_names[i][0]) == 0)
      type = ulimit_names[i][1];
  if (type == NULL)
    return FLAG_ERR ("--ulimit `%s`: unknown limit `%s`", arg, copy);
  char *hard = strchr (val, ':');
  if (hard)
    *hard++ = '\0';
  uint64_t soft_v, hard_v;
  if (!parse_rlim (val, &soft_v) || !parse_rlim (hard ? hard : val, &hard_v))
    return FLAG_ERR ("--ulimit `%s`: invalid number", arg);
  if (soft_v > hard_v)
    return FLAG_ERR ("--ulimit `%s`: the soft limit is above the hard limit", arg);
  for (size_t i = 0; i < x->n_ulimits; i++)
    if (strcmp (x->ulimits[i].type, type) == 0)
      {
        x->ulimits[i].soft = soft_v; /* the last one given wins */
        x->ulimits[i].hard = hard_v;
        return 0;
      }
  x->ulimits = xrealloc (x->ulimits, (x->n_ulimits + 1) * sizeof *x->ulimits);
  x->ulimits[x->n_ulimits++] = (struct spec_rlimit) { .type = xstrdup (type), .soft = soft_v,
                                                      .hard = hard_v };
  return 0;
}

/* "0-1,3": CPU numbers and ranges, each below the number of CPUs configured. */
static int
parse_cpuset (const char *arg, mk_error **err)
{
  long ncpu = sysconf (_SC_NPROCESSORS_CONF);
  const char *p = arg;
  if (*p == '\0')
    return FLAG_ERR ("--cpuset-cpus: empty list");
  while (*p)
    {
      char *end;
      if (!isdigit ((unsigned char) *p))
        return FLAG_ERR ("--cpuset-cpus `%s`: invalid list", arg);
      long a = strtol (p, &end, 10), b = a;
      p = end;
      if (*p == '-')
        {
          if (!isdigit ((unsigned char) p[1]))
            return FLAG_ERR ("--cpuset-cpus `%s`: invalid list", arg);
          b = strtol (p + 1, &end, 10);
          p = end;
        }
      if (b < a)
        return FLAG_ERR ("--cpuset-cpus `%s`: invalid range %ld-%ld", arg, a, b);
      if (b >= ncpu)
        return FLAG_ERR ("--cpuset-cpus `%s`: CPU %ld is not available (0-%ld)", arg, b,
                         ncpu - 1);
      if (*p == ',' && p[1])
        p++;
      else if (*p)
        return FLAG_ERR ("--cpuset-cpus `%s`: invalid list", arg);
    }
  return 0;
}

static bool
is_ip (const char *s)
{
  unsigned char buf[16];
  return inet_pton (AF_INET, s, buf) == 1 || inet_pton (AF_INET6, s, buf) == 1;
}

/* HOST:IP (Docker also takes HOST=IP); an IPv6 address may be in brackets. */
static int
parse_add_host (const char *arg, struct run_extra *x, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  char *sep = strpbrk (copy, ":=");
  if (sep == NULL || sep == copy)
    return FLAG_ERR ("--add-host `%s`: want HOST:IP", arg);
  *sep++ = '\0';
  char *ip = sep;
  size_t n = strlen (ip);
  if (n > 2 && ip[0] == '[' && ip[n - 1] == ']')
    {
      ip[n - 1] = '\0';
      ip++;
    }
  if (strcmp (ip, "host-gateway") == 0)
    return FLAG_ERR ("--add-host `%s`: host-gateway is not supported", arg);
  if (!is_ip (ip))
    return FLAG_ERR ("--add-host `%s`: invalid IP address `%s`", arg, ip);
  for (const char *p = copy; *p; p++)
    if (isspace ((unsigned char) *p))
      return FLAG_ERR ("--add-host `%s`: invalid host name", arg);
  _cleanup_free_ char *norm = xasprintf ("%s:%s", copy, ip);
  strv_push (&x->add_hosts, norm);
  return 0;
}

static bool
is_perms (const char *s)
{
  return *s && strspn (s, "rwm") == strlen (s);
}

/* HOST[:CONTAINER][:PERMS] */
static int
parse_device (const char *arg, struct run_extra *x, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  char *parts[3] = { copy, NULL, NULL };
  size_t n = 1;
  for (char *p = copy; *p && n <= 3; p++)
    if (*p == ':')
      {
        if (n == 3)
          return FLAG_ERR ("--device `%s`: want HOST[:CONTAINER][:PERMS]", arg);
        *p = '\0';
        parts[n++] = p + 1;
      }
  const char *host = parts[0], *ctr = host, *perms = "rwm";
  if (n == 2 && is_perms (parts[1]))
    perms = parts[1];
  else if (n >= 2)
    {
      ctr = parts[1];
      if (n == 3)
        perms = parts[2];
    }
  if (!is_perms (perms))
    return FLAG_ERR ("--device `%s`: invalid permissions `%s` (a subset of rwm)", arg, perms);
  if (host[0] != '/' || ctr[0] != '/')
    return FLAG_ERR ("--device `%s`: paths must be absolute", arg);
  x->devices = xrealloc (x->devices, (x->n_devices + 1) * sizeof *x->devices);
  x->devices[x->n_devices++] = (struct device_opt) { .host = xstrdup (host),
                                                     .container = xstrdup (ctr),
                                                     .perms = xstrdup (perms) };
  return 0;
}

/* no-new-privileges[=true|false] (also with ':'), seccomp=unconfined|FILE. */
static int
parse_security_opt (const char *arg, struct run_options *o, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (arg);
  char *val = strpbrk (copy, "=:");
  if (val)
    *val++ = '\0';
  if (strcmp (copy, "no-new-privileges") == 0)
    {
      if (val == NULL || strcmp (val, "true") == 0)
        o->no_new_privileges = true;
      else if (strcmp (val, "false") == 0)
        o->no_new_privileges = false;
      else
        return FLAG_ERR ("--security-opt `%s`: want no-new-privileges[=true|false]", arg);
    }
  else if (strcmp (copy, "seccomp") == 0 && val && *val)
    {
      free (o->x.seccomp_file);
      o->x.seccomp_file = NULL;
      o->no_seccomp = strcmp (val, "unconfined") == 0;
      if (!o->no_seccomp)
        {
          if (access (val, R_OK) < 0)
            return FLAG_ERR ("--security-opt `%s`: cannot read the profile `%s`", arg, val);
          o->x.seccomp_file = xstrdup (val);
        }
    }
  else
    return FLAG_ERR ("--security-opt `%s`: unsupported (no-new-privileges, "
                     "seccomp=unconfined or seccomp=FILE)", arg);
  strv_push (&o->x.security_opts, arg);
  return 0;
}

/* The init binary for --init: $MOCKER_INIT, else catatonit (or
 * docker-init, tini) in PATH. Docker-style inits take `-- COMMAND`. */
static char *
find_init (void)
{
  const char *env = getenv ("MOCKER_INIT");
  if (env && *env)
    return access (env, X_OK) == 0 ? xstrdup (env) : NULL;
  static const char *const names[] = { "catatonit", "docker-init", "tini" };
  const char *path = getenv ("PATH");
  if (path == NULL || *path == '\0')
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (size_t i = 0; i < ARRAY_SIZE (names); i++)
    {
      _cleanup_free_ char *copy = xstrdup (path);
      char *save = NULL;
      for (char *d = strtok_r (copy, ":", &save); d; d = strtok_r (NULL, ":", &save))
        {
          _cleanup_free_ char *p = xasprintf ("%s/%s", d, names[i]);
          if (access (p, X_OK) == 0)
            return STEAL (p);
        }
    }
  return NULL;
}

/* A namespace mode among the allowed ones ("host", "private"...). */
static int
parse_ns_mode (const char *opt, const char *arg, const char *const *allowed, const char **out,
               mk_error **err)
{
  for (size_t i = 0; allowed[i]; i++)
    if (strcmp (arg, allowed[i]) == 0)
      {
        *out = allowed[i];
        return 0;
      }
  return FLAG_ERR ("--%s `%s`: unsupported mode", opt, arg);
}

/* A Go duration of at least 1ms (Docker's minimum), as nanoseconds. */
static int
parse_health_duration (const char *opt, const char *arg, long long *out, mk_error **err)
{
  long long ns = parse_go_duration (arg);
  if (ns < 0)
    return FLAG_ERR ("--health-%s: invalid duration `%s` (30s, 1m30s, 500ms)", opt, arg);
  if (ns < 1000000)
    return FLAG_ERR ("--health-%s `%s`: the minimum is 1ms", opt, arg);
  *out = ns;
  return 0;
}

int
run_opts_parse (int c, const char *arg, struct run_options *o, mk_error **err)
{
  struct run_extra *x = &o->x;
  _cleanup_error_ mk_error *e = NULL;
  int r = 0;
  switch (c)
    {
    case OPT_X_MEMORY_SWAP:
      if (strcmp (arg, "-1") == 0)
        x->memory_swap = -1;
      else if (parse_bytes (arg, &x->memory_swap, &e) < 0)
        return FLAG_ERR ("--memory-swap: invalid size `%s`", arg);
      break;
    case OPT_X_CPUSET_CPUS:
      r = parse_cpuset (arg, err);
      free (x->cpuset_cpus);
      x->cpuset_cpus = xstrdup (arg);
      break;
    case OPT_X_SHM_SIZE:
      if (parse_bytes (arg, &x->shm_size, &e) < 0 || x->shm_size <= 0)
        return FLAG_ERR ("--shm-size: invalid size `%s`", arg);
      break;
    case OPT_X_ULIMIT: r = parse_ulimit (arg, x, err); break;
    case OPT_X_LABEL:
      if (arg[0] == '\0' || arg[0] == '=')
        return FLAG_ERR ("--label: invalid label `%s`", arg);
      if (strchr (arg, '='))
        strv_push (&x->labels, arg);
      else
        {
          _cleanup_free_ char *kv = xasprintf ("%s=", arg);
          strv_push (&x->labels, kv);
        }
      break;
    case OPT_X_ADD_HOST: r = parse_add_host (arg, x, err); break;
    case OPT_X_DNS:
      if (!is_ip (arg))
        return FLAG_ERR ("--dns: invalid IP address `%s`", arg);
      strv_push (&x->dns, arg);
      break;
    case OPT_X_DNS_SEARCH:
      if (arg[0] == '\0' || strpbrk (arg, " \t\n"))
        return FLAG_ERR ("--dns-search: invalid domain `%s`", arg);
      strv_push (&x->dns_search, arg);
      break;
    case OPT_X_DNS_OPTION:
      if (arg[0] == '\0' || strpbrk (arg, " \t\n"))
        return FLAG_ERR ("--dns-option: invalid option `%s`", arg);
      strv_push (&x->dns_options, arg);
      break;
    case OPT_X_DEVICE: r = parse_device (arg, x, err); break;
    case OPT_X_SECURITY_OPT: r = parse_security_opt (arg, o, err); break;
    case OPT_X_PID:
      {
        static const char *const modes[] = { "host", "private", NULL };
        r = parse_ns_mode ("pid", arg, modes, &x->pid_mode, err);
        break;
      }
    case OPT_X_IPC:
      {
        static const char *const modes[] = { "host", "private", "shareable", NULL };
        r = parse_ns_mode ("ipc", arg, modes, &x->ipc_mode, err);
        break;
      }
    case OPT_X_CGROUPNS:
      {
        static const char *const modes[] = { "host", "private", NULL };
        r = parse_ns_mode ("cgroupns", arg, modes, &x->cgroupns_mode, err);
        break;
      }
    case OPT_X_STOP_SIGNAL:
      if (ctr_parse_signal (arg) < 0)
        return FLAG_ERR ("--stop-signal: invalid signal `%s`", arg);
      x->stop_signal = arg;
      break;
    case OPT_X_STOP_TIMEOUT:
      if (!parse_int64 (arg, &x->stop_timeout) || x->stop_timeout < -1
          || x->stop_timeout > 2147483)
        return FLAG_ERR ("--stop-timeout: invalid number of seconds `%s`", arg);
      x->has_stop_timeout = true;
      break;
    case OPT_X_INIT: x->init = true; break;
    case OPT_X_HEALTH_CMD:
      if (arg[0] == '\0')
        return FLAG_ERR ("--health-cmd: empty command");
      x->health_cmd = arg;
      break;
    case OPT_X_HEALTH_INTERVAL: r = parse_health_duration ("interval", arg, &x->health_interval, err); break;
    case OPT_X_HEALTH_TIMEOUT: r = parse_health_duration ("timeout", arg, &x->health_timeout, err); break;
    case OPT_X_HEALTH_START_PERIOD:
      r = parse_health_duration ("start-period", arg, &x->health_start_period, err);
      break;
    case OPT_X_HEALTH_RETRIES:
      if (!parse_int64 (arg, &x->health_retries) || x->health_retries < 0 || x->health_retries > 1000000)
        return FLAG_ERR ("--health-retries: invalid number `%s`", arg);
      x->has_health_retries = true;
      break;
    case OPT_X_NO_HEALTHCHECK: x->no_healthcheck = true; break;
    default: return 0;
    }
  return r < 0 ? -1 : 1;
}

int
run_opts_check (struct run_options *o, mk_error **err)
{
  struct run_extra *x = &o->x;
  if (x->memory_swap != 0)
    {
      if (o->memory <= 0)
        return FLAG_ERR ("--memory-swap needs a memory limit (-m)");
      if (x->memory_swap > 0 && x->memory_swap < o->memory)
        return FLAG_ERR ("--memory-swap %lld is below the memory limit %lld (it counts "
                         "memory plus swap)", (long long) x->memory_swap,
                         (long long) o->memory);
    }
  if (x->shm_size && x->ipc_mode && strcmp (x->ipc_mode, "host") == 0)
    return FLAG_ERR ("--shm-size conflicts with --ipc host (the host's /dev/shm is used)");
  if (x->no_healthcheck && (x->health_cmd || x->health_interval || x->health_timeout
                            || x->health_start_period || x->has_health_retries))
    return FLAG_ERR ("--no-healthcheck conflicts with --health-* options");
  if (x->init && x->init_path == NULL && (x->init_path = find_init ()) == NULL)
    return FLAG_ERR ("--init: no init binary (catatonit, docker-init or tini in PATH, "
                     "or $MOCKER_INIT)");
  return 0;
}

void
run_opts_clear (struct run_options *o)
{
  struct run_extra *x = &o->x;
  free (x->cpuset_cpus);
  for (size_t i = 0; i < x->n_ulimits; i++)
    free (x->ulimits[i].type);
  free (x->ulimits);
  strv_free (x->labels);
  strv_free (x->add_hosts);
  strv_free (x->dns);
  strv_free (x->dns_search);
  strv_free (x->dns_options);
  for (size_t i = 0; i < x->n_devices; i++)
    {
      free (x->devices[i].host);
      free (x->devices[i].container);
      free (x->devices[i].perms);
    }
  free (x->devices);
  free (x->seccomp_file);
  strv_free (x->security_opts);
  free (x->init_path);
  memset (x, 0, sizeof *x);
}
