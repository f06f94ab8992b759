/* mocker rmi [-f] IMAGE...: untag and remove images. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/image/image_parents.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"

static const char usage[] =
  "Usage: mocker rmi [OPTIONS] IMAGE [IMAGE...]\n"
  "\n"
  "Remove images (by name, ID or unique ID prefix). A name is untagged; the\n"
  "image and the layers no other image uses are deleted with its last name.\n"
  "\n"
  "Options:\n"
  "  -f, --force   remove an image with several names, or untag one a\n"
  "                container uses\n"
  "  -h, --help    print this help\n";

static void
report (const char *verb, const char *what, void *opaque)
{
  printf ("%s: %s\n", verb, what);
  if (opaque && strcmp (verb, "Deleted") == 0)
    strv_push ((char ***) opaque, what);
}

int
cmd_rmi (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  int c;
  while ((c = getopt_long (argc, argv, "fh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "rmi", "fh", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "rmi", "at least one image expected");

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  /* Like Docker: go on with the others, report every failure. */
  _cleanup_free_ char *failures = NULL;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_error_ mk_error *one = NULL;
      _cleanup_strv_ char **deleted = xzalloc (sizeof *deleted);
      int r = store_image_remove (s, argv[i], force, report, &deleted, &one);
      /* The untagged images a build made it from go with it (image_parents.h). */
      for (size_t j = 0; deleted[j]; j++)
        image_parents_prune (s, deleted[j], report, NULL);
      if (r < 0)
        {
          char *joined = failures ? xasprintf ("%s\nmocker: %s", failures, one->msg)
                                  : xstrdup (one->msg);
          free (failures);
          failures = joined;
        }
      fflush (stdout);
    }
  if (failures)
    return mk_error_set (err, 0, "%s", failures);
  return 0;
}
