/* mocker tag SOURCE TARGET: another name for an image. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"

static const char usage[] =
  "Usage: mocker tag [OPTIONS] SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n"
  "\n"
  "Give an image (by name, ID or unique ID prefix) another name. A name that\n"
  "pointed at another image moves; that image stays, untagged if it was its\n"
  "last name.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

int
cmd_tag (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "tag", "h", argv);
      }
  if (argc - optind != 2)
    return mocker_usage_error (err, "tag", "a source image and a target name expected");
  _cleanup_free_ char *target = NULL;
  if (store_ref_normalize (argv[optind + 1], &target, err) < 0)
    return -1;
  if (strchr (target, '@'))
    return mk_error_set (err, 0, "tag: `%s`: a tag, not a digest, names an image",
                         argv[optind + 1]);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_free_ char *id = NULL;
  if (store_image_find (s, argv[optind], &id, err) < 0)
    return -1;
  return store_image_tag (s, id, target, err);
}
