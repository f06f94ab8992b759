/* Reading and writing cgroup files, making and removing cgroup directories. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

int
cgroup_write (const char *dir, const char *file, const char *value, mk_error **err)
{
  _cleanup_free_ char *p = path_join (dir, file);
  _cleanup_close_ int fd = open (p, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "cgroup: write \"%s\" to %s", value, p);
  size_t len = strlen (value);
  ssize_t w;
  do
    w = write (fd, value, len);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return mk_error_set (err, errno, "cgroup: write \"%s\" to %s", value, p);
  if ((size_t) w != len)
    return mk_error_set (err, EIO, "cgroup: short write of \"%s\" to %s", value, p);
  log_debug ("cgroup: %s = %s", p, value);
  return 0;
}

int
cgroup_read (const char *dir, const char *file, char **out, mk_error **err)
{
  _cleanup_free_ char *p = path_join (dir, file);
  _cleanup_error_ mk_error *e = NULL;
  char *text = NULL;
  if (read_file (p, &text, NULL, &e) < 0)
    return mk_error_set (err, mk_error_errno (e), "cgroup: read %s", p);
  /* Values end with a newline; callers want the bare value. */
  size_t n = strlen (text);
  while (n > 0 && text[n - 1] == '\n')
    text[--n] = '\0';
  *out = text;
  return 0;
}

int
cgroup_read_pids (const char *dir, pid_t **pids, size_t *n, mk_error **err)
{
  *pids = NULL;
  *n = 0;
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (cgroup_read (dir, "cgroup.procs", &text, &e) < 0)
    {
      if (mk_error_errno (e) == ENOENT || mk_error_errno (e) == ENODEV)
        return 0;
      *err = STEAL (e);
      return -1;
    }
  size_t cap = 0;
  pid_t *out = NULL;
  for (char *save = NULL, *tok = strtok_r (text, "\n", &save); tok;
       tok = strtok_r (NULL, "\n", &save))
    {
      long long v;
      if (!parse_int64 (tok, &v) || v <= 0)
        continue;
      if (*n == cap)
        {
          cap = cap ? cap * 2 : 16;
          out = xrealloc (out, cap * sizeof *out);
        }
      out[(*n)++] = (pid_t) v;
    }
  *pids = out;
  return 0;
}

int
cgroup_signal_procs (const char *dir, int sig, mk_error **err)
{
  _cleanup_free_ pid_t *done = NULL;
  size_t n_done = 0;
  /* Two passes: the second catches children forked during the first. */
  for (int pass = 0; pass < 2; pass++)
    {
      _cleanup_free_ pid_t *pids = NULL;
      size_t n;
      if (cgroup_read_pids (dir, &pids, &n, err) < 0)
        return -1;
      for (size_t i = 0; i < n; i++)
        {
          bool seen = false;
          for (size_t j = 0; j < n_done && !seen; j++)
            seen = done[j] == pids[i];
          if (seen)
            continue;
          if (kill (pids[i], sig) < 0 && errno != ESRCH)
            return mk_error_set (err, errno, "cgroup: kill %d in %s", (int) pids[i], dir);
          done = xrealloc (done, (n_done + 1) * sizeof *done);
          done[n_done++] = pids[i];
        }
    }
  return 0;
}

int
cgroup_mkdir (const char *root, const char *rel, char **created_from, mk_error **err)
{
  *created_from = NULL;
  _cleanup_free_ char *full = path_join (root, rel);
  size_t root_len = strlen (root);
  for (char *s = full + root_len + 1; ; s++)
    {
      if (*s != '/' && *s != '\0')
        continue;
      char saved = *s;
      *s = '\0';
      int r = -1;
      /* A concurrent rollback may remove a parent just made: retry. */
      for (int tries = 0; tries < 5; tries++)
        {
          r = mkdir (full, 0755);
          if (r == 0 || errno != ENOENT)
            break;
        }
      if (r == 0 && *created_from == NULL)
        *created_from = xstrdup (full);
      if (r < 0 && errno != EEXIST)
        {
          int e = errno;
          if (*created_from)
            {
              cgroup_rmdir_up_to (full, *created_from);
              free (STEAL (*created_from));
            }
          return mk_error_set (err, e, "cgroup: mkdir %s", full);
        }
      *s = saved;
      if (saved == '\0')
        break;
    }
  return 0;
}

static int
rmdir_retry (const char *dir)
{
  /* A group whose last process just died can stay busy for a moment. */
  for (int i = 0; i < 50; i++)
    {
      if (rmdir (dir) == 0 || errno == ENOENT)
        return 0;
      if (errno != EBUSY)
        return -1;
      usleep (i < 10 ? 2000 : 20000);
    }
  return -1;
}

int
cgroup_rmdir_tree (const char *dir, mk_error **err)
{
  /* The usual case, a group without children, needs no directory listing
   * (the kernel says EBUSY both for child groups and for a busy group). */
  if (rmdir (dir) == 0 || errno == ENOENT)
    return 0;
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;
      return mk_error_set (err, errno, "cgroup: open %s", dir);
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || de->d_type != DT_DIR)
        continue;
      _cleanup_free_ char *sub = path_join (dir, de->d_name);
      if (cgroup_rmdir_tree (sub, err) < 0)
        return -1;
    }
  if (rmdir_retry (dir) < 0)
    return mk_error_set (err, errno, "cgroup: remove %s", dir);
  return 0;
}

void
cgroup_rmdir_up_to (const char *leaf, const char *top)
{
  _cleanup_free_ char *p = xstrdup (leaf);
  size_t top_len = strlen (top);
  while (strlen (p) >= top_len)
    {
      if (rmdir_retry (p) < 0)
        {
          log_debug ("cgroup: rollback: rmdir %s: %s", p, strerror (errno));
          return;
        }
      char *slash = strrchr (p, '/');
      if (slash == NULL || slash == p)
        return;
      *slash = '\0';
    }
}

