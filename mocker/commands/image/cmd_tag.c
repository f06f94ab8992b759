/* mocker tag SOURCE TARGET: another name for an image. */
#include <getopt.h>
#include <errno.h>
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
  int help = mocker_parse_help_only (argc, argv, "tag", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
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
