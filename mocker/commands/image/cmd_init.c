/* mocker init DIR [-t NAME:TAG]: a directory becomes a one-layer image. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/store/config_new.h"
#include "mocker/store/layer.h"
#include "mocker/store/refname.h"

static const char usage[] =
  "Usage: mocker init [OPTIONS] DIRECTORY\n"
  "\n"
  "Create an image of one layer from a directory (its files, modes, owners,\n"
  "links, devices and xattrs) and print the image ID.\n"
  "\n"
  "Options:\n"
  "  -t, --tag NAME[:TAG]   name the image (default: untagged)\n"
  "  -h, --help             print this help\n";

int
cmd_init (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "tag", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *tag = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "t:h", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        tag = optarg;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "init", "t:h", argv);
      }
  if (argc - optind != 1)
    return mocker_usage_error (err, "init", "exactly one directory expected");
  const char *dir = argv[optind];
  if (!dir_exists (dir))
    return mk_error_set (err, 0, "init: `%s` is not a directory", dir);

  _cleanup_free_ char *normalized = NULL;
  if (tag && store_ref_normalize (tag, &normalized, err) < 0)
    return -1;
  if (normalized && strchr (normalized, '@'))
    return mk_error_set (err, EINVAL, "init: `%s`: a tag, not a digest, names a new image", tag);

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;

  /* A concurrent rmi may remove a layer we reused before we register: then
   * the layer is made again. */
  for (int attempt = 0;; attempt++)
    {
      struct layer_created lc = { 0 };
      if (layer_create_from_dir (s, dir, NULL, LAYER_COMPRESSION_GZIP, NULL, &lc, err) < 0)
        return mk_error_wrap (err, "init `%s`", dir);
      _cleanup_free_ char *by = xasprintf ("mocker init %s", dir);
      _cleanup_free_ char *id = NULL;
      int r = store_image_register_layer (s, &lc, "/bin/sh", by, normalized, &id, err);
      layer_created_clear (&lc);
      if (r == 0)
        {
          printf ("%s\n", id);
          return 0;
        }
      if (mk_error_errno (*err) != ENOENT || attempt >= 2)
        return mk_error_wrap (err, "init `%s`", dir);
      mk_error_free (err);
    }
}
