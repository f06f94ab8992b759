/* mocker image SUBCOMMAND: Docker's management command for images. Each
 * subcommand is a line of the table; `inspect` is here, the others are the
 * top-level commands' code (images, history, rmi) or in their own file. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/commands/image/image_inspect.h"
#include "mocker/commands/image/image_prune.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker image COMMAND\n"
  "\n"
  "Manage images.\n"
  "\n"
  "Commands:\n"
  "  inspect IMAGE...   print details of images as a JSON array\n"
  "  history IMAGE      show the history of an image (mocker history)\n"
  "  ls                 list images (mocker images)\n"
  "  prune              remove unused images\n"
  "  rm IMAGE...        remove images (mocker rmi)\n";

static const char inspect_usage[] =
  "Usage: mocker image inspect IMAGE [IMAGE...]\n"
  "\n"
  "Print details of images as a JSON array, in Docker's shape.\n"
  "\n"
  "Options:\n"
  "  -h, --help    print this help\n";

static int
image_inspect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  int help = mocker_parse_help_only (argc, argv, "image inspect", inspect_usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (optind >= argc)
    return mocker_usage_error (err, "image inspect", "at least one IMAGE is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  json_gen *g = json_gen_new (true);
  json_arr_open (g);
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (image_inspect_json (s, argv[i], g, &e) < 0)
        {
          fprintf (stderr, "mocker: %s\n", e->msg);
          failed = 1;
        }
    }
  json_arr_close (g);
  _cleanup_free_ char *text = json_gen_finish (g, NULL);
  printf ("%s\n", text);
  return failed;
}

static const struct
{
  const char *name;
  mocker_cmd_fn fn;
} subcommands[] = {
  { "inspect", image_inspect },
  { "history", cmd_history },
  { "ls", cmd_images },
  { "list", cmd_images },
  { "prune", image_prune },
  { "rm", cmd_rmi },
};

int
cmd_image (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc < 2)
    return mocker_usage_error (err, "image", "a COMMAND is required (inspect, history, ls, prune, rm)");
  if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0)
    return mocker_print_usage (usage);
  optind = 0; /* the subcommand parses its own options */
  for (size_t i = 0; i < ARRAY_SIZE (subcommands); i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].fn (ctx, argc - 1, argv + 1, err);
  return mocker_usage_error (err, "image", "unknown command `%s` (inspect, history, ls, prune, rm)", argv[1]);
}
