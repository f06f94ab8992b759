/* cgroup v2: one tree.  Controllers must be enabled in cgroup.subtree_control
 * of every ancestor, and a non-root cgroup with processes cannot enable them
 * for its children (the "no internal processes" rule) — which is why the
 * default container cgroup is /mocker-<id>, never below the runtime's own.
 *
 * Device rules (linux.resources.devices) are an eBPF program on v2
 * (cgroup_v2_devices.c). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

static const char *const wanted_controllers[] = { "cpuset", "cpu", "io", "memory", "pids", "hugetlb" };

static bool
word_in (const char *list, const char *word)
{
  size_t n = strlen (word);
  for (const char *p = list; (p = strstr (p, word)) != NULL; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
      return true;
  return false;
}

/* Enables the wanted controllers that dir offers for its children.  One at a
 * time, so that one the kernel refuses does not hide the others; a limit
 * that then lacks its file fails later, naming that file. */
static void
enable_controllers (const char *dir)
{
  _cleanup_free_ char *avail = NULL, *enabled = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (cgroup_read (dir, "cgroup.controllers", &avail, &e) < 0
      || cgroup_read (dir, "cgroup.subtree_control", &enabled, &e) < 0)
    {
      log_debug ("%s", e->msg);
      return;
    }
  for (size_t i = 0; i < ARRAY_SIZE (wanted_controllers); i++)
    {
      const char *c = wanted_controllers[i];
      if (!word_in (avail, c) || word_in (enabled, c))
        continue;
      _cleanup_free_ char *plus = xasprintf ("+%s", c);
      _cleanup_error_ mk_error *we = NULL;
      if (cgroup_write (dir, "cgroup.subtree_control", plus, &we) < 0)
        log_debug ("%s", we->msg);
    }
}

/* A group that is frozen (itself, or an ancestor: a new group inherits it)
 * would stop the init as it enters, and create would wait for it forever. */
static int
cgroup_v2_refuse_frozen (const char *dir, mk_error **err)
{
  _cleanup_free_ char *events = NULL, *freeze = NULL;
  _cleanup_error_ mk_error *e = NULL;
  bool frozen = (cgroup_read (dir, "cgroup.events", &events, &e) == 0 && strstr (events, "frozen 1"))
                || (cgroup_read (dir, "cgroup.freeze", &freeze, &e) == 0 && strcmp (freeze, "1") == 0);
  if (frozen)
    return mk_error_set (err, 0, "cgroup: %s is frozen (thaw it, or its parent, first)", dir);
  return 0;
}

int
cgroup_v2_create (const char *root, const char *rel, const struct spec_resources *res,
                  bool controllers, pid_t pid, mk_error **err)
{
  _cleanup_free_ char *created_from = NULL;
  _cleanup_free_ char *leaf = path_join (root, rel);
  if (cgroup_mkdir (root, rel, &created_from, err) < 0)
    return -1;

  if (controllers)
    {
      /* Every ancestor from the root down to the leaf's parent. */
      _cleanup_free_ char *p = xstrdup (leaf);
      size_t root_len = strlen (root);
      enable_controllers (root);
      for (char *s = p + root_len + 1; *s; s++)
        {
          if (*s != '/')
            continue;
          *s = '\0';
          enable_controllers (p);
          *s = '/';
        }
    }

  if (res && cgroup_v2_apply (leaf, res, err) < 0)
    goto fail;
  if (cgroup_v2_refuse_frozen (leaf, err) < 0)
    goto fail;
  if (pid > 0)
    {
      char pid_s[32];
      snprintf (pid_s, sizeof pid_s, "%d", (int) pid);
      if (cgroup_write (leaf, "cgroup.procs", pid_s, err) < 0)
        goto fail;
    }
  return 0;

fail:
  if (created_from)
    cgroup_rmdir_up_to (leaf, created_from);
  return -1;
}

/* Writes a limit file.  When it is missing because its controller is not
 * enabled for this group (the parent holds processes, or the parent's
 * parent did not pass it down), say so rather than "No such file". */
static int
limit_write (const char *dir, const char *file, const char *value, mk_error **err)
{
  _cleanup_error_ mk_error *e = NULL;
  if (cgroup_write (dir, file, value, &e) == 0)
    return 0;
  const char *dot = strchr (file, '.');
  _cleanup_free_ char *avail = NULL;
  _cleanup_error_ mk_error *re = NULL;
  if (mk_error_errno (e) == ENOENT && dot != NULL && cgroup_read (dir, "cgroup.controllers", &avail, &re) == 0)
    {
      _cleanup_free_ char *controller = xstrndup (file, dot - file);
      if (!word_in (avail, controller))
        return mk_error_set (err, 0,
                             "cgroup: write \"%s\" to %s/%s: the %s controller is not enabled for %s "
                             "(is it missing from the parent's cgroup.subtree_control, "
                             "or does the parent hold processes?)",
                             value, dir, file, controller, dir);
    }
  *err = STEAL (e);
  return -1;
}

static int
apply_memory (const char *dir, const struct spec_memory *m, mk_error **err)
{
  if (m->has_limit && m->limit != 0)
    {
      _cleanup_free_ char *v = cgroup_limit_string (m->limit);
      if (limit_write (dir, "memory.max", v, err) < 0)
        return -1;
    }
  int64_t swap;
  bool set;
  if (cgroup_v2_swap_max (m->has_swap, m->swap, m->has_limit, m->limit, &swap, &set, err) < 0)
    return -1;
  if (set)
    {
      _cleanup_free_ char *v = cgroup_limit_string (swap);
      /* Without swap accounting the file is absent; "max" is then the truth. */
      if (swap >= 0 || cgroup_has_file (dir, "memory.swap.max"))
        if (limit_write (dir, "memory.swap.max", v, err) < 0)
          return -1;
    }
  if (m->has_reservation && m->reservation != 0)
    {
      _cleanup_free_ char *v = cgroup_limit_string (m->reservation);
      if (limit_write (dir, "memory.low", v, err) < 0)
        return -1;
    }
  if (m->has_kernel)
    log_debug ("cgroup: linux.resources.memory.kernel is not supported on cgroup v2: ignored");
  if (m->has_kernel_tcp && m->kernel_tcp != 0)
    return mk_error_set (err, 0, "linux.resources.memory.kernelTCP: cgroup v2 has no separate "
                         "TCP memory limit (memory.max covers it)");
  if (m->has_swappiness)
    log_debug ("cgroup: linux.resources.memory.swappiness is not supported on cgroup v2: ignored");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    log_debug ("cgroup: linux.resources.memory.disableOOMKiller is not supported on cgroup v2: ignored");
  return 0;
}

static int
apply_cpu (const char *dir, const struct spec_cpu *c, mk_error **err)
{
  if (c->has_shares && c->shares != 0)
    {
      _cleanup_free_ char *v = xasprintf ("%" PRIu64, cgroup_shares_to_weight (c->shares));
      if (limit_write (dir, "cpu.weight", v, err) < 0)
        return -1;
    }
  bool has_quota = c->has_quota && c->quota != 0;
  int64_t quota = c->quota;
  bool has_period = c->has_period && c->period != 0;
  if (has_period && !has_quota)
    {
      /* "max 100000" would drop the current quota: keep it. */
      _cleanup_free_ char *cur = NULL;
      long long q;
      if (cgroup_read (dir, "cpu.max", &cur, err) < 0)
        return -1;
      char *sp = strchr (cur, ' ');
      if (sp)
        *sp = '\0';
      has_quota = true;
      quota = parse_int64 (cur, &q) ? q : -1;
    }
  _cleanup_free_ char *max = cgroup_cpu_max_string (has_quota, quota, has_period, c->period);
  if (max && limit_write (dir, "cpu.max", max, err) < 0)
    return -1;
  if (c->has_burst)
    {
      _cleanup_free_ char *v = xasprintf ("%" PRIu64, c->burst);
      if (limit_write (dir, "cpu.max.burst", v, err) < 0)
        return -1;
    }
  if (c->has_idle)
    {
      _cleanup_free_ char *v = xasprintf ("%" PRId64, c->idle);
      if (limit_write (dir, "cpu.idle", v, err) < 0)
        return -1;
    }
  if ((c->has_realtime_runtime && c->realtime_runtime != 0)
      || (c->has_realtime_period && c->realtime_period != 0))
    return mk_error_set (err, 0,
                         "linux.resources.cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
  if (c->cpus && c->cpus[0] && limit_write (dir, "cpuset.cpus", c->cpus, err) < 0)
    return -1;
  if (c->mems && c->mems[0] && limit_write (dir, "cpuset.mems", c->mems, err) < 0)
    return -1;
  return 0;
}

int
cgroup_v2_apply (const char *dir, const struct spec_resources *res, mk_error **err)
{
  /* Refused before anything is written (update applies in place). */
  if (res->network && (res->network->has_class_id || res->network->n_priorities > 0))
    return mk_error_set (err, 0, "linux.resources.network: cgroup v2 has no net_cls or net_prio "
                         "controller (classify traffic by cgroup path with nftables instead)");
  if (res->memory && apply_memory (dir, res->memory, err) < 0)
    return -1;
  if (res->cpu && apply_cpu (dir, res->cpu, err) < 0)
    return -1;
  if (res->pids && res->pids->has_limit && res->pids->limit != 0)
    {
      _cleanup_free_ char *v = cgroup_limit_string (res->pids->limit);
      if (limit_write (dir, "pids.max", v, err) < 0)
        return -1;
    }
  if (res->block_io && res->block_io->has_weight && res->block_io->weight != 0)
    {
      uint16_t w = res->block_io->weight;
      if (cgroup_has_file (dir, "io.bfq.weight"))
        {
          _cleanup_free_ char *v = xasprintf ("%u", (unsigned) w);
          if (limit_write (dir, "io.bfq.weight", v, err) < 0)
            return -1;
        }
      else
        {
          /* blkio.weight 10..1000 onto io.weight 1..10000. */
          unsigned iw = w < 10 ? 1 : 1 + ((unsigned) w - 10) * 9999 / 990;
          _cleanup_free_ char *v = xasprintf ("default %u", iw);
          if (limit_write (dir, "io.weight", v, err) < 0)
            return -1;
        }
    }
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      const struct spec_hugepage_limit *hp = &res->hugepage_limits[i];
      _cleanup_free_ char *file = xasprintf ("hugetlb.%s.max", hp->page_size ? hp->page_size : "");
      _cleanup_free_ char *v = xasprintf ("%" PRIu64, hp->limit);
      if (limit_write (dir, file, v, err) < 0)
        return -1;
    }
  if (res->n_devices > 0 && cgroup_v2_devices_apply (dir, res, err) < 0)
    return -1;
  for (size_t i = 0; i < res->unified.len; i++)
    {
      const char *key = res->unified.keys[i];
      if (key[0] == '\0' || key[0] == '.' || strchr (key, '/') != NULL)
        return mk_error_set (err, 0, "linux.resources.unified: invalid file name \"%s\"", key);
      if (limit_write (dir, key, res->unified.values[i], err) < 0)
        return mk_error_wrap (err, "linux.resources.unified.%s", key);
    }
  return 0;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

int
cgroup_v2_freeze (const char *dir, bool frozen, mk_error **err)
{
  if (cgroup_write (dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  /* The kernel freezes asynchronously: wait for cgroup.events to agree. */
  const char *want = frozen ? "frozen 1" : "frozen 0";
  for (int i = 0; i < 500; i++)
    {
      _cleanup_free_ char *events = NULL;
      if (cgroup_read (dir, "cgroup.events", &events, err) < 0)
        return -1;
      if (strstr (events, want))
        return 0;
      sleep_ms (i < 20 ? 1 : 20);
    }
  if (frozen)
    {
      _cleanup_error_ mk_error *e = NULL;
      cgroup_write (dir, "cgroup.freeze", "0", &e);
    }
  return mk_error_set (err, 0, "cgroup: %s did not %s", dir, frozen ? "freeze" : "thaw");
}

int
cgroup_v2_kill (const char *dir, int sig, mk_error **err)
{
  if (!dir_exists (dir))
    return 0;
  if (sig == SIGKILL && cgroup_has_file (dir, "cgroup.kill"))
    return cgroup_write (dir, "cgroup.kill", "1", err);
  return cgroup_signal_procs (dir, sig, err);
}
