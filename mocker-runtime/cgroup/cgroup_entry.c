#include "mocker-runtime/cgroup/cgroup_entry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

void
cgroup_entry_close (struct cgroup_entry *e)
{
  if (e->v2_dir_fd >= 0)
    close (e->v2_dir_fd);
  if (e->v2_procs_fd >= 0)
    close (e->v2_procs_fd);
  for (size_t i = 0; i < e->n_v1; i++)
    if (e->v1_tasks_fds[i] >= 0)
      close (e->v1_tasks_fds[i]);
  free (e->v1_tasks_fds);
  e->v1_tasks_fds = NULL;
  e->n_v1 = 0;
  e->v2_dir_fd = e->v2_procs_fd = -1;
}

static int
open_in (const char *root, const char *path, const char *file, int flags, mk_error **err)
{
  _cleanup_free_ char *dir = path_join (root, path);
  _cleanup_free_ char *p = file ? path_join (dir, file) : xstrdup (dir);
  int fd = open (p, flags | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "cgroup: open `%s`", p);
  return fd;
}

int
cgroup_entry_open (const char *path, struct cgroup_entry *e, mk_error **err)
{
  memset (e, 0, sizeof *e);
  e->v2_dir_fd = e->v2_procs_fd = -1;
  const struct cgroup_host *h = cgroup_host ();
  if (h->v2_dir)
    {
      e->v2_dir_fd = open_in (h->v2_dir, path, NULL, O_RDONLY | O_DIRECTORY, err);
      if (e->v2_dir_fd < 0)
        goto fail;
      e->v2_procs_fd = open_in (h->v2_dir, path, "cgroup.procs", O_WRONLY, err);
      if (e->v2_procs_fd < 0)
        goto fail;
    }
  if (h->layout != CGROUP_LAYOUT_V2)
    {
      e->v1_tasks_fds = xmalloc ((h->n_v1 + 1) * sizeof (int));
      for (size_t i = 0; i < h->n_v1; i++)
        {
          e->v1_tasks_fds[i] = open_in (h->v1[i].dir, path, "tasks", O_WRONLY, err);
          if (e->v1_tasks_fds[i] < 0)
            goto fail;
          e->n_v1++;
        }
    }
  return 0;
fail:
  cgroup_entry_close (e);
  return -1;
}

static int
write_zero (int fd, const char *what, mk_error **err)
{
  while (write (fd, "0", 1) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "cgroup: enter %s", what);
  return 0;
}

int
cgroup_entry_join_self (const struct cgroup_entry *e, mk_error **err)
{
  for (size_t i = 0; i < e->n_v1; i++)
    if (write_zero (e->v1_tasks_fds[i], "v1 hierarchy", err) < 0)
      return -1;
  if (e->v2_procs_fd >= 0 && !e->into_cgroup_done
      && write_zero (e->v2_procs_fd, "cgroup2 group", err) < 0)
    return -1;
  return 0;
}
