/* Packing a directory into a layer tar.
 *
 * Our own walk (sorted names, so the same tree always gives the same tar
 * and the same diff_id) with libarchive filling each entry's metadata from
 * the file (archive_read_disk_entry_from_file: mode, owner, times, xattrs,
 * ACLs), a link resolver for hardlinks, and the pax format.  Owners are
 * numeric only: the host's user names mean nothing in an image. */
#include "mocker/store/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"

#define CHUNK (1 << 16)
#define OVERLAY_XATTR_PREFIX "trusted.overlay."

struct pack
{
  const struct layer_pack_opts *opts;
  struct archive *out;       /* tar writer, into the sink */
  struct archive *meta;      /* read_disk, only for entry_from_file */
  struct archive_entry_linkresolver *links;
  layer_sink_fn sink;
  void *opaque;
  mk_error *sink_err;        /* what the sink said when it failed */
  char *buf;
  dev_t dev;                 /* the packed directory's file system */
};

static la_ssize_t
pack_write_cb (struct archive *a, void *opaque, const void *buf, size_t len)
{
  struct pack *p = opaque;
  if (p->sink (p->opaque, buf, len, &p->sink_err) < 0)
    {
      archive_set_error (a, EIO, "%s", p->sink_err && p->sink_err->msg ? p->sink_err->msg : "write");
      return -1;
    }
  return len;
}

static int
archive_fail (struct pack *p, mk_error **err, const char *what)
{
  if (p->sink_err)
    {
      *err = p->sink_err;
      p->sink_err = NULL;
      return mk_error_wrap (err, "%s", what);
    }
  return mk_error_set (err, 0, "%s: %s", what, archive_error_string (p->out));
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Removes the xattrs the layer must not carry (overlay internals). */
static void
filter_xattrs (struct archive_entry *e)
{
  int n = archive_entry_xattr_reset (e);
  if (n == 0)
    return;
  char **names = xzalloc (sizeof (char *) * n);
  void **values = xzalloc (sizeof (void *) * n);
  size_t *sizes = xzalloc (sizeof (size_t) * n);
  int nk = 0;
  bool dropped = false;
  const char *name;
  const void *value;
  size_t size;
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    {
      if (str_has_prefix (name, OVERLAY_XATTR_PREFIX))
        {
          dropped = true;
          continue;
        }
      names[nk] = xstrdup (name);
      values[nk] = xmalloc (size);
      memcpy (values[nk], value, size);
      sizes[nk++] = size;
    }
  if (dropped)
    {
      archive_entry_xattr_clear (e);
      for (int i = 0; i < nk; i++)
        archive_entry_xattr_add_entry (e, names[i], values[i], sizes[i]);
    }
  for (int i = 0; i < nk; i++)
    {
      free (names[i]);
      free (values[i]);
    }
  free (names);
  free (values);
  free (sizes);
}

static int
write_file_data (struct pack *p, int dirfd, const char *name, const char *rel, mk_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", rel);
  for (;;)
    {
      ssize_t r = read (fd, p->buf, CHUNK);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return mk_error_set (err, errno, "read `%s`", rel);
      if (r == 0)
        return 0;
      if (archive_write_data (p->out, p->buf, r) < 0)
        return archive_fail (p, err, rel);
    }
}

/* An empty regular file entry (whiteouts), owned like st. */
static int
write_marker (struct pack *p, const char *rel, const struct stat *st, mode_t perm, mk_error **err)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, rel);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, perm);
  archive_entry_set_size (e, 0);
  archive_entry_set_uid (e, st->st_uid);
  archive_entry_set_gid (e, st->st_gid);
  archive_entry_set_mtime (e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
  int r = archive_write_header (p->out, e);
  archive_entry_free (e);
  if (r < ARCHIVE_WARN)
    return archive_fail (p, err, rel);
  return 0;
}

static int pack_dir (struct pack *p, int dirfd, const char *abs, const char *rel, mk_error **err);

static int
pack_one (struct pack *p, int dirfd, const char *abs_dir, const char *rel_dir, const char *name,
          mk_error **err)
{
  struct stat st;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return mk_error_set (err, errno, "stat `%s/%s`", abs_dir, name);
  if (S_ISSOCK (st.st_mode))
    return 0; /* tar cannot hold sockets; they are runtime artifacts anyway */

  _cleanup_free_ char *rel = *rel_dir ? xasprintf ("%s/%s", rel_dir, name) : xstrdup (name);
  for (size_t i = 0; p->opts && p->opts->skip && p->opts->skip[i]; i++)
    if (strcmp (rel, p->opts->skip[i]) == 0)
      return 0;
  _cleanup_free_ char *abs = path_join (abs_dir, name);

  if (p->opts && p->opts->overlay_whiteouts && S_ISCHR (st.st_mode) && st.st_rdev == makedev (0, 0))
    {
      _cleanup_free_ char *wh = *rel_dir ? xasprintf ("%s/.wh.%s", rel_dir, name)
                                         : xasprintf (".wh.%s", name);
      return write_marker (p, wh, &st, 0600, err);
    }

  struct archive_entry *e = archive_entry_new ();
  archive_entry_copy_sourcepath (e, abs);
  archive_entry_copy_pathname (e, rel);
  if (archive_read_disk_entry_from_file (p->meta, e, -1, &st) < ARCHIVE_WARN)
    {
      int r = mk_error_set (err, 0, "read `%s`: %s", abs, archive_error_string (p->meta));
      archive_entry_free (e);
      return r;
    }
  /* Only what the content depends on: no names, access or change times. */
  archive_entry_set_uname (e, NULL);
  archive_entry_set_gname (e, NULL);
  archive_entry_unset_atime (e);
  archive_entry_unset_ctime (e);
  archive_entry_unset_birthtime (e);
  archive_entry_set_fflags (e, 0, 0);
  filter_xattrs (e);

  bool opaque = false;
  if (p->opts && p->opts->overlay_whiteouts && S_ISDIR (st.st_mode))
    {
      char v[4];
      ssize_t n = lgetxattr (abs, OVERLAY_XATTR_PREFIX "opaque", v, sizeof v);
      opaque = n == 1 && v[0] == 'y';
    }

  struct archive_entry *spare = NULL;
  archive_entry_linkify (p->links, &e, &spare);
  bool is_link = archive_entry_hardlink (e) != NULL;
  int r = archive_write_header (p->out, e);
  archive_entry_free (e);
  archive_entry_free (spare);
  if (r < ARCHIVE_WARN)
    return archive_fail (p, err, rel);

  if (S_ISREG (st.st_mode) && !is_link && st.st_size > 0)
    {
      if (write_file_data (p, dirfd, name, rel, err) < 0)
        return -1;
    }
  else if (S_ISDIR (st.st_mode))
    {
      if (opaque)
        {
          _cleanup_free_ char *opq = xasprintf ("%s/.wh..wh..opq", rel);
          if (write_marker (p, opq, &st, st.st_mode & 07777, err) < 0)
            return -1;
        }
      /* A mount point (a /proc mounted in a rootfs...) stays an empty dir. */
      if (st.st_dev != p->dev)
        return 0;
      int sub = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0)
        return mk_error_set (err, errno, "open `%s`", abs);
      if (pack_dir (p, sub, abs, rel, err) < 0)
        return -1;
    }
  return 0;
}

/* Packs the entries of the directory open as dirfd (taking the fd). */
static int
pack_dir (struct pack *p, int fd, const char *abs, const char *rel, mk_error **err)
{
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return mk_error_set (err, errno, "opendir `%s`", abs);
    }
  _cleanup_closedir_ DIR *dir = d;
  _cleanup_strv_ char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  errno = 0;
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      strv_push (&names, de->d_name);
      n++;
    }
  if (n == 0)
    return 0;
  qsort (names, n, sizeof (char *), cmp_names);
  for (size_t i = 0; i < n; i++)
    if (pack_one (p, dirfd (dir), abs, rel, names[i], err) < 0)
      return -1;
  return 0;
}

int
layer_pack_dir (const char *dir, const struct layer_pack_opts *opts, layer_sink_fn sink,
                void *opaque, mk_error **err)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open directory `%s`", dir);

  struct pack p = { .opts = opts, .sink = sink, .opaque = opaque };
  struct stat root_st;
  if (fstat (fd, &root_st) < 0)
    {
      int saved = errno;
      close (fd);
      return mk_error_set (err, saved, "stat `%s`", dir);
    }
  p.dev = root_st.st_dev;
  p.buf = xmalloc (CHUNK);
  p.out = archive_write_new ();
  p.meta = archive_read_disk_new ();
  p.links = archive_entry_linkresolver_new ();
  int ret = -1;
  if (p.out == NULL || p.meta == NULL || p.links == NULL)
    {
      close (fd);
      mk_error_set (err, ENOMEM, "libarchive");
      goto out;
    }
  archive_read_disk_set_symlink_physical (p.meta);
  archive_write_set_format_pax_restricted (p.out);
  archive_entry_linkresolver_set_strategy (p.links, archive_format (p.out));
  if (archive_write_open (p.out, &p, NULL, pack_write_cb, NULL) != ARCHIVE_OK)
    {
      close (fd);
      archive_fail (&p, err, "start layer tar");
      goto out;
    }
  if (pack_dir (&p, fd, dir, "", err) < 0)
    goto out;
  if (archive_write_close (p.out) != ARCHIVE_OK)
    {
      archive_fail (&p, err, "finish layer tar");
      goto out;
    }
  ret = 0;
out:
  if (ret < 0 && err && *err)
    mk_error_wrap (err, "pack `%s`", dir);
  if (p.links)
    archive_entry_linkresolver_free (p.links);
  if (p.meta)
    archive_read_free (p.meta);
  if (p.out)
    archive_write_free (p.out); /* may call the sink once more: before sink_err */
  mk_error_free (&p.sink_err);
  free (p.buf);
  return ret;
}
