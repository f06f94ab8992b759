/* See cgroup.h. */
#include "mocker/container/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/container/container.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

bool
ctr_cgroup_v2 (void)
{
  static int v2 = -1; /* asked once per process: ps asks per container */
  if (v2 < 0)
    v2 = access (CGROUP_ROOT "/cgroup.controllers", F_OK) == 0;
  return v2;
}

char *
ctr_cgroup_file (const struct container *c, const char *controller, const char *file)
{
  char group[100];
  snprintf (group, sizeof group, CTR_CGROUP_FMT, c->id);
  if (ctr_cgroup_v2 ())
    return xasprintf (CGROUP_ROOT "%s/%s", group, file);
  return xasprintf (CGROUP_ROOT "/%s%s/%s", controller, group, file);
}

long long
ctr_cgroup_read_num (const struct container *c, const char *controller, const char *file)
{
  _cleanup_free_ char *p = ctr_cgroup_file (c, controller, file);
  _cleanup_free_ char *text = NULL;
  if (read_file (p, &text, NULL, NULL) < 0)
    return -1;
  char *end;
  errno = 0;
  long long v = strtoll (text, &end, 10);
  return end == text || errno ? -1 : v;
}

long long
ctr_cgroup_read_key (const struct container *c, const char *controller, const char *file,
                     const char *key)
{
  _cleanup_free_ char *p = ctr_cgroup_file (c, controller, file);
  _cleanup_free_ char *text = NULL;
  if (read_file (p, &text, NULL, NULL) < 0)
    return -1;
  size_t klen = strlen (key);
  for (char *line = text; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
      return strtoll (line + klen + 1, NULL, 10);
  return -1;
}

int
ctr_cgroup_pids (const struct container *c, pid_t **out, size_t *n, mk_error **err)
{
  *out = NULL;
  *n = 0;
  _cleanup_free_ char *p = ctr_cgroup_file (c, "pids", "cgroup.procs");
  _cleanup_free_ char *text = NULL;
  if (read_file (p, &text, NULL, err) < 0)
    return -1;
  for (char *s = text; *s;)
    {
      char *end;
      long v = strtol (s, &end, 10);
      if (end == s)
        break;
      if (v > 0)
        {
          *out = xrealloc (*out, (*n + 1) * sizeof **out);
          (*out)[(*n)++] = (pid_t) v;
        }
      s = end;
      while (*s == '\n')
        s++;
    }
  return 0;
}

bool
ctr_paused (const struct container *c)
{
  _cleanup_free_ char *p = ctr_cgroup_v2 () ? ctr_cgroup_file (c, "", "cgroup.freeze")
                                            : ctr_cgroup_file (c, "freezer", "freezer.state");
  _cleanup_free_ char *text = NULL;
  if (read_file (p, &text, NULL, NULL) < 0)
    return false;
  return str_has_prefix (text, "1") || str_has_prefix (text, "FROZEN")
         || str_has_prefix (text, "FREEZING");
}
