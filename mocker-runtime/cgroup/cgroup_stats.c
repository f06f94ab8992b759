/* Usage counters of a container cgroup (events --stats). */
#include <errno.h>
#include <string.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

static bool
read_u64 (const char *dir, const char *file, uint64_t *out)
{
  _cleanup_free_ char *v = NULL;
  _cleanup_error_ mk_error *e = NULL;
  unsigned long long n;
  if (dir == NULL || cgroup_read (dir, file, &v, &e) < 0 || !parse_uint64 (v, &n))
    return false;
  *out = n;
  return true;
}

/* A "key value" line of a flat-keyed file (cpu.stat, memory.stat). */
static bool
read_keyed_u64 (const char *dir, const char *file, const char *key, uint64_t *out)
{
  _cleanup_free_ char *v = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (cgroup_read (dir, file, &v, &e) < 0)
    return false;
  size_t klen = strlen (key);
  for (char *save = NULL, *line = strtok_r (v, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save))
    {
      unsigned long long n;
      if (strncmp (line, key, klen) == 0 && line[klen] == ' ' && parse_uint64 (line + klen + 1, &n))
        {
          *out = n;
          return true;
        }
    }
  return false;
}

/* A huge v1 limit (PAGE_COUNTER_MAX pages) means none. */
#define V1_NO_LIMIT (1ULL << 62)

int
cgroup_stats (const char *path, struct cgroup_stats *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  if (h->layout == CGROUP_LAYOUT_V2)
    {
      _cleanup_free_ char *d = path_join (h->v2_dir, path);
      if (!dir_exists (d))
        return mk_error_set (err, ENOENT, "cgroup: %s", d);
      uint64_t usec;
      if (read_keyed_u64 (d, "cpu.stat", "usage_usec", &usec))
        {
          out->has_cpu_usage = true;
          out->cpu_usage_ns = usec * 1000;
        }
      out->has_memory_usage = read_u64 (d, "memory.current", &out->memory_usage);
      out->has_memory_limit = read_u64 (d, "memory.max", &out->memory_limit);
      out->has_pids_current = read_u64 (d, "pids.current", &out->pids_current);
      out->has_pids_limit = read_u64 (d, "pids.max", &out->pids_limit);
      return 0;
    }

  const struct cgroup_v1_hierarchy *cpuacct = cgroup_v1_find (h, "cpuacct");
  const struct cgroup_v1_hierarchy *memory = cgroup_v1_find (h, "memory");
  const struct cgroup_v1_hierarchy *pids = cgroup_v1_find (h, "pids");
  _cleanup_free_ char *dc = cpuacct ? path_join (cpuacct->dir, path) : NULL;
  _cleanup_free_ char *dm = memory ? path_join (memory->dir, path) : NULL;
  _cleanup_free_ char *dp = pids ? path_join (pids->dir, path) : NULL;
  _cleanup_free_ char *any = cgroup_primary_dir (h, path);
  if (!dir_exists (any))
    return mk_error_set (err, ENOENT, "cgroup: %s", any);
  out->has_cpu_usage = read_u64 (dc, "cpuacct.usage", &out->cpu_usage_ns);
  out->has_memory_usage = read_u64 (dm, "memory.usage_in_bytes", &out->memory_usage);
  out->has_memory_limit = read_u64 (dm, "memory.limit_in_bytes", &out->memory_limit)
                          && out->memory_limit < V1_NO_LIMIT;
  out->has_pids_current = read_u64 (dp, "pids.current", &out->pids_current);
  out->has_pids_limit = read_u64 (dp, "pids.max", &out->pids_limit);
  return 0;
}
