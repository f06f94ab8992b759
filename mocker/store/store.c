/* Store root: opening, paths, the lock, staging directories. */
#include "mocker/store/store.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/lock.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/store/store_internal.h"

static const char *const store_dirs[] = {
  "blobs/sha256", "layers", "images", "containers", "tmp",
};

/* The directories whose subdirectories are unrelated trees made and
 * deleted whole: a layer's staging directory (renamed into layers/ when
 * done), a container's. */
static bool
store_dir_spread (const char *rel)
{
  return strcmp (rel, "tmp") == 0 || strcmp (rel, "containers") == 0;
}

/* Marks dirfd "top of a directory hierarchy" (FS_TOPDIR_FL, chattr +T):
 * ext4's Orlov allocator then puts each new subdirectory, and the files
 * made in it, in a block group of its own choosing instead of the parent's.
 * Without it every layer lands in the group where the layers deleted
 * shortly before were, and on an ext4 without a journal each new inode
 * there first steps over every inode deleted in the last minute
 * (ext4's recently_deleted()): loading 8,000 files after an rmi cost 5 s
 * of system time instead of 0.5 s.  Only a hint: file systems without the
 * flag (or refusing it) are fine. */
static void
mark_topdir (int dirfd)
{
  int flags = 0;
  if (ioctl (dirfd, FS_IOC_GETFLAGS, &flags) < 0 || (flags & FS_TOPDIR_FL))
    return;
  flags |= FS_TOPDIR_FL;
  if (ioctl (dirfd, FS_IOC_SETFLAGS, &flags) < 0)
    log_debug ("mark a store directory FS_TOPDIR_FL: %s", strerror (errno));
}

static void
mark_topdir_path (const char *path)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    mark_topdir (fd);
}

/* Removes staging entries in tmp/ whose owner is gone: each owner holds a
 * flock on its entry, so an entry we can lock is abandoned.  Entries
 * younger than a minute are left alone (an owner may be between creating
 * and locking it). */
static void
clean_tmp (struct store *s)
{
  _cleanup_free_ char *tmp = store_path (s, "tmp");
  _cleanup_closedir_ DIR *d = opendir (tmp);
  if (d == NULL)
    return;
  time_t now = time (NULL);
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_close_ int fd = openat (dirfd (d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0)
        continue;
      struct stat st;
      if (fstat (fd, &st) < 0 || now - st.st_ctime < 60)
        continue;
      if (flock (fd, LOCK_EX | LOCK_NB) < 0)
        continue;
      _cleanup_free_ char *p = path_join (tmp, de->d_name);
      _cleanup_error_ mk_error *err = NULL;
      if (rm_rf_one_fs (p, &err) < 0)
        log_debug ("clean staging leftover: %s", err->msg);
      else
        log_debug ("removed staging leftover `%s`", p);
    }
}

int
store_fail (mk_error **err, int code, const char *fmt, ...)
{
  if (err == NULL || *err != NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  mk_error_setv (err, 0, fmt, ap);
  va_end (ap);
  (*err)->errnum = code;
  return -1;
}

void
store_random_id (char out[65])
{
  unsigned char b[32];
  if (getrandom (b, sizeof b, 0) != sizeof b)
    abort ();
  for (size_t i = 0; i < sizeof b; i++)
    sprintf (out + 2 * i, "%02x", b[i]);
}

struct store *
store_open (const char *root, mk_error **err)
{
  if (str_is_empty (root))
    return mk_error_set (err, EINVAL, "empty store root"), NULL;
  if (mkdir (root, 0700) < 0 && errno != EEXIST && mkdir_p (root, 0700, err) < 0)
    return mk_error_wrap (err, "open store `%s`", root), NULL;
  struct store *s = xzalloc (sizeof *s);
  _cleanup_store_ struct store *guard = s;
  /* Absolute: the layer unpacker chroots into paths under it. */
  s->root = realpath (root, NULL);
  if (s->root == NULL)
    return mk_error_set (err, errno, "open store `%s`", root), NULL;
  for (size_t i = 0; i < ARRAY_SIZE (store_dirs); i++)
    {
      _cleanup_free_ char *p = store_path (s, store_dirs[i]);
      /* One syscall when it exists (every command opens the store). */
      if (mkdir (p, 0700) == 0)
        {
          if (store_dir_spread (store_dirs[i]))
            mark_topdir_path (p);
        }
      else if (errno != EEXIST && mkdir_p (p, 0700, err) < 0)
        return mk_error_wrap (err, "open store `%s`", root), NULL;
    }
  clean_tmp (s);
  return STEAL (guard);
}

void
store_close (struct store *s)
{
  if (s == NULL)
    return;
  free (s->root);
  free (s);
}

void
cleanup_storep (struct store **s)
{
  store_close (*s);
  *s = NULL;
}

const char *
store_root (const struct store *s)
{
  return s->root;
}

char *
store_path (const struct store *s, const char *rel)
{
  return path_join (s->root, rel);
}

int
store_lock (struct store *s, mk_error **err)
{
  _cleanup_free_ char *p = store_path (s, "lock");
  return lock_path (p, true, err);
}

int
store_tmpdir_create (struct store *s, const char *what, char **path, mk_error **err)
{
  /* A store made before tmp/ was marked at creation gets it now (the
   * heavy paths only: a layer, a load or a save stage here). */
  _cleanup_free_ char *tmp = store_path (s, "tmp");
  mark_topdir_path (tmp);
  _cleanup_free_ char *tmpl = xasprintf ("%s/tmp/%s-XXXXXX", s->root, what);
  if (mkdtemp (tmpl) == NULL)
    return mk_error_set (err, errno, "create staging directory in `%s/tmp`", s->root);
  int fd = open (tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || flock (fd, LOCK_EX) < 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      rmdir (tmpl);
      return mk_error_set (err, saved, "lock staging directory `%s`", tmpl);
    }
  *path = STEAL (tmpl);
  return fd;
}

void
store_tmpdir_remove (const char *path, int lock_fd)
{
  if (path)
    {
      _cleanup_error_ mk_error *err = NULL;
      if (rm_rf_one_fs (path, &err) < 0)
        log_warning ("remove staging directory: %s", err->msg);
    }
  if (lock_fd >= 0)
    close (lock_fd);
}

char *
store_chain_id (const char *parent_chain_id, const char *diff_id)
{
  if (parent_chain_id == NULL)
    return xstrdup (diff_id);
  _cleanup_free_ char *s = xasprintf ("%s %s", parent_chain_id, diff_id);
  return digest_bytes (s, strlen (s));
}

char *
store_layer_dir (const struct store *s, const char *chain_id)
{
  return xasprintf ("%s/layers/%s", s->root, digest_hex (chain_id));
}

char *
store_layer_diff_dir (const struct store *s, const char *chain_id)
{
  return xasprintf ("%s/layers/%s/diff", s->root, digest_hex (chain_id));
}

bool
store_layer_exists (struct store *s, const char *chain_id)
{
  if (!digest_valid (chain_id))
    return false;
  _cleanup_free_ char *p = xasprintf ("%s/layers/%s/layer.json", s->root, digest_hex (chain_id));
  return access (p, F_OK) == 0;
}

void
store_layer_info_clear (struct store_layer_info *l)
{
  free (l->chain_id);
  free (l->diff_id);
  free (l->parent);
  memset (l, 0, sizeof *l);
}
