/* A directory into a stored layer, in one pass: the tar stream is fed to a
 * layer_unpack (which unpacks it and computes the diff_id) and, unless no
 * blob is wanted, compressed into a blob. */
#include "mocker/store/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/util.h"

#define MEDIA_TYPE_TAR "application/vnd.oci.image.layer.v1.tar"
#define MEDIA_TYPE_TAR_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"

struct create
{
  struct layer_unpack *unpack;
  struct blob_writer *blob;
  struct archive *gz;   /* raw format + gzip filter into blob; NULL: blob gets plain tar */
  unsigned long long tar_size;  /* the diff_id is computed by the unpacker */
  mk_error *blob_err;
  char *buf;            /* the tar's 10 KiB blocks gathered: fewer writes to the unpacker */
  size_t buf_len;
};

#define CREATE_BUF (1 << 20)

static la_ssize_t
gz_write_cb (struct archive *a, void *opaque, const void *buf, size_t len)
{
  struct create *c = opaque;
  if (blob_writer_write (c->blob, buf, len, &c->blob_err) < 0)
    {
      archive_set_error (a, EIO, "%s", c->blob_err->msg);
      return -1;
    }
  return len;
}

static int
tee_write (struct create *c, const void *data, size_t len, mk_error **err)
{
  if (layer_unpack_write (c->unpack, data, len, err) < 0)
    return -1;
  if (c->blob == NULL)
    return 0;
  if (c->gz == NULL)
    return blob_writer_write (c->blob, data, len, err);
  if (archive_write_data (c->gz, data, len) < 0)
    {
      if (c->blob_err)
        {
          *err = c->blob_err;
          c->blob_err = NULL;
          return -1;
        }
      return mk_error_set (err, 0, "compress layer: %s", archive_error_string (c->gz));
    }
  return 0;
}

static int
tee_flush (struct create *c, mk_error **err)
{
  size_t n = c->buf_len;
  c->buf_len = 0;
  return n ? tee_write (c, c->buf, n, err) : 0;
}

static int
tee_sink (void *opaque, const void *data, size_t len, mk_error **err)
{
  struct create *c = opaque;
  c->tar_size += len;
  if (c->buf_len + len > CREATE_BUF && tee_flush (c, err) < 0)
    return -1;
  if (len >= CREATE_BUF)
    return tee_write (c, data, len, err);
  memcpy (c->buf + c->buf_len, data, len);
  c->buf_len += len;
  return 0;
}

static int
open_gzip (struct create *c, mk_error **err)
{
  c->gz = archive_write_new ();
  if (c->gz == NULL)
    return mk_error_set (err, ENOMEM, "libarchive");
  archive_write_add_filter_gzip (c->gz);
  /* No timestamp in the gzip header: the same tar compresses the same. */
  archive_write_set_filter_option (c->gz, "gzip", "timestamp", NULL);
  archive_write_set_format_raw (c->gz);
  archive_write_set_bytes_per_block (c->gz, 0);
  if (archive_write_open (c->gz, c, NULL, gz_write_cb, NULL) != ARCHIVE_OK)
    return mk_error_set (err, 0, "compress layer: %s", archive_error_string (c->gz));
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_pathname (e, "layer.tar");
  int r = archive_write_header (c->gz, e);
  archive_entry_free (e);
  if (r != ARCHIVE_OK)
    return mk_error_set (err, 0, "compress layer: %s", archive_error_string (c->gz));
  return 0;
}

void
layer_created_clear (struct layer_created *c)
{
  free (c->diff_id);
  free (c->chain_id);
  free (c->digest);
  memset (c, 0, sizeof *c);
}

static void
create_clear (struct create *c)
{
  if (c->gz)
    archive_write_free (c->gz);  /* before blob_err: it may write once more */
  mk_error_free (&c->blob_err);
  blob_writer_free (c->blob);
  layer_unpack_free (c->unpack);
  free (c->buf);
}

int
layer_create_from_dir (struct store *s, const char *dir, const char *parent_chain_id,
                       enum layer_compression compression, const struct layer_pack_opts *opts,
                       struct layer_created *out, mk_error **err)
{
  __attribute__ ((cleanup (create_clear))) struct create c = { 0 };
  c.unpack = layer_unpack_begin (s, err);
  if (c.unpack == NULL)
    return -1;
  /* The blob writer hashes what it keeps; the unpacker gives the diff_id. */
  layer_unpack_skip_input_digest (c.unpack);
  if (compression != LAYER_COMPRESSION_NO_BLOB)
    {
      c.blob = store_blob_writer_new (s, err);
      if (c.blob == NULL)
        return -1;
    }
  if (compression == LAYER_COMPRESSION_GZIP && open_gzip (&c, err) < 0)
    return -1;
  c.buf = xmalloc (CREATE_BUF);
  if (layer_pack_dir (dir, opts, tee_sink, &c, err) < 0 || tee_flush (&c, err) < 0)
    return -1;
  if (c.gz && archive_write_close (c.gz) != ARCHIVE_OK)
    {
      if (c.blob_err)
        {
          *err = STEAL (c.blob_err);
          return -1;
        }
      return mk_error_set (err, 0, "compress layer: %s", archive_error_string (c.gz));
    }
  /* The layer first: if it is refused, no blob is kept either. */
  _cleanup_free_ char *diff_id = NULL;
  _cleanup_free_ char *chain_id = NULL;
  long long size = 0;
  if (layer_unpack_finish (c.unpack, parent_chain_id, NULL, &diff_id, &chain_id, NULL, &size, err)
      < 0)
    return -1;
  long long blob_size = c.blob ? (long long) blob_writer_size (c.blob) : (long long) c.tar_size;
  _cleanup_free_ char *digest = NULL;
  /* A plain blob is the tar itself: its digest must be the diff_id. */
  const char *expect = compression == LAYER_COMPRESSION_NONE ? diff_id : NULL;
  if (c.blob && blob_writer_commit (c.blob, expect, -1, &digest, err) < 0)
    return -1;
  out->diff_id = STEAL (diff_id);
  out->chain_id = STEAL (chain_id);
  out->digest = STEAL (digest);
  out->media_type = compression == LAYER_COMPRESSION_GZIP ? MEDIA_TYPE_TAR_GZIP : MEDIA_TYPE_TAR;
  out->blob_size = blob_size;
  out->size = size;
  return 0;
}
