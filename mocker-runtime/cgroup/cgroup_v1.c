/* cgroup v1: one hierarchy per controller (or per group of co-mounted
 * controllers).  The container's group is made in every hierarchy so that
 * every controller accounts for it. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

/* A new cpuset group starts with empty cpus/mems and refuses tasks until
 * they are set: copy them down from the parent along the path. Groups from
 * created_from down were made by this call (empty for sure: not read). */
static int
init_cpuset (const char *root, const char *rel, const char *created_from, mk_error **err)
{
  _cleanup_free_ char *full = path_join (root, rel);
  size_t root_len = strlen (root);
  for (char *s = full + root_len + 1; ; s++)
    {
      if (*s != '/' && *s != '\0')
        continue;
      char saved = *s;
      *s = '\0';
      _cleanup_free_ char *parent = xstrdup (full);
      *strrchr (parent, '/') = '\0';
      static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
      for (size_t i = 0; i < ARRAY_SIZE (files); i++)
        {
          _cleanup_free_ char *cur = NULL, *up = NULL;
          size_t n = created_from ? strlen (created_from) : 0;
          bool fresh = created_from && strncmp (full, created_from, n) == 0
                       && (full[n] == '\0' || full[n] == '/');
          if (!fresh && cgroup_read (full, files[i], &cur, err) < 0)
            return -1;
          if (!fresh && cur[0] != '\0')
            continue;
          if (cgroup_read (parent, files[i], &up, err) < 0
              || cgroup_write (full, files[i], up, err) < 0)
            return -1;
        }
      *s = saved;
      if (saved == '\0')
        break;
    }
  return 0;
}

/* created has holes (NULL for groups that existed): free each slot. */
static void
free_created (char **created, size_t n)
{
  for (size_t j = 0; j < n; j++)
    free (created[j]);
  free (created);
}

/* A frozen group (itself or an ancestor: freezer.state says FROZEN or
 * FREEZING for both) would stop the init as it enters, and create would
 * wait for it forever. */
static int
refuse_frozen (const struct cgroup_host *h, const char *rel, mk_error **err)
{
  const struct cgroup_v1_hierarchy *f = cgroup_v1_find (h, "freezer");
  if (f == NULL)
    return 0;
  _cleanup_free_ char *d = path_join (f->dir, rel);
  _cleanup_free_ char *state = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (cgroup_read (d, "freezer.state", &state, &e) < 0)
    {
      /* The root group has none: it cannot be frozen. */
      if (mk_error_errno (e) == ENOENT)
        return 0;
      *err = STEAL (e);
      return -1;
    }
  if (strcmp (state, "THAWED") != 0)
    return mk_error_set (err, 0, "cgroup: %s is %s (thaw it, or its parent, first)", d, state);
  return 0;
}

int
cgroup_v1_create (const struct cgroup_host *h, const char *rel,
                  const struct spec_resources *res, pid_t pid, mk_error **err)
{
  char **created = xzalloc ((h->n_v1 + 1) * sizeof *created);
  const struct cgroup_v1_hierarchy *cpuset = cgroup_v1_find (h, "cpuset");
  size_t i;
  for (i = 0; i < h->n_v1; i++)
    {
      if (cgroup_mkdir (h->v1[i].dir, rel, &created[i], err) < 0)
        goto fail;
      if (&h->v1[i] == cpuset && init_cpuset (cpuset->dir, rel, created[i], err) < 0)
        goto fail;
    }
  if (res && cgroup_v1_apply (h, rel, res, err) < 0)
    goto fail;
  if (refuse_frozen (h, rel, err) < 0)
    goto fail;
  if (pid > 0)
    {
      char pid_s[32];
      snprintf (pid_s, sizeof pid_s, "%d", (int) pid);
      for (size_t j = 0; j < h->n_v1; j++)
        {
          _cleanup_free_ char *d = path_join (h->v1[j].dir, rel);
          if (cgroup_write (d, "cgroup.procs", pid_s, err) < 0)
            goto fail;
        }
    }
  free_created (created, h->n_v1);
  return 0;

fail:
  for (size_t j = 0; j < h->n_v1; j++)
    {
      if (created[j] == NULL)
        continue;
      if (pid > 0)
        {
          /* Take the process back out, or the group stays busy. */
          char pid_s[32];
          snprintf (pid_s, sizeof pid_s, "%d", (int) pid);
          _cleanup_error_ mk_error *e = NULL;
          cgroup_write (h->v1[j].dir, "cgroup.procs", pid_s, &e);
        }
      _cleanup_free_ char *leaf = path_join (h->v1[j].dir, rel);
      cgroup_rmdir_up_to (leaf, created[j]);
    }
  free_created (created, h->n_v1);
  return -1;
}

/* The group of rel in the hierarchy of controller c; an error naming the
 * JSON field when that hierarchy does not exist. */
static char *
dir_for (const struct cgroup_host *h, const char *c, const char *rel, const char *field,
         mk_error **err)
{
  const struct cgroup_v1_hierarchy *hy = cgroup_v1_find (h, c);
  if (hy == NULL)
    {
      mk_error_set (err, 0, "%s: the host has no %s cgroup hierarchy", field, c);
      return NULL;
    }
  return path_join (hy->dir, rel);
}

static int
write_i64 (const char *dir, const char *file, int64_t v, mk_error **err)
{
  char s[32];
  snprintf (s, sizeof s, "%" PRId64, v);
  return cgroup_write (dir, file, s, err);
}

static int
apply_memory (const struct cgroup_host *h, const char *rel, const struct spec_memory *m,
              mk_error **err)
{
  _cleanup_free_ char *d = dir_for (h, "memory", rel, "linux.resources.memory", err);
  if (d == NULL)
    return -1;
  bool set_limit = m->has_limit && m->limit != 0;
  bool set_swap = m->has_swap && m->swap != 0;
  if (set_swap && !cgroup_has_file (d, "memory.memsw.limit_in_bytes"))
    {
      log_debug ("cgroup: no swap accounting on this host: linux.resources.memory.swap ignored");
      set_swap = false;
    }
  if (set_swap && set_limit && m->swap > 0 && m->limit > 0 && m->swap < m->limit)
    return mk_error_set (err, 0, "linux.resources.memory.swap: %" PRId64
                         " is below memory.limit %" PRId64 " (swap is memory+swap)", m->swap, m->limit);
  /* memsw.limit must stay >= limit at every step: raise memsw before the
   * limit, lower it after. */
  bool swap_first = false;
  if (set_swap)
    {
      _cleanup_free_ char *cur = NULL;
      long long c;
      if (cgroup_read (d, "memory.memsw.limit_in_bytes", &cur, err) < 0)
        return -1;
      swap_first = m->swap < 0 || !parse_int64 (cur, &c) || m->swap >= c;
    }
  if (swap_first && write_i64 (d, "memory.memsw.limit_in_bytes", m->swap, err) < 0)
    return -1;
  if (set_limit && write_i64 (d, "memory.limit_in_bytes", m->limit, err) < 0)
    return -1;
  if (set_swap && !swap_first && write_i64 (d, "memory.memsw.limit_in_bytes", m->swap, err) < 0)
    return -1;
  if (m->has_reservation && m->reservation != 0
      && write_i64 (d, "memory.soft_limit_in_bytes", m->reservation, err) < 0)
    return -1;
  if (m->has_kernel)
    log_debug ("cgroup: linux.resources.memory.kernel is deprecated by the kernel: ignored");
  if (m->has_kernel_tcp && m->kernel_tcp != 0)
    {
      if (!cgroup_has_file (d, "memory.kmem.tcp.limit_in_bytes"))
        return mk_error_set (err, 0, "linux.resources.memory.kernelTCP: this kernel has no "
                             "memory.kmem.tcp.limit_in_bytes (in %s)", d);
      if (write_i64 (d, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp, err) < 0)
        return -1;
    }
  if (m->has_swappiness)
    {
      if (m->swappiness > 100)
        return mk_error_set (err, 0, "linux.resources.memory.swappiness: %" PRIu64
                             " is not in 0..100", m->swappiness);
      if (write_i64 (d, "memory.swappiness", (int64_t) m->swappiness, err) < 0)
        return -1;
    }
  if (m->has_disable_oom_killer && m->disable_oom_killer
      && cgroup_write (d, "memory.oom_control", "1", err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu (const struct cgroup_host *h, const char *rel, const struct spec_cpu *c,
           mk_error **err)
{
  bool any_cpu = (c->has_shares && c->shares) || (c->has_quota && c->quota)
                 || (c->has_period && c->period) || c->has_burst || c->has_idle
                 || (c->has_realtime_period && c->realtime_period)
                 || (c->has_realtime_runtime && c->realtime_runtime);
  if (any_cpu)
    {
      _cleanup_free_ char *d = dir_for (h, "cpu", rel, "linux.resources.cpu", err);
      if (d == NULL)
        return -1;
      if (c->has_shares && c->shares && write_i64 (d, "cpu.shares", (int64_t) c->shares, err) < 0)
        return -1;
      /* The kernel checks quota/period against the parent's at each write,
       * so the order that works depends on the old and new values: the
       * period first, and when the kernel refuses it (the old quota over the
       * new period exceeds the parent's ratio), the quota then the period. */
      bool has_quota = c->has_quota && c->quota, quota_done = false;
      int64_t quota = c->quota < 0 ? -1 : c->quota;
      if (c->has_period && c->period)
        {
          _cleanup_error_ mk_error *pe = NULL;
          if (write_i64 (d, "cpu.cfs_period_us", (int64_t) c->period, &pe) < 0)
            {
              if (mk_error_errno (pe) != EINVAL || !has_quota)
                {
                  *err = STEAL (pe);
                  return -1;
                }
              if (write_i64 (d, "cpu.cfs_quota_us", quota, err) < 0
                  || write_i64 (d, "cpu.cfs_period_us", (int64_t) c->period, err) < 0)
                return -1;
              quota_done = true;
            }
        }
      if (has_quota && !quota_done && write_i64 (d, "cpu.cfs_quota_us", quota, err) < 0)
        return -1;
      if (c->has_burst && write_i64 (d, "cpu.cfs_burst_us", (int64_t) c->burst, err) < 0)
        return -1;
      if (c->has_realtime_period && c->realtime_period
          && write_i64 (d, "cpu.rt_period_us", (int64_t) c->realtime_period, err) < 0)
        return -1;
      if (c->has_realtime_runtime && c->realtime_runtime
          && write_i64 (d, "cpu.rt_runtime_us", c->realtime_runtime, err) < 0)
        return -1;
      if (c->has_idle && write_i64 (d, "cpu.idle", c->idle, err) < 0)
        return -1;
    }
  bool cpus = c->cpus && c->cpus[0], mems = c->mems && c->mems[0];
  if (cpus || mems)
    {
      _cleanup_free_ char *d = dir_for (h, "cpuset", rel, "linux.resources.cpu.cpus", err);
      if (d == NULL)
        return -1;
      if (cpus && cgroup_write (d, "cpuset.cpus", c->cpus, err) < 0)
        return -1;
      if (mems && cgroup_write (d, "cpuset.mems", c->mems, err) < 0)
        return -1;
    }
  return 0;
}

static int
apply_devices (const struct cgroup_host *h, const char *rel, const struct spec_resources *res,
               mk_error **err)
{
  _cleanup_free_ char *d = dir_for (h, "devices", rel, "linux.resources.devices", err);
  if (d == NULL)
    return -1;
  for (size_t i = 0; i < res->n_devices; i++)
    {
      const struct spec_device_cgroup *dev = &res->devices[i];
      if (dev->type && strcmp (dev->type, "a") && strcmp (dev->type, "b") && strcmp (dev->type, "c"))
        return mk_error_set (err, 0, "linux.resources.devices[%zu].type: invalid \"%s\"",
                             i, dev->type);
      if (dev->access && strspn (dev->access, "rwm") != strlen (dev->access))
        return mk_error_set (err, 0, "linux.resources.devices[%zu].access: invalid \"%s\"",
                             i, dev->access);
      _cleanup_free_ char *rule = cgroup_device_rule_string (dev);
      if (cgroup_write (d, dev->allow ? "devices.allow" : "devices.deny", rule, err) < 0)
        return -1;
    }
  /* After the config's rules (typically "deny all"), the devices every
   * container needs, as runc adds them: mknod of anything, null, zero, full,
   * random, urandom, tty, ptmx and the pts of its own devpts, tun. */
  static const char *const defaults[] = {
    "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
    "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm",
  };
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    if (cgroup_write (d, "devices.allow", defaults[i], err) < 0)
      return -1;
  return 0;
}

/* net_cls.classid and net_prio.ifpriomap ("<interface> <priority>", one
 * write per interface). */
static int
apply_network (const struct cgroup_host *h, const char *rel, const struct spec_network *n,
               mk_error **err)
{
  if (n->has_class_id)
    {
      _cleanup_free_ char *d = dir_for (h, "net_cls", rel, "linux.resources.network.classID", err);
      if (d == NULL || write_i64 (d, "net_cls.classid", n->class_id, err) < 0)
        return -1;
    }
  if (n->n_priorities > 0)
    {
      _cleanup_free_ char *d = dir_for (h, "net_prio", rel, "linux.resources.network.priorities", err);
      if (d == NULL)
        return -1;
      for (size_t i = 0; i < n->n_priorities; i++)
        {
          _cleanup_free_ char *v = xasprintf ("%s %" PRIu32, n->priorities[i].name,
                                              n->priorities[i].priority);
          if (cgroup_write (d, "net_prio.ifpriomap", v, err) < 0)
            return -1;
        }
    }
  return 0;
}

int
cgroup_v1_apply (const struct cgroup_host *h, const char *rel,
                 const struct spec_resources *res, mk_error **err)
{
  if (res->memory && apply_memory (h, rel, res->memory, err) < 0)
    return -1;
  if (res->cpu && apply_cpu (h, rel, res->cpu, err) < 0)
    return -1;
  if (res->pids && res->pids->has_limit && res->pids->limit != 0)
    {
      _cleanup_free_ char *d = dir_for (h, "pids", rel, "linux.resources.pids", err);
      _cleanup_free_ char *v = cgroup_limit_string (res->pids->limit);
      if (d == NULL || cgroup_write (d, "pids.max", v, err) < 0)
        return -1;
    }
  if (res->block_io && res->block_io->has_weight && res->block_io->weight != 0)
    {
      _cleanup_free_ char *d = dir_for (h, "blkio", rel, "linux.resources.blockIO", err);
      if (d == NULL)
        return -1;
      const char *file = cgroup_has_file (d, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
      if (write_i64 (d, file, res->block_io->weight, err) < 0)
        return -1;
    }
  if (res->n_hugepage_limits > 0)
    {
      _cleanup_free_ char *d = dir_for (h, "hugetlb", rel, "linux.resources.hugepageLimits", err);
      if (d == NULL)
        return -1;
      for (size_t i = 0; i < res->n_hugepage_limits; i++)
        {
          const struct spec_hugepage_limit *hp = &res->hugepage_limits[i];
          _cleanup_free_ char *file = xasprintf ("hugetlb.%s.limit_in_bytes",
                                                 hp->page_size ? hp->page_size : "");
          if (write_i64 (d, file, (int64_t) hp->limit, err) < 0)
            return -1;
        }
    }
  if (res->n_devices > 0 && apply_devices (h, rel, res, err) < 0)
    return -1;
  if (res->network && apply_network (h, rel, res->network, err) < 0)
    return -1;
  return 0;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

int
cgroup_v1_freeze (const char *dir, bool frozen, mk_error **err)
{
  const char *want = frozen ? "FROZEN" : "THAWED";
  for (int i = 0; i < 500; i++)
    {
      /* Writing FROZEN again nudges a group stuck in FREEZING. */
      if (i % 10 == 0 && cgroup_write (dir, "freezer.state", want, err) < 0)
        return -1;
      _cleanup_free_ char *state = NULL;
      if (cgroup_read (dir, "freezer.state", &state, err) < 0)
        return -1;
      if (strcmp (state, want) == 0)
        return 0;
      sleep_ms (i < 20 ? 1 : 20);
    }
  if (frozen)
    {
      _cleanup_error_ mk_error *e = NULL;
      cgroup_write (dir, "freezer.state", "THAWED", &e);
    }
  return mk_error_set (err, 0, "cgroup: %s did not become %s", dir, want);
}
