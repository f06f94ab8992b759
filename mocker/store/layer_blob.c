/* A gzip blob made from a stored layer's directory, for a layer that kept
 * none (`commit`): packed again with overlay whiteouts turned back into
 * `.wh.` entries, hashed (it must give the layer's diff_id, or the blob
 * would not be the layer the image config names) and compressed without a
 * timestamp into the store's blobs. */
#include "mocker/store/layer_blob.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/util.h"
#include "mocker/store/layer.h"

struct make
{
  mk_digest *tar;
  struct blob_writer *blob;
  struct archive *gz;
  mk_error *blob_err;
};

static la_ssize_t
gz_write (struct archive *a, void *opaque, const void *buf, size_t len)
{
  struct make *m = opaque;
  if (blob_writer_write (m->blob, buf, len, &m->blob_err) < 0)
    {
      archive_set_error (a, EIO, "%s", m->blob_err->msg);
      return -1;
    }
  return len;
}

static int
gz_fail (struct make *m, mk_error **err)
{
  if (m->blob_err)
    {
      *err = STEAL (m->blob_err);
      return -1;
    }
  return mk_error_set (err, 0, "compress layer: %s", archive_error_string (m->gz));
}

static int
sink (void *opaque, const void *data, size_t len, mk_error **err)
{
  struct make *m = opaque;
  digest_update (m->tar, data, len);
  if (archive_write_data (m->gz, data, len) < 0)
    return gz_fail (m, err);
  return 0;
}

static void
make_clear (struct make *m)
{
  if (m->gz)
    archive_write_free (m->gz);
  mk_error_free (&m->blob_err);
  blob_writer_free (m->blob);
  digest_free (m->tar);
}

int
store_layer_blob_make (struct store *s, const char *chain_id, const char *diff_id,
                       char **digest_out, long long *size_out, mk_error **err)
{
  __attribute__ ((cleanup (make_clear))) struct make m = { 0 };
  _cleanup_free_ char *dir = store_layer_diff_dir (s, chain_id);
  m.tar = digest_init ();
  m.blob = store_blob_writer_new (s, err);
  if (m.blob == NULL)
    return -1;
  m.gz = archive_write_new ();
  archive_write_add_filter_gzip (m.gz);
  archive_write_set_filter_option (m.gz, "gzip", "timestamp", NULL);
  archive_write_set_format_raw (m.gz);
  archive_write_set_bytes_per_block (m.gz, 0);
  if (archive_write_open (m.gz, &m, NULL, gz_write, NULL) != ARCHIVE_OK)
    return gz_fail (&m, err);
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_pathname (e, "layer.tar");
  int r = archive_write_header (m.gz, e);
  archive_entry_free (e);
  if (r != ARCHIVE_OK)
    return gz_fail (&m, err);

  struct layer_pack_opts opts = { .overlay_whiteouts = true };
  if (layer_pack_dir (dir, &opts, sink, &m, err) < 0)
    return mk_error_wrap (err, "pack layer %s", chain_id);
  if (archive_write_close (m.gz) != ARCHIVE_OK)
    return gz_fail (&m, err);
  _cleanup_free_ char *got = digest_final (m.tar);
  if (strcmp (got, diff_id) != 0)
    return mk_error_set (err, 0,
                         "layer %s: its directory packs to diff_id %s, not %s: the layer "
                         "cannot be reproduced",
                         chain_id, got, diff_id);
  long long size = blob_writer_size (m.blob);
  if (blob_writer_commit (m.blob, NULL, -1, digest_out, err) < 0)
    return -1;
  *size_out = size;
  return 0;
}
