/* Content-addressed blobs: blobs/sha256/<hex>, written through a temp file
 * that is hashed as it is written and renamed only after verification. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/store_internal.h"

struct blob_writer
{
  struct store *store;
  char *tmp_path;
  int fd;
  mk_digest *digest;
  bool committed;
};

char *
store_blob_path (const struct store *s, const char *digest)
{
  return xasprintf ("%s/blobs/sha256/%s", s->root, digest_hex (digest));
}

struct blob_writer *
store_blob_writer_new (struct store *s, mk_error **err)
{
  _cleanup_free_ char *tmpl = xasprintf ("%s/tmp/blob-XXXXXX", s->root);
  int fd = mkostemp (tmpl, O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "create temp blob in `%s/tmp`", s->root), NULL;
  /* The flock marks the temp file as owned (see clean_tmp in store.c). */
  if (flock (fd, LOCK_EX) < 0)
    {
      int saved = errno;
      close (fd);
      unlink (tmpl);
      return mk_error_set (err, saved, "lock `%s`", tmpl), NULL;
    }
  struct blob_writer *w = xzalloc (sizeof *w);
  w->store = s;
  w->tmp_path = STEAL (tmpl);
  w->fd = fd;
  w->digest = digest_init ();
  return w;
}

int
blob_writer_write (struct blob_writer *w, const void *data, size_t len, mk_error **err)
{
  const char *p = data;
  digest_update (w->digest, data, len);
  while (len > 0)
    {
      ssize_t n = write (w->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return mk_error_set (err, errno, "write `%s`", w->tmp_path);
      p += n;
      len -= n;
    }
  return 0;
}

unsigned long long
blob_writer_size (const struct blob_writer *w)
{
  return digest_count (w->digest);
}

int
blob_writer_commit (struct blob_writer *w, const char *expected_digest, long long expected_size,
                    char **digest_out, mk_error **err)
{
  unsigned long long size = digest_count (w->digest);
  _cleanup_free_ char *got = digest_final (w->digest);
  if (expected_size >= 0 && (unsigned long long) expected_size != size)
    return mk_error_set (err, 0, "blob %s: size %llu, expected %lld",
                         expected_digest ? expected_digest : got, size, expected_size);
  if (expected_digest && strcmp (expected_digest, got) != 0)
    return mk_error_set (err, 0, "digest mismatch: expected %s, got %s", expected_digest, got);
  if (fsync (w->fd) < 0)
    return mk_error_set (err, errno, "fsync `%s`", w->tmp_path);
  if (fchmod (w->fd, 0644) < 0)
    return mk_error_set (err, errno, "chmod `%s`", w->tmp_path);
  _cleanup_free_ char *final = store_blob_path (w->store, got);
  if (rename (w->tmp_path, final) < 0)
    return mk_error_set (err, errno, "rename `%s` to `%s`", w->tmp_path, final);
  w->committed = true;
  if (digest_out)
    *digest_out = STEAL (got);
  return 0;
}

void
blob_writer_free (struct blob_writer *w)
{
  if (w == NULL)
    return;
  if (!w->committed)
    unlink (w->tmp_path);
  if (w->fd >= 0)
    close (w->fd);
  digest_free (w->digest);
  free (w->tmp_path);
  free (w);
}

void
cleanup_blob_writerp (struct blob_writer **w)
{
  blob_writer_free (*w);
  *w = NULL;
}

int
store_blob_put (struct store *s, const void *data, size_t len, const char *expected_digest,
                char **digest_out, mk_error **err)
{
  if (expected_digest && store_blob_exists (s, expected_digest))
    {
      _cleanup_free_ char *got = digest_bytes (data, len);
      if (strcmp (got, expected_digest) != 0)
        return mk_error_set (err, 0, "digest mismatch: expected %s, got %s", expected_digest, got);
      if (digest_out)
        *digest_out = STEAL (got);
      return 0;
    }
  _cleanup_blob_writer_ struct blob_writer *w = store_blob_writer_new (s, err);
  if (w == NULL)
    return -1;
  if (blob_writer_write (w, data, len, err) < 0)
    return -1;
  return blob_writer_commit (w, expected_digest, -1, digest_out, err);
}

int
store_blob_adopt (struct store *s, int fd, const char *path, const char *digest, mk_error **err)
{
  if (digest_check (digest, "blob", err) < 0)
    return -1;
  if (fsync (fd) < 0)
    return mk_error_set (err, errno, "fsync `%s`", path);
  if (fchmod (fd, 0644) < 0)
    return mk_error_set (err, errno, "chmod `%s`", path);
  _cleanup_free_ char *final = store_blob_path (s, digest);
  /* Already this very file (an archive naming one layer file twice): a
   * rename between two links of one inode would do nothing and leave the
   * temp name behind. */
  struct stat a, b;
  if (fstat (fd, &a) == 0 && stat (final, &b) == 0 && a.st_dev == b.st_dev
      && a.st_ino == b.st_ino)
    return 0;
  /* A fresh name to link to: made by mkostemp (unique), then replaced. */
  _cleanup_free_ char *tmp = xasprintf ("%s/tmp/blob-XXXXXX", s->root);
  int t = mkostemp (tmp, O_CLOEXEC);
  if (t < 0)
    return mk_error_set (err, errno, "create temp blob in `%s/tmp`", s->root);
  close (t);
  if (unlink (tmp) < 0 || link (path, tmp) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return mk_error_set (err, saved, "link `%s` to `%s`", path, tmp);
    }
  if (rename (tmp, final) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return mk_error_set (err, saved, "rename `%s` to `%s`", tmp, final);
    }
  return 0;
}

bool
store_blob_exists (struct store *s, const char *digest)
{
  if (!digest_valid (digest))
    return false;
  _cleanup_free_ char *p = store_blob_path (s, digest);
  return access (p, F_OK) == 0;
}

int
store_blob_verify (struct store *s, const char *digest, long long *size, mk_error **err)
{
  if (digest_check (digest, "blob", err) < 0)
    return -1;
  _cleanup_free_ char *p = store_blob_path (s, digest);
  struct stat st;
  if (stat (p, &st) < 0)
    return mk_error_set (err, errno, "blob %s", digest);
  _cleanup_free_ char *got = NULL;
  if (digest_file (p, &got, err) < 0)
    return -1;
  if (strcmp (got, digest) != 0)
    {
      unlink (p); /* corrupt: make room for a fresh download */
      return store_fail (err, ENOENT, "blob %s was corrupt (hashed to %s), removed", digest, got);
    }
  if (size)
    *size = st.st_size;
  return 0;
}

int
store_blob_read (struct store *s, const char *digest, char **data, size_t *len, mk_error **err)
{
  if (digest_check (digest, "blob", err) < 0)
    return -1;
  _cleanup_free_ char *p = store_blob_path (s, digest);
  return read_file (p, data, len, err);
}
