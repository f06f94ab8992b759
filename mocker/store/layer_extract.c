/* Extraction of one layer stream, run in the confined child.
 *
 * Two libarchive readers are chained: `raw` undoes the compression (gzip,
 * zstd or none, detected from the data) and yields the plain tar bytes;
 * each chunk is hashed (the diff_id) and handed to `tar`, which parses the
 * entries.  After the tar's end the rest of the stream (padding) is read and
 * hashed too, so the diff_id covers every uncompressed byte. */
#include "mocker/store/layer_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/util.h"
#include "mocker/store/layer_symlinks.h"

#define CHUNK (1 << 16)

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define OVERLAY_XATTR_PREFIX "trusted.overlay."

struct chain
{
  struct archive *raw;
  mk_digest *diff;
  char *buf;
};

static void
cleanup_archive_readp (struct archive **a)
{
  if (*a)
    archive_read_free (*a);
}
static void
cleanup_archive_writep (struct archive **a)
{
  if (*a)
    archive_write_free (*a);
}
#define _cleanup_archive_read_ __attribute__ ((cleanup (cleanup_archive_readp)))
#define _cleanup_archive_write_ __attribute__ ((cleanup (cleanup_archive_writep)))

static la_ssize_t
tar_read_cb (struct archive *a, void *opaque, const void **buf)
{
  struct chain *c = opaque;
  la_ssize_t n = archive_read_data (c->raw, c->buf, CHUNK);
  if (n < 0)
    {
      archive_set_error (a, archive_errno (c->raw), "%s", archive_error_string (c->raw));
      return -1;
    }
  digest_update (c->diff, c->buf, n);
  *buf = c->buf;
  return n;
}

const char *
layer_entry_name_check (const char *name, const char **why)
{
  if (name == NULL || *name == '\0')
    return *why = "empty name", NULL;
  if (*name == '/')
    return *why = "absolute name", NULL;
  const char *p = name;
  while (p[0] == '.' && p[1] == '/')
    {
      p += 2;
      while (*p == '/')
        p++;
    }
  for (const char *c = p; *c;)
    {
      size_t len = strcspn (c, "/");
      if (len == 2 && c[0] == '.' && c[1] == '.')
        return *why = "`..` in name", NULL;
      c += len;
      while (*c == '/')
        c++;
    }
  return p;
}

/* mkdir -p for a relative path (inside the chroot). */
static int
mkdir_parents (const char *path, mk_error **err)
{
  _cleanup_free_ char *p = xstrdup (path);
  for (char *s = p; *s; s++)
    {
      if (*s != '/' || s == p)
        continue;
      *s = '\0';
      if (mkdir (p, 0755) < 0 && errno != EEXIST)
        return mk_error_set (err, errno, "mkdir `%s`", p);
      *s = '/';
    }
  if (mkdir (p, 0755) < 0 && errno != EEXIST)
    return mk_error_set (err, errno, "mkdir `%s`", p);
  return 0;
}

/* Refuses a whiteout whose directory goes through a symlink (as
 * ARCHIVE_EXTRACT_SECURE_SYMLINKS does for other entries). */
static int
check_no_symlink (const char *dir, const char *name, mk_error **err)
{
  _cleanup_free_ char *p = xstrdup (dir);
  for (char *s = p;; s++)
    {
      if (*s != '/' && *s != '\0')
        continue;
      char saved = *s;
      *s = '\0';
      struct stat st;
      if (lstat (p, &st) == 0 && S_ISLNK (st.st_mode))
        return mk_error_set (err, 0, "whiteout `%s` rejected: through symlink `%s`", name, p);
      if (saved == '\0')
        return 0;
      *s = saved;
    }
}

/* `.wh.NAME` -> 0/0 char device NAME; `.wh..wh..opq` -> opaque parent. */
static int
apply_whiteout (struct archive_entry *e, const char *name, const char *base, mk_error **err)
{
  _cleanup_free_ char *dir = base == name ? xstrdup (".") : xstrndup (name, base - name - 1);
  if (check_no_symlink (dir, name, err) < 0)
    return -1;
  if (strcmp (base, WHITEOUT_OPAQUE) == 0)
    {
      if (mkdir_parents (dir, err) < 0)
        return -1;
      if (setxattr (dir, OVERLAY_XATTR_PREFIX "opaque", "y", 1, 0) < 0)
        return mk_error_set (err, errno, "mark `%s` opaque", dir);
      return 0;
    }
  if (str_has_prefix (base, WHITEOUT_META_PREFIX))
    return 0; /* aufs metadata (.wh..wh.plnk ...): nothing for overlay */
  const char *victim = base + strlen (WHITEOUT_PREFIX);
  if (*victim == '\0' || strcmp (victim, ".") == 0 || strcmp (victim, "..") == 0
      || strchr (victim, '/'))
    return mk_error_set (err, 0, "invalid whiteout `%s`", name);
  if (strcmp (dir, ".") != 0 && mkdir_parents (dir, err) < 0)
    return -1;
  _cleanup_free_ char *target = strcmp (dir, ".") == 0 ? xstrdup (victim)
                                                       : xasprintf ("%s/%s", dir, victim);
  if (mknod (target, S_IFCHR, makedev (0, 0)) < 0)
    {
      if (errno == EEXIST)
        return mk_error_set (err, 0, "whiteout `%s` hides an entry of its own layer", name);
      return mk_error_set (err, errno, "mknod whiteout `%s`", target);
    }
  if (lchown (target, archive_entry_uid (e), archive_entry_gid (e)) < 0)
    return mk_error_set (err, errno, "chown whiteout `%s`", target);
  /* The marker's time, not the unpack's: packing the layer again (push of a
   * committed image) must give back the same tar, hence the same diff_id. */
  struct timespec ts[2] = {
    { archive_entry_mtime (e), archive_entry_mtime_nsec (e) },
    { archive_entry_mtime (e), archive_entry_mtime_nsec (e) },
  };
  if (utimensat (AT_FDCWD, target, ts, AT_SYMLINK_NOFOLLOW) < 0)
    return mk_error_set (err, errno, "set the time of whiteout `%s`", target);
  return 0;
}

/* Drops trusted.overlay.* xattrs a tar may carry: only our whiteout
 * conversion decides what overlayfs sees. */
static void
drop_overlay_xattrs (struct archive_entry *e)
{
  int n = archive_entry_xattr_reset (e);
  if (n == 0)
    return;
  struct kept
  {
    char *name;
    void *value;
    size_t size;
  } *keep = xzalloc (sizeof *keep * n);
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
      keep[nk].name = xstrdup (name);
      keep[nk].value = xmalloc (size);
      memcpy (keep[nk].value, value, size);
      keep[nk].size = size;
      nk++;
    }
  if (dropped)
    {
      archive_entry_xattr_clear (e);
      for (int i = 0; i < nk; i++)
        archive_entry_xattr_add_entry (e, keep[i].name, keep[i].value, keep[i].size);
    }
  for (int i = 0; i < nk; i++)
    {
      free (keep[i].name);
      free (keep[i].value);
    }
  free (keep);
}

static int
copy_data (struct archive *in, struct archive *out, const char *name, mk_error **err)
{
  for (;;)
    {
      const void *buf;
      size_t len;
      la_int64_t off;
      int r = archive_read_data_block (in, &buf, &len, &off);
      if (r == ARCHIVE_EOF)
        return 0;
      if (r < ARCHIVE_WARN)
        return mk_error_set (err, 0, "layer entry `%s`: %s", name, archive_error_string (in));
      if (archive_write_data_block (out, buf, len, off) < ARCHIVE_WARN)
        return mk_error_set (err, 0, "layer entry `%s`: %s", name, archive_error_string (out));
    }
}

/* What ARCHIVE_EXTRACT_SECURE_SYMLINKS did, from the set of links made so
 * far: refuses a name or hardlink target under a symlink, removes a symlink
 * the entry replaces (never writes through it), and records new links. */
static int
guard_symlinks (struct layer_symlinks *links, const char *raw_name, const char *name,
                const char *link, char **norm_out, mk_error **err)
{
  _cleanup_free_ char *norm = layer_path_normalize (name);
  _cleanup_free_ char *through = layer_symlinks_through (links, norm);
  if (through)
    return mk_error_set (err, 0, "layer entry `%s` rejected: through symlink `%s`", raw_name,
                         through);
  if (link)
    {
      _cleanup_free_ char *norm_link = layer_path_normalize (link);
      _cleanup_free_ char *link_through = layer_symlinks_through (links, norm_link);
      if (link_through)
        return mk_error_set (err, 0, "layer entry `%s` rejected: hardlink to `%s`: through "
                             "symlink `%s`", raw_name, link, link_through);
    }
  if (*norm && layer_symlinks_is_link (links, norm) && unlink (norm) < 0)
    return mk_error_set (err, errno, "layer entry `%s`: remove the symlink it replaces", raw_name);
  *norm_out = STEAL (norm);
  return 0;
}

/* After an entry is written: is its name a symlink now? */
static void
record_symlink (struct layer_symlinks *links, struct archive_entry *e, const char *norm,
                const char *link)
{
  if (link == NULL && archive_entry_filetype (e) == AE_IFLNK)
    layer_symlinks_add (links, norm);
  else if (link)
    {
      _cleanup_free_ char *norm_link = layer_path_normalize (link);
      if (layer_symlinks_is_link (links, norm_link))
        layer_symlinks_add (links, norm);
    }
}

static int
extract_entry (struct archive *tar, struct archive *disk, struct archive_entry *e,
               struct layer_symlinks *links, long long *size, mk_error **err)
{
  const char *why = NULL;
  const char *raw_name = archive_entry_pathname (e);
  const char *name = layer_entry_name_check (raw_name, &why);
  if (name == NULL)
    return mk_error_set (err, 0, "layer entry `%s` rejected: %s", raw_name ? raw_name : "", why);
  const char *link = archive_entry_hardlink (e);
  if (link && layer_entry_name_check (link, &why) == NULL)
    return mk_error_set (err, 0, "layer entry `%s` rejected: hardlink to `%s`: %s", raw_name, link,
                         why);

  const char *slash = strrchr (name, '/');
  const char *base = slash ? slash + 1 : name;
  if (str_has_prefix (base, WHITEOUT_PREFIX))
    {
      if (apply_whiteout (e, name, base, err) < 0)
        return mk_error_wrap (err, "layer entry `%s`", raw_name);
      return 0;
    }

  _cleanup_free_ char *norm = NULL;
  if (guard_symlinks (links, raw_name, name, link, &norm, err) < 0)
    return -1;
  /* A hardlink entry only makes a name: with a size, libarchive would open
   * the target (truncating it, and writing into a device node) and then
   * apply the entry's mode, owner, times, xattrs and ACLs to it, through a
   * symlink when the target is one (link(2) links the symlink itself).
   * Size 0 makes it link and touch nothing; the data is skipped. */
  if (link)
    archive_entry_set_size (e, 0);
  drop_overlay_xattrs (e);
  int r = archive_write_header (disk, e);
  if (r < ARCHIVE_WARN)
    return mk_error_set (err, 0, "layer entry `%s` rejected: %s", raw_name,
                         archive_error_string (disk));
  if (archive_entry_size (e) > 0)
    {
      if (copy_data (tar, disk, raw_name, err) < 0)
        return -1;
      if (archive_entry_filetype (e) == AE_IFREG)
        *size += archive_entry_size (e);
    }
  if (archive_write_finish_entry (disk) < ARCHIVE_WARN)
    return mk_error_set (err, 0, "layer entry `%s`: %s", raw_name, archive_error_string (disk));
  record_symlink (links, e, norm, link);
  return 0;
}

int
layer_extract_stream (int fd, struct layer_extract_result *res, mk_error **err)
{
  _cleanup_free_ char *buf = xmalloc (CHUNK);
  _cleanup_digest_ mk_digest *diff = digest_init ();
  _cleanup_archive_read_ struct archive *raw = archive_read_new ();
  _cleanup_archive_read_ struct archive *tar = archive_read_new ();
  _cleanup_archive_write_ struct archive *disk = archive_write_disk_new ();
  if (raw == NULL || tar == NULL || disk == NULL)
    return mk_error_set (err, ENOMEM, "libarchive");

  archive_read_support_filter_gzip (raw);
  if (archive_read_support_filter_zstd (raw) != ARCHIVE_OK)
    return mk_error_set (err, 0, "this libarchive cannot decompress zstd by itself");
  archive_read_support_format_raw (raw);
  if (archive_read_open_fd (raw, fd, CHUNK) != ARCHIVE_OK)
    return mk_error_set (err, 0, "layer stream: %s", archive_error_string (raw));
  struct archive_entry *re;
  int r = archive_read_next_header (raw, &re);
  if (r == ARCHIVE_EOF)
    return mk_error_set (err, 0, "layer stream is empty");
  if (r < ARCHIVE_WARN)
    return mk_error_set (err, 0, "layer stream: %s", archive_error_string (raw));

  struct chain c = { .raw = raw, .diff = diff, .buf = buf };
  archive_read_support_format_tar (tar);
  if (archive_read_open (tar, &c, NULL, tar_read_cb, NULL) != ARCHIVE_OK)
    return mk_error_set (err, 0, "layer tar: %s", archive_error_string (tar));

  /* Symlinks are guarded by guard_symlinks (and the chroot we run in). */
  archive_write_disk_set_options (disk, ARCHIVE_EXTRACT_SECURE_NODOTDOT
                                            | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS
                                            | ARCHIVE_EXTRACT_PERM
                                            | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_XATTR
                                            | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_ACL);

  _cleanup_layer_symlinks_ struct layer_symlinks *links = layer_symlinks_new ();
  long long size = 0;
  for (;;)
    {
      struct archive_entry *e;
      r = archive_read_next_header (tar, &e);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return mk_error_set (err, 0, "layer tar: %s", archive_error_string (tar));
      if (extract_entry (tar, disk, e, links, &size, err) < 0)
        return -1;
    }
  /* Directory times and modes are fixed up on close. */
  if (archive_write_close (disk) < ARCHIVE_WARN)
    return mk_error_set (err, 0, "layer: %s", archive_error_string (disk));

  /* Hash whatever follows the tar's end marker. */
  for (;;)
    {
      la_ssize_t n = archive_read_data (raw, buf, CHUNK);
      if (n < 0)
        return mk_error_set (err, 0, "layer stream: %s", archive_error_string (raw));
      if (n == 0)
        break;
      digest_update (diff, buf, n);
    }

  _cleanup_free_ char *d = digest_final (diff);
  snprintf (res->diff_id, sizeof res->diff_id, "%s", d);
  res->size = size;
  res->tar_size = (long long) digest_count (diff);
  return 0;
}
