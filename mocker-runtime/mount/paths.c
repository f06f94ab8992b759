#include "mocker-runtime/mount/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

const char *
fd_path (int fd, char buf[FD_PATH_MAX])
{
  snprintf (buf, FD_PATH_MAX, "/proc/self/fd/%d", fd);
  return buf;
}


/* The path to create instead when the component ending at path[end] is a
 * dangling symlink: its target (relative to the link's directory) followed
 * by the rest of path.  NULL when it is not a symlink. */
static char *
follow_dangling (int dirfd, const char *comp, const char *path, size_t start, size_t end)
{
  char target[4096];
  ssize_t n = readlinkat (dirfd, comp, target, sizeof target - 1);
  if (n <= 0)
    return NULL;
  target[n] = '\0';
  if (target[0] == '/')
    return xasprintf ("%s%s", target, path + end);
  return xasprintf ("%.*s/%s%s", (int) start, path, target, path + end);
}

static int
mkdir_p_in_root (int rootfd, const char *path, mode_t mode, int depth, mk_error **err)
{
  if (depth > 40)
    return mk_error_set (err, ELOOP, "mkdir `%s` in the container root", path);
  /* cur: the directory reached so far; -1 while that is the root itself. */
  _cleanup_close_ int cur = -1;

  /* Walk the prefixes "/a", "/a/b", ... each resolved from the root (so ".."
   * and symlinks stay confined), creating the missing ones in the directory
   * reached so far. */
  size_t len = strlen (path);
  for (size_t i = 0; i < len;)
    {
      while (i < len && path[i] == '/')
        i++;
      size_t start = i;
      while (i < len && path[i] != '/')
        i++;
      if (i == start)
        break;
      _cleanup_free_ char *comp = xstrndup (path + start, i - start);
      _cleanup_free_ char *prefix = xstrndup (path, i);
      if (strcmp (comp, ".") == 0)
        continue;
      int next = root_open (rootfd, prefix, O_PATH | O_DIRECTORY);
      if (next < 0 && errno == ENOENT)
        {
          /* mkdirat never follows a symlink in the last component. */
          if (mkdirat (cur >= 0 ? cur : rootfd, comp, mode) < 0 && errno != EEXIST)
            return mk_error_set (err, errno, "mkdir `%s` in the container root", prefix);
          next = root_open (rootfd, prefix, O_PATH | O_DIRECTORY);
          if (next < 0 && errno == ENOENT)
            {
              /* A dangling symlink: create its target, inside the root. */
              _cleanup_free_ char *redo
                  = follow_dangling (cur >= 0 ? cur : rootfd, comp, path, start, i);
              if (redo)
                return mkdir_p_in_root (rootfd, redo, mode, depth + 1, err);
              errno = ENOENT;
            }
        }
      if (next < 0)
        return mk_error_set (err, errno, "open `%s` in the container root", prefix);
      if (cur >= 0)
        close (cur);
      cur = next;
    }
  if (cur < 0 && (cur = root_open (rootfd, "/", O_PATH | O_DIRECTORY)) < 0)
    return mk_error_set (err, errno, "open the container root");
  return STEAL_FD (cur);
}

int
root_mkdir_p (int rootfd, const char *path, mode_t mode, mk_error **err)
{
  return mkdir_p_in_root (rootfd, path, mode, 0, err);
}

int
root_open_parent (int rootfd, const char *path, char **name, mk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (path);
  /* Drop trailing slashes, then split at the last one. */
  size_t len = strlen (copy);
  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  char *slash = strrchr (copy, '/');
  const char *base = slash ? slash + 1 : copy;
  if (*base == '\0' || strcmp (base, ".") == 0 || strcmp (base, "..") == 0)
    return mk_error_set (err, EINVAL, "`%s`: not a path to an entry", path);
  _cleanup_free_ char *parent = slash ? xstrndup (copy, (size_t) (slash - copy)) : xstrdup ("/");
  int fd = root_mkdir_p (rootfd, parent, 0755, err);
  if (fd < 0)
    return -1;
  *name = xstrdup (base);
  return fd;
}

/* The file mount point at path: created with O_EXCL (never through a
 * symlink); a dangling symlink in its place has its target created instead,
 * resolved inside the root like any path here (an absolute target is
 * relative to the root). */
static int
mkfile_in_root (int rootfd, const char *path, int depth, mk_error **err)
{
  if (depth > 40)
    return mk_error_set (err, ELOOP, "create `%s` in the container root", path);
  int fd = root_open (rootfd, path, O_PATH);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return mk_error_set (err, errno, "open `%s` in the container root", path);

  _cleanup_free_ char *name = NULL;
  _cleanup_close_ int dirfd = root_open_parent (rootfd, path, &name, err);
  if (dirfd < 0)
    return -1;
  int created = openat (dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (created < 0 && errno != EEXIST)
    return mk_error_set (err, errno, "create `%s` in the container root", path);
  if (created >= 0)
    close (created);
  fd = root_open (rootfd, path, O_PATH);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT || created >= 0)
    return mk_error_set (err, errno, "open `%s` in the container root", path);
  /* EEXIST, and still nothing there: a dangling symlink. */
  char target[4096];
  ssize_t n = readlinkat (dirfd, name, target, sizeof target - 1);
  if (n <= 0)
    return mk_error_set (err, ENOENT, "open `%s` in the container root", path);
  target[n] = '\0';
  _cleanup_free_ char *redo = NULL;
  if (target[0] == '/')
    redo = xstrdup (target);
  else
    {
      /* Relative to the link's directory: path up to its last component. */
      size_t len = strlen (path);
      while (len > 1 && path[len - 1] == '/')
        len--;
      while (len > 0 && path[len - 1] != '/')
        len--;
      redo = xasprintf ("%.*s%s", (int) len, path, target);
    }
  return mkfile_in_root (rootfd, redo, depth + 1, err);
}

int
root_mkmountpoint (int rootfd, const char *path, bool is_dir, mk_error **err)
{
  if (is_dir)
    return root_mkdir_p (rootfd, path, 0755, err);
  return mkfile_in_root (rootfd, path, 0, err);
}
