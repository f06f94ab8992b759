#include "common/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/linux_compat.h"
#include "common/util.h"

int
read_file_at (int dirfd, const char *path, size_t max, char **out, size_t *len, mk_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);

  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = xmalloc (cap + 1);
  for (;;)
    {
      if (n == cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap + 1);
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return mk_error_set (err, errno, "read `%s`", path);
      if (r == 0)
        break;
      n += r;
      if (max > 0 && n > max)
        return mk_error_set (err, EFBIG, "read `%s`", path);
    }
  buf[n] = '\0';
  if (len)
    *len = n;
  *out = STEAL (buf);
  return 0;
}

int
read_file (const char *path, char **out, size_t *len, mk_error **err)
{
  return read_file_at (AT_FDCWD, path, 0, out, len, err);
}

void
read_append (int fd, char **buf, size_t *len, size_t *cap)
{
  for (;;)
    {
      if (*cap - *len < 65536)
        {
          *cap = *cap * 2 + 65536;
          *buf = xrealloc (*buf, *cap);
        }
      ssize_t n = read (fd, *buf + *len, *cap - *len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      *len += (size_t) n;
    }
}

static int
write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      p += w;
      len -= w;
    }
  return 0;
}

int
write_file_new_at (int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                   mk_error **err)
{
  _cleanup_close_ int fd
      = openat (dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0)
    return mk_error_set (err, errno, "create `%s`", path);
  if (write_all (fd, data, len) < 0 || fchmod (fd, mode) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, path, 0);
      return mk_error_set (err, saved, "write `%s`", path);
    }
  return 0;
}

int
write_file_atomic_at (int dirfd, const char *path, const void *data, size_t len,
                      mode_t mode, bool durable, mk_error **err)
{
  /* A name of our own: the pid alone is not enough when threads (tier 2)
   * write the same file, and O_EXCL never reuses a stale or planted one. */
  static unsigned counter;
  _cleanup_free_ char *tmp = NULL;
  _cleanup_close_ int fd = -1;
  for (int attempt = 0; fd < 0; attempt++)
    {
      free (tmp);
      tmp = xasprintf ("%s.tmp.%d.%u", path, (int) getpid (),
                       __atomic_fetch_add (&counter, 1, __ATOMIC_RELAXED));
      fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
      if (fd < 0 && (errno != EEXIST || attempt >= 100))
        return mk_error_set (err, errno, "create `%s`", tmp);
    }
  if (write_all (fd, data, len) < 0 || (durable && fsync (fd) < 0))
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return mk_error_set (err, saved, "write `%s`", tmp);
    }
  if (fchmod (fd, mode) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return mk_error_set (err, saved, "chmod `%s`", tmp);
    }
  if (renameat (dirfd, tmp, dirfd, path) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return mk_error_set (err, saved, "rename `%s` to `%s`", tmp, path);
    }
  return 0;
}

int
write_file_atomic (const char *path, const void *data, size_t len, mode_t mode,
                   bool durable, mk_error **err)
{
  return write_file_atomic_at (AT_FDCWD, path, data, len, mode, durable, err);
}

int
write_file_string_at (int dirfd, const char *path, const char *s, mk_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  if (write_all (fd, s, strlen (s)) < 0)
    return mk_error_set (err, errno, "write `%s` to `%s`", s, path);
  return 0;
}

int
write_file_string (const char *path, const char *s, mk_error **err)
{
  return write_file_string_at (AT_FDCWD, path, s, err);
}

int
mkdir_p (const char *path, mode_t mode, mk_error **err)
{
  if (str_is_empty (path))
    return mk_error_set (err, EINVAL, "mkdir ``");
  _cleanup_free_ char *p = xstrdup (path);
  for (char *s = p + 1; *s; s++)
    {
      if (*s != '/')
        continue;
      *s = '\0';
      if (mkdir (p, mode) < 0 && errno != EEXIST)
        return mk_error_set (err, errno, "mkdir `%s`", p);
      *s = '/';
    }
  if (mkdir (p, mode) < 0 && errno != EEXIST)
    return mk_error_set (err, errno, "mkdir `%s`", p);
  if (!dir_exists (p))
    return mk_error_set (err, ENOTDIR, "mkdir `%s`", p);
  return 0;
}

/* What identifies "the same file system" for rm_rf_one_fs: the mount (its
 * id, so a bind mount of a directory of the same disk counts as another
 * mount) and, where the kernel has no mount ids, the device. */
struct mount_ident
{
  dev_t dev;
  bool has_mnt_id;
  uint64_t mnt_id;
  mode_t mode;
};

static int
mount_ident_at (int dirfd, const char *name, struct mount_ident *out)
{
  struct statx stx;
  if (statx (dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MNT_ID, &stx) < 0)
    return -1;
  out->dev = makedev (stx.stx_dev_major, stx.stx_dev_minor);
  out->has_mnt_id = (stx.stx_mask & STATX_MNT_ID) != 0;
  out->mnt_id = stx.stx_mnt_id;
  out->mode = stx.stx_mode;
  return 0;
}

static bool
same_mount (const struct mount_ident *a, const struct mount_ident *b)
{
  if (a->dev != b->dev)
    return false;
  return !(a->has_mnt_id && b->has_mnt_id) || a->mnt_id == b->mnt_id;
}

/* Removes the contents of directory dfd (on the mount top), then nothing else. */
static int
rm_contents_at (int dfd, const struct mount_ident *top, const char *path, mk_error **err)
{
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return mk_error_set (err, errno, "opendir `%s`", path);
    }
  _cleanup_closedir_ DIR *dir = d;
  struct dirent *de;
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      struct mount_ident id;
      if (mount_ident_at (dirfd (dir), de->d_name, &id) < 0)
        {
          if (errno == ENOENT)
            continue;
          return mk_error_set (err, errno, "stat `%s/%s`", path, de->d_name);
        }
      if (!same_mount (&id, top))
        return mk_error_set (err, EBUSY, "refusing to remove mount point `%s/%s`", path,
                             de->d_name);
      if (S_ISDIR (id.mode))
        {
          int sub = openat (dirfd (dir), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0)
            return mk_error_set (err, errno, "open `%s/%s`", path, de->d_name);
          _cleanup_free_ char *subpath = path_join (path, de->d_name);
          if (rm_contents_at (sub, top, subpath, err) < 0)
            return -1;
          if (unlinkat (dirfd (dir), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
            return mk_error_set (err, errno, "rmdir `%s`", subpath);
        }
      else if (unlinkat (dirfd (dir), de->d_name, 0) < 0 && errno != ENOENT)
        return mk_error_set (err, errno, "unlink `%s/%s`", path, de->d_name);
    }
  return 0;
}

int
rm_rf_one_fs (const char *path, mk_error **err)
{
  struct mount_ident top;
  if (mount_ident_at (AT_FDCWD, path, &top) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return mk_error_set (err, errno, "stat `%s`", path);
    }
  if (!S_ISDIR (top.mode))
    {
      if (unlink (path) < 0 && errno != ENOENT)
        return mk_error_set (err, errno, "unlink `%s`", path);
      return 0;
    }
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  if (rm_contents_at (fd, &top, path, err) < 0)
    return -1;
  if (rmdir (path) < 0 && errno != ENOENT)
    return mk_error_set (err, errno, "rmdir `%s`", path);
  return 0;
}

char *
path_join (const char *a, const char *b)
{
  if (*a == '\0')
    return xstrdup (b);
  size_t la = strlen (a);
  while (la > 1 && a[la - 1] == '/')
    la--;
  while (*b == '/')
    b++;
  if (la == 1 && a[0] == '/')
    la = 0;
  size_t lb = strlen (b);
  char *out = xmalloc (la + 1 + lb + 1);
  memcpy (out, a, la);
  out[la] = '/';
  memcpy (out + la + 1, b, lb + 1);
  return out;
}

bool
path_exists (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0;
}

bool
dir_exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

int
fsync_dir (const char *dir, mk_error **err)
{
  _cleanup_close_ int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", dir);
  if (fsync (fd) < 0)
    return mk_error_set (err, errno, "fsync `%s`", dir);
  return 0;
}
