/* linux.resources (and update --resources, the same object alone). */
#include "spec/spec.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "spec/read_util.h"

static int
read_device_rules (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val arr;
  if (rd_array (c, res, path, "devices", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "devices");
  r->n_devices = arr->u.array.len;
  r->devices = xzalloc (r->n_devices * sizeof *r->devices);
  for (size_t i = 0; i < r->n_devices; i++)
    {
      struct spec_device_cgroup *d = &r->devices[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0
          || rd_bool (c, e, p, "allow", NULL, &d->allow) < 0
          || rd_str (c, e, p, "type", &d->type) < 0
          || rd_i64 (c, e, p, "major", -1, INT64_MAX, &d->has_major, &d->major) < 0
          || rd_i64 (c, e, p, "minor", -1, INT64_MAX, &d->has_minor, &d->minor) < 0
          || rd_str (c, e, p, "access", &d->access) < 0)
        return -1;
      if (d->type && strcmp (d->type, "a") != 0 && strcmp (d->type, "c") != 0
          && strcmp (d->type, "b") != 0)
        {
          _cleanup_free_ char *pt = rd_key (p, "type");
          return rd_error (c, pt, "unknown device type \"%s\" (expected a, c or b)", d->type);
        }
      if (d->access && strspn (d->access, "rwm") != strlen (d->access))
        {
          _cleanup_free_ char *pa = rd_key (p, "access");
          return rd_error (c, pa, "invalid access \"%s\" (expected letters of \"rwm\")",
                           d->access);
        }
    }
  return 0;
}

static int
read_memory (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val obj;
  if (rd_object (c, res, path, "memory", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "memory");
  struct spec_memory *m = r->memory = xzalloc (sizeof *m);
  /* -1 means unlimited for the byte counts. */
  if (rd_i64 (c, obj, p, "limit", -1, INT64_MAX, &m->has_limit, &m->limit) < 0
      || rd_i64 (c, obj, p, "reservation", -1, INT64_MAX, &m->has_reservation,
                 &m->reservation) < 0
      || rd_i64 (c, obj, p, "swap", -1, INT64_MAX, &m->has_swap, &m->swap) < 0
      || rd_i64 (c, obj, p, "kernel", -1, INT64_MAX, &m->has_kernel, &m->kernel) < 0
      || rd_i64 (c, obj, p, "kernelTCP", -1, INT64_MAX, &m->has_kernel_tcp, &m->kernel_tcp) < 0
      || rd_u64 (c, obj, p, "swappiness", UINT64_MAX, &m->has_swappiness, &m->swappiness) < 0
      || rd_bool (c, obj, p, "disableOOMKiller", &m->has_disable_oom_killer,
                  &m->disable_oom_killer) < 0)
    return -1;
  return 0;
}

static int
read_cpu (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val obj;
  if (rd_object (c, res, path, "cpu", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "cpu");
  struct spec_cpu *cpu = r->cpu = xzalloc (sizeof *cpu);
  if (rd_u64 (c, obj, p, "shares", UINT64_MAX, &cpu->has_shares, &cpu->shares) < 0
      || rd_i64 (c, obj, p, "quota", -1, INT64_MAX, &cpu->has_quota, &cpu->quota) < 0
      || rd_u64 (c, obj, p, "period", UINT64_MAX, &cpu->has_period, &cpu->period) < 0
      || rd_u64 (c, obj, p, "burst", UINT64_MAX, &cpu->has_burst, &cpu->burst) < 0
      || rd_i64 (c, obj, p, "realtimeRuntime", INT64_MIN, INT64_MAX, &cpu->has_realtime_runtime,
                 &cpu->realtime_runtime) < 0
      || rd_u64 (c, obj, p, "realtimePeriod", UINT64_MAX, &cpu->has_realtime_period,
                 &cpu->realtime_period) < 0
      || rd_str (c, obj, p, "cpus", &cpu->cpus) < 0
      || rd_str (c, obj, p, "mems", &cpu->mems) < 0
      || rd_i64 (c, obj, p, "idle", INT64_MIN, INT64_MAX, &cpu->has_idle, &cpu->idle) < 0)
    return -1;
  return 0;
}

static int
read_pids (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val obj;
  if (rd_object (c, res, path, "pids", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "pids");
  r->pids = xzalloc (sizeof *r->pids);
  /* 0 and -1 both mean unlimited (runc's reading). */
  return rd_i64 (c, obj, p, "limit", -1, INT64_MAX, &r->pids->has_limit, &r->pids->limit);
}

static int
read_block_io (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val obj;
  if (rd_object (c, res, path, "blockIO", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "blockIO");
  r->block_io = xzalloc (sizeof *r->block_io);
  uint64_t w;
  if (rd_u64 (c, obj, p, "weight", UINT16_MAX, &r->block_io->has_weight, &w) < 0)
    return -1;
  if (r->block_io->has_weight)
    r->block_io->weight = w;
  return 0;
}

static int
read_hugepages (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val arr;
  if (rd_array (c, res, path, "hugepageLimits", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (path, "hugepageLimits");
  r->n_hugepage_limits = arr->u.array.len;
  r->hugepage_limits = xzalloc (r->n_hugepage_limits * sizeof *r->hugepage_limits);
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    {
      struct spec_hugepage_limit *h = &r->hugepage_limits[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      if (rd_val_object (c, e, p) < 0
          || rd_str_req (c, e, p, "pageSize", &h->page_size) < 0
          || rd_u64_req (c, e, p, "limit", UINT64_MAX, &h->limit) < 0)
        return -1;
    }
  return 0;
}

static int
read_network (rd_ctx *c, yajl_val res, const char *path, struct spec_resources *r)
{
  yajl_val obj, arr;
  if (rd_object (c, res, path, "network", &obj) < 0)
    return -1;
  if (obj == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, "network");
  struct spec_network *n = r->network = xzalloc (sizeof *n);
  if (rd_u32 (c, obj, p, "classID", &n->has_class_id, &n->class_id) < 0
      || rd_array (c, obj, p, "priorities", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key (p, "priorities");
  n->n_priorities = arr->u.array.len;
  n->priorities = xzalloc (n->n_priorities * sizeof *n->priorities);
  for (size_t i = 0; i < n->n_priorities; i++)
    {
      struct spec_net_priority *np = &n->priorities[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *pi = rd_idx (pl, i);
      if (rd_val_object (c, e, pi) < 0
          || rd_str_req (c, e, pi, "name", &np->name) < 0
          || rd_u32_req (c, e, pi, "priority", &np->priority) < 0)
        return -1;
      /* The name goes into net_prio.ifpriomap as "<name> <priority>". */
      if (np->name[0] == '\0' || strpbrk (np->name, " \t\n/") != NULL)
        {
          _cleanup_free_ char *pn = rd_key (pi, "name");
          return rd_error (c, pn, "invalid interface name \"%s\"", np->name);
        }
    }
  return 0;
}

int
rd_resources (rd_ctx *c, yajl_val v, const char *path, struct spec_resources **out)
{
  if (rd_val_object (c, v, path) < 0)
    return -1;
  _cleanup_spec_resources_ struct spec_resources *r = xzalloc (sizeof *r);
  if (read_device_rules (c, v, path, r) < 0
      || read_memory (c, v, path, r) < 0
      || read_cpu (c, v, path, r) < 0
      || read_pids (c, v, path, r) < 0
      || read_block_io (c, v, path, r) < 0
      || read_hugepages (c, v, path, r) < 0
      || read_network (c, v, path, r) < 0
      || rd_map (c, v, path, "unified", &r->unified) < 0)
    return -1;
  *out = STEAL (r);
  return 0;
}
