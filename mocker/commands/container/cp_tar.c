/* Tar streams for `mocker cp`: see cp_tar.h. */
#include "mocker/commands/container/cp_tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/in_root.h"
#include "common/util.h"

#define CP_MAX_DEPTH 256

int
cp_tar_here_or_exec (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  (void) ctx;
  (void) argc;
  (void) argv;
  (void) err;
  return 0;
}

static int
tar_fail (struct archive *a, mk_error **err, const char *what, const char *name)
{
  return mk_error_set (err, 0, "%s `%s`: %s", what, name,
                       archive_error_string (a) ? archive_error_string (a) : "failed");
}

static int
write_entry (struct archive *a, struct archive_entry_linkresolver *lr, int sdir,
             const char *sname, const char *aname, int depth, mk_error **err)
{
  struct stat st;
  if (fstatat (sdir, sname, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return mk_error_set (err, errno, "stat `%s`", aname);
  if (depth > CP_MAX_DEPTH)
    return mk_error_set (err, ELOOP, "`%s`: nested too deep", aname);
  struct archive_entry *e = archive_entry_new ();
  archive_entry_copy_stat (e, &st);
  archive_entry_set_pathname (e, aname);
  int fd = -1;
  char target[PATH_MAX];
  if (S_ISLNK (st.st_mode))
    {
      ssize_t n = readlinkat (sdir, sname, target, sizeof target - 1);
      if (n < 0)
        {
          archive_entry_free (e);
          return mk_error_set (err, errno, "readlink `%s`", aname);
        }
      target[n] = '\0';
      archive_entry_set_symlink (e, target);
    }
  else if (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
    {
      fd = openat (sdir, sname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC
                                    | (S_ISDIR (st.st_mode) ? O_DIRECTORY : 0));
      if (fd < 0)
        {
          archive_entry_free (e);
          return mk_error_set (err, errno, "open `%s`", aname);
        }
    }
  if (!S_ISREG (st.st_mode))
    archive_entry_set_size (e, 0);
  /* A later name of a file already written becomes a hard link entry. */
  bool link_only = false;
  if (S_ISREG (st.st_mode) && st.st_nlink > 1)
    {
      struct archive_entry *spare = NULL;
      archive_entry_linkify (lr, &e, &spare);
      if (spare)
        archive_entry_free (spare);
      link_only = archive_entry_hardlink (e) != NULL;
    }
  int r = archive_write_header (a, e);
  archive_entry_free (e);
  if (r < ARCHIVE_WARN)
    {
      if (fd >= 0)
        close (fd);
      return tar_fail (a, err, "tar", aname);
    }
  if (S_ISREG (st.st_mode) && link_only)
    {
      close (fd);
      return 0;
    }
  if (S_ISREG (st.st_mode))
    {
      char buf[65536];
      ssize_t n;
      off_t left = st.st_size;
      while (left > 0 && (n = read (fd, buf, sizeof buf)) > 0)
        {
          if (n > left)
            n = (ssize_t) left; /* the file grew: the header said st_size */
          if (archive_write_data (a, buf, (size_t) n) < 0)
            {
              close (fd);
              return tar_fail (a, err, "tar", aname);
            }
          left -= n;
        }
      close (fd);
      return 0;
    }
  if (S_ISDIR (st.st_mode))
    {
      DIR *d = fdopendir (fd);
      if (d == NULL)
        {
          close (fd);
          return mk_error_set (err, errno, "opendir `%s`", aname);
        }
      int rr = 0;
      struct dirent *de;
      while (rr == 0 && (de = readdir (d)) != NULL)
        {
          if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          _cleanup_free_ char *child = xasprintf ("%s/%s", aname, de->d_name);
          rr = write_entry (a, lr, dirfd (d), de->d_name, child, depth + 1, err);
        }
      closedir (d);
      return rr;
    }
  return 0;
}

static la_ssize_t
fd_write_cb (struct archive *a, void *opaque, const void *buf, size_t len)
{
  (void) a;
  int fd = *(int *) opaque;
  size_t off = 0;
  while (off < len)
    {
      ssize_t w = write (fd, (const char *) buf + off, len - off);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      off += (size_t) w;
    }
  return (la_ssize_t) len;
}

int
cp_tar_write (int sdir, const char *sname, const char *aname, int out, mk_error **err)
{
  struct archive *a = archive_write_new ();
  archive_write_set_format_pax_restricted (a);
  archive_write_set_bytes_in_last_block (a, 1);
  int fd = out;
  if (archive_write_open (a, &fd, NULL, fd_write_cb, NULL) != ARCHIVE_OK)
    {
      tar_fail (a, err, "tar", aname);
      archive_write_free (a);
      return -1;
    }
  struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new ();
  archive_entry_linkresolver_set_strategy (lr, archive_format (a));
  int r = write_entry (a, lr, sdir, sname, aname, 0, err);
  archive_entry_linkresolver_free (lr);
  if (r == 0 && archive_write_close (a) != ARCHIVE_OK)
    r = tar_fail (a, err, "tar", aname);
  archive_write_free (a);
  return r;
}

/* "a/./b//c/" -> "a/b/c"; refuses ".." (NULL). Heap. */
static char *
clean_name (const char *name)
{
  _cleanup_free_ char *copy = xstrdup (name);
  char *out = xzalloc (strlen (name) + 1);
  char *save = NULL;
  for (char *t = strtok_r (copy, "/", &save); t; t = strtok_r (NULL, "/", &save))
    {
      if (strcmp (t, ".") == 0)
        continue;
      if (strcmp (t, "..") == 0)
        {
          free (out);
          return NULL;
        }
      if (*out)
        strcat (out, "/");
      strcat (out, t);
    }
  return out;
}

/* Removes what is in the way of a new entry (a directory stays for a directory). */
static int
clear_way (int dir, const char *name, bool want_dir, const char *aname, mk_error **err)
{
  struct stat st;
  if (fstatat (dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return 0;
  if (S_ISDIR (st.st_mode))
    {
      if (want_dir)
        return 0;
      if (unlinkat (dir, name, AT_REMOVEDIR) < 0)
        return mk_error_set (err, errno, "`%s`: cannot replace a directory", aname);
      return 0;
    }
  if (unlinkat (dir, name, 0) < 0)
    return mk_error_set (err, errno, "unlink `%s`", aname);
  return 0;
}

static int
extract_entry (struct archive *a, struct archive_entry *e, int ddir, mk_error **err)
{
  const char *raw = archive_entry_pathname (e);
  if (raw == NULL)
    return mk_error_set (err, 0, "tar entry without a name");
  _cleanup_free_ char *name = clean_name (raw);
  if (name == NULL)
    return mk_error_set (err, 0, "tar entry `%s`: `..` is not allowed", raw);
  if (*name == '\0')
    return 0; /* "./": the destination itself */
  char *slash = strrchr (name, '/');
  const char *base = slash ? slash + 1 : name;
  _cleanup_close_ int parent = -1;
  if (slash)
    {
      *slash = '\0';
      parent = openat_in_root (ddir, name, O_RDONLY | O_DIRECTORY, 0);
      *slash = '/';
    }
  else
    parent = dup (ddir);
  if (parent < 0)
    return mk_error_set (err, errno, "tar entry `%s`: its directory", raw);
  mode_t type = archive_entry_filetype (e);
  mode_t perm = archive_entry_perm (e);
  if (clear_way (parent, base, type == AE_IFDIR, raw, err) < 0)
    return -1;
  const char *hard = archive_entry_hardlink (e);
  if (hard)
    {
      _cleanup_free_ char *t = clean_name (hard);
      if (t == NULL || *t == '\0')
        return mk_error_set (err, 0, "tar entry `%s`: bad hard link target `%s`", raw, hard);
      _cleanup_close_ int tfd = openat_in_root (ddir, t, O_PATH | O_NOFOLLOW, 0);
      if (tfd < 0)
        return mk_error_set (err, errno, "tar entry `%s`: hard link target `%s`", raw, hard);
      _cleanup_free_ char *proc = xasprintf ("/proc/self/fd/%d", tfd);
      if (linkat (AT_FDCWD, proc, parent, base, AT_SYMLINK_FOLLOW) < 0)
        return mk_error_set (err, errno, "tar entry `%s`: link", raw);
      return 0;
    }
  uid_t uid = (uid_t) archive_entry_uid (e);
  gid_t gid = (gid_t) archive_entry_gid (e);
  struct timespec ts[2] = { { archive_entry_mtime (e), archive_entry_mtime_nsec (e) },
                            { archive_entry_mtime (e), archive_entry_mtime_nsec (e) } };
  if (type == AE_IFDIR)
    {
      if (mkdirat (parent, base, 0700) < 0 && errno != EEXIST)
        return mk_error_set (err, errno, "mkdir `%s`", raw);
      _cleanup_close_ int fd = openat (parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 || fchown (fd, uid, gid) < 0 || fchmod (fd, perm) < 0)
        return mk_error_set (err, errno, "directory `%s`", raw);
      futimens (fd, ts);
      return 0;
    }
  if (type == AE_IFREG)
    {
      _cleanup_close_ int fd = openat (parent, base,
                                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0)
        return mk_error_set (err, errno, "create `%s`", raw);
      const void *buf;
      size_t len;
      la_int64_t off;
      int r;
      while ((r = archive_read_data_block (a, &buf, &len, &off)) == ARCHIVE_OK)
        if (pwrite (fd, buf, len, off) != (ssize_t) len)
          return mk_error_set (err, errno, "write `%s`", raw);
      if (r != ARCHIVE_EOF)
        return tar_fail (a, err, "read", raw);
      if (ftruncate (fd, archive_entry_size (e)) < 0 || fchown (fd, uid, gid) < 0
          || fchmod (fd, perm) < 0)
        return mk_error_set (err, errno, "file `%s`", raw);
      futimens (fd, ts);
      return 0;
    }
  if (type == AE_IFLNK)
    {
      const char *target = archive_entry_symlink (e);
      if (target == NULL || symlinkat (target, parent, base) < 0)
        return mk_error_set (err, errno, "symlink `%s`", raw);
      fchownat (parent, base, uid, gid, AT_SYMLINK_NOFOLLOW);
      utimensat (parent, base, ts, AT_SYMLINK_NOFOLLOW);
      return 0;
    }
  if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO)
    {
      if (mknodat (parent, base, type | perm, archive_entry_rdev (e)) < 0
          || fchownat (parent, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return mk_error_set (err, errno, "mknod `%s`", raw);
      return 0;
    }
  return mk_error_set (err, 0, "tar entry `%s`: unsupported type", raw);
}

int
cp_tar_extract (int in, int ddir, mk_error **err)
{
  struct archive *a = archive_read_new ();
  archive_read_support_format_tar (a);
  archive_read_support_filter_all (a);
  int r = 0;
  if (archive_read_open_fd (a, in, 65536) != ARCHIVE_OK)
    r = tar_fail (a, err, "read", "-");
  struct archive_entry *e;
  while (r == 0)
    {
      int h = archive_read_next_header (a, &e);
      if (h == ARCHIVE_EOF)
        break;
      if (h < ARCHIVE_WARN)
        {
          r = tar_fail (a, err, "read", "-");
          break;
        }
      r = extract_entry (a, e, ddir, err);
    }
  archive_read_free (a);
  return r;
}
