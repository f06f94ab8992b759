/* How many times the OOM killer struck in a container's cgroup (events):
 * "oom_kill N" of memory.events (v2) or memory.oom_control (v1). */
#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

int
cgroup_oom_kills (const char *path, uint64_t *count, mk_error **err)
{
  *count = 0;
  if (cgroup_check_path (path, err) < 0)
    return -1;
  const struct cgroup_host *h = cgroup_host ();
  _cleanup_free_ char *dir = NULL;
  const char *file;
  const struct cgroup_v1_hierarchy *m = NULL;
  if (h->layout != CGROUP_LAYOUT_V2)
    m = cgroup_v1_find (h, "memory");
  if (m)
    {
      dir = path_join (m->dir, path);
      file = "memory.oom_control";
    }
  else if (h->v2_dir)
    {
      dir = path_join (h->v2_dir, path);
      file = "memory.events";
    }
  else
    return 0;
  _cleanup_free_ char *text = NULL;
  if (cgroup_read (dir, file, &text, err) < 0)
    return -1;
  const char *p = strstr (text, "oom_kill ");
  unsigned long long v;
  if (p && sscanf (p + 9, "%llu", &v) == 1)
    *count = v;
  return 0;
}
