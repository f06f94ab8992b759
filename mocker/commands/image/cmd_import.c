/* mocker import FILE|- [NAME[:TAG]]: a tarball (plain, gzip or zstd)
 * becomes a one-layer image, as `docker import`. */
#include <getopt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/store/config_new.h"
#include "mocker/store/layer.h"
#include "mocker/store/refname.h"

static const char usage[] =
  "Usage: mocker import [OPTIONS] FILE|- [NAME[:TAG]]\n"
  "\n"
  "Create an image of one layer from a tarball (plain, gzip or zstd; `-`\n"
  "reads standard input) and print the image ID. Entries that would land\n"
  "outside the image (`..`, absolute names, links out) are refused.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

#define CHUNK (1 << 16)

static const char *
media_type_of (const unsigned char *head, size_t n)
{
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  if (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
    return "application/vnd.oci.image.layer.v1.tar+zstd";
  return "application/vnd.oci.image.layer.v1.tar";
}

/* Streams fd into a blob and a layer at once. */
static int
import_layer (struct store *s, int fd, const char *what, struct layer_created *out, mk_error **err)
{
  _cleanup_layer_unpack_ struct layer_unpack *u = layer_unpack_begin (s, err);
  if (u == NULL)
    return -1;
  _cleanup_blob_writer_ struct blob_writer *w = store_blob_writer_new (s, err);
  if (w == NULL)
    return -1;
  _cleanup_free_ unsigned char *buf = xmalloc (CHUNK);
  const char *media_type = NULL;
  for (;;)
    {
      ssize_t r = read (fd, buf, CHUNK);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return mk_error_set (err, errno, "read `%s`", what);
      if (r == 0)
        break;
      if (media_type == NULL)
        media_type = media_type_of (buf, r);
      if (blob_writer_write (w, buf, r, err) < 0 || layer_unpack_write (u, buf, r, err) < 0)
        return -1;
    }
  /* The layer first: a refused layer leaves no blob either. */
  if (layer_unpack_finish (u, NULL, NULL, &out->diff_id, &out->chain_id, NULL, &out->size, err)
      < 0)
    return -1;
  long long blob_size = blob_writer_size (w);
  _cleanup_free_ char *digest = NULL;
  if (blob_writer_commit (w, NULL, -1, &digest, err) < 0)
    return -1;
  out->digest = STEAL (digest);
  out->media_type = media_type ? media_type : media_type_of (NULL, 0);
  out->blob_size = blob_size;
  return 0;
}

int
cmd_import (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  int help = mocker_parse_help_only (argc, argv, "import", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (argc - optind < 1 || argc - optind > 2)
    return mocker_usage_error (err, "import", "a file (or -) and an optional name expected");
  const char *file = argv[optind];
  const char *tag = argc - optind == 2 ? argv[optind + 1] : NULL;
  _cleanup_free_ char *normalized = NULL;
  if (tag && store_ref_normalize (tag, &normalized, err) < 0)
    return -1;
  if (normalized && strchr (normalized, '@'))
    return mk_error_set (err, EINVAL, "import: `%s`: a tag, not a digest, names a new image", tag);

  _cleanup_close_ int fd = strcmp (file, "-") == 0 ? dup (0) : open (file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "import: open `%s`", file);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;

  struct layer_created lc = { 0 };
  if (import_layer (s, fd, file, &lc, err) < 0)
    {
      layer_created_clear (&lc);
      return mk_error_wrap (err, "import `%s`", file);
    }
  _cleanup_free_ char *by = xasprintf ("mocker import %s", file);
  _cleanup_free_ char *id = NULL;
  int r = store_image_register_layer (s, &lc, NULL, by, normalized, &id, err);
  layer_created_clear (&lc);
  if (r < 0)
    return mk_error_wrap (err, "import `%s`", file);
  printf ("%s\n", id);
  return 0;
}
