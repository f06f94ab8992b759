/* update ID [-r|--resources FILE|-] [--memory N] [--memory-swap N]
 *           [--memory-reservation N] [--cpu-quota N] [--cpu-period N]
 *           [--cpu-share(s) N] [--cpuset-cpus L] [--cpuset-mems L]
 *           [--pids-limit N] [--blkio-weight N]
 *
 * New limits for a running (or paused, or created) container: the
 * LinuxResources JSON (podman writes a file, go-runc sends it on stdin),
 * then the flags on top.  They are applied to the cgroup and merged into
 * the config kept in the state dir, so what exec and a later update see
 * stays consistent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/cgroup/resources_merge.h"
#include "mocker-runtime/state/state_config.h"
#include "mocker-runtime/state/state_locked.h"

enum { U_MEMORY = 256, U_SWAP, U_RESERVATION, U_KMEM, U_QUOTA, U_PERIOD, U_SHARES, U_CPUS,
       U_MEMS, U_PIDS, U_BLKIO, U_RT_PERIOD, U_RT_RUNTIME };

static const struct option update_options[] = {
  { "resources", required_argument, NULL, 'r' },
  { "memory", required_argument, NULL, U_MEMORY },
  { "memory-swap", required_argument, NULL, U_SWAP },
  { "memory-reservation", required_argument, NULL, U_RESERVATION },
  { "kernel-memory", required_argument, NULL, U_KMEM },
  { "cpu-quota", required_argument, NULL, U_QUOTA },
  { "cpu-period", required_argument, NULL, U_PERIOD },
  { "cpu-share", required_argument, NULL, U_SHARES },
  { "cpu-shares", required_argument, NULL, U_SHARES },
  { "cpu-rt-period", required_argument, NULL, U_RT_PERIOD },
  { "cpu-rt-runtime", required_argument, NULL, U_RT_RUNTIME },
  { "cpuset-cpus", required_argument, NULL, U_CPUS },
  { "cpuset-mems", required_argument, NULL, U_MEMS },
  { "pids-limit", required_argument, NULL, U_PIDS },
  { "blkio-weight", required_argument, NULL, U_BLKIO },
  { NULL, 0, NULL, 0 },
};

static int
parse_i64 (const char *opt, const char *s, int64_t *out, mk_error **err)
{
  long long v;
  if (!parse_int64 (s, &v))
    return mk_error_set (err, 0, "--%s: invalid number `%s`", opt, s);
  *out = v;
  return 0;
}

static int
parse_u64 (const char *opt, const char *s, uint64_t *out, mk_error **err)
{
  unsigned long long v;
  if (!parse_uint64 (s, &v))
    return mk_error_set (err, 0, "--%s: invalid number `%s`", opt, s);
  *out = v;
  return 0;
}

static void
set_str (char **dst, const char *src)
{
  free (*dst);
  *dst = xstrdup (src);
}

/* One flag into r; 1 when c is not an update flag. */
static int
apply_flag (int c, const char *arg, struct spec_resources *r, mk_error **err)
{
  const char *opt = NULL;
  for (size_t i = 0; update_options[i].name; i++)
    if (update_options[i].val == c)
      opt = update_options[i].name;
  switch (c)
    {
    case U_MEMORY:
      resources_memory (r)->has_limit = true;
      return resources_parse_size (opt, arg, &r->memory->limit, err);
    case U_SWAP:
      resources_memory (r)->has_swap = true;
      return resources_parse_size (opt, arg, &r->memory->swap, err);
    case U_RESERVATION:
      resources_memory (r)->has_reservation = true;
      return resources_parse_size (opt, arg, &r->memory->reservation, err);
    case U_KMEM:
      resources_memory (r)->has_kernel = true;
      return resources_parse_size (opt, arg, &r->memory->kernel, err);
    case U_QUOTA:
      resources_cpu (r)->has_quota = true;
      return parse_i64 (opt, arg, &r->cpu->quota, err);
    case U_PERIOD:
      resources_cpu (r)->has_period = true;
      return parse_u64 (opt, arg, &r->cpu->period, err);
    case U_SHARES:
      resources_cpu (r)->has_shares = true;
      return parse_u64 (opt, arg, &r->cpu->shares, err);
    case U_RT_PERIOD:
      resources_cpu (r)->has_realtime_period = true;
      return parse_u64 (opt, arg, &r->cpu->realtime_period, err);
    case U_RT_RUNTIME:
      resources_cpu (r)->has_realtime_runtime = true;
      return parse_i64 (opt, arg, &r->cpu->realtime_runtime, err);
    case U_CPUS:
      set_str (&resources_cpu (r)->cpus, arg);
      return 0;
    case U_MEMS:
      set_str (&resources_cpu (r)->mems, arg);
      return 0;
    case U_PIDS:
      if (r->pids == NULL)
        r->pids = xzalloc (sizeof *r->pids);
      r->pids->has_limit = true;
      return parse_i64 (opt, arg, &r->pids->limit, err);
    case U_BLKIO:
      {
        uint64_t w = 0;
        if (parse_u64 (opt, arg, &w, err) < 0)
          return -1;
        if (w > 1000)
          return mk_error_set (err, 0, "--blkio-weight: %s is not in 10..1000", arg);
        if (r->block_io == NULL)
          r->block_io = xzalloc (sizeof *r->block_io);
        r->block_io->has_weight = true;
        r->block_io->weight = (uint16_t) w;
        return 0;
      }
    }
  return 1;
}

int
cmd_update (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  const char *file = NULL;
  _cleanup_spec_resources_ struct spec_resources *flags = xzalloc (sizeof *flags);
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":r:", update_options, NULL)) != -1)
    {
      if (c == 'r')
        {
          file = optarg;
          continue;
        }
      int r = apply_flag (c, optarg, flags, err);
      if (r < 0)
        return -1;
      if (r > 0)
        return cli_option_error ("update", c, argv, err);
    }
  if (cli_args ("update", argc, argv, 1, 1, "update [OPTIONS] ID", err) < 0)
    return -1;
  _cleanup_spec_resources_ struct spec_resources *res = NULL;
  if (file)
    {
      if (spec_read_resources_file (file, &res, err) < 0)
        return -1;
    }
  else
    res = xzalloc (sizeof *res);
  resources_merge (res, flags);
  /* Unlimited memory without a swap value means unlimited memory+swap too
   * (as runc): on v1 memsw.limit must be lifted first, or raising the
   * memory limit above it fails with EINVAL. */
  if (res->memory && res->memory->has_limit && res->memory->limit == -1
      && !(res->memory->has_swap && res->memory->swap != 0))
    {
      res->memory->has_swap = true;
      res->memory->swap = -1;
    }

  _cleanup_rt_state_ struct rt_state *st = NULL;
  enum rt_status status;
  _cleanup_close_ int dfd = state_open_locked (g->root, argv[optind], &st, &status, err);
  if (dfd < 0)
    return -1;
  if (status == RT_STOPPED)
    return mk_error_set (err, 0, "container not running");
  _cleanup_spec_ struct spec *spec = NULL;
  if (state_config_load (g->root, st, &spec, err) < 0)
    return -1;
  if (cgroup_update (st->cgroup_path, res, err) < 0)
    return mk_error_wrap (err, "update `%s`", st->id);
  if (spec->linux_ == NULL)
    spec->linux_ = xzalloc (sizeof *spec->linux_);
  if (spec->linux_->resources == NULL)
    spec->linux_->resources = xzalloc (sizeof *spec->linux_->resources);
  resources_merge (spec->linux_->resources, res);
  return state_config_store (dfd, spec, err);
}
