/* mocker image inspect|history|ls|rm: the image commands under one name, as
 * `docker image`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/image_inspect.h"
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
  static const struct option opts[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'h': return mocker_print_usage (inspect_usage);
      default: return mocker_option_error (err, "image inspect", "h", argv);
      }
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

int
cmd_image (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  /* Options before the subcommand: only --help. */
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    switch (c)
      {
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "image", "+h", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "image", "a COMMAND is required (inspect, history, ls, rm)");
  int sub_argc = argc - optind;
  char **sub_argv = argv + optind;
  const char *sub = sub_argv[0];
  optind = 0; /* the subcommand parses its own options */
  if (strcmp (sub, "inspect") == 0)
    return image_inspect (ctx, sub_argc, sub_argv, err);
  if (strcmp (sub, "history") == 0)
    return cmd_history (ctx, sub_argc, sub_argv, err);
  if (strcmp (sub, "ls") == 0 || strcmp (sub, "list") == 0)
    return cmd_images (ctx, sub_argc, sub_argv, err);
  if (strcmp (sub, "rm") == 0)
    return cmd_rmi (ctx, sub_argc, sub_argv, err);
  return mocker_usage_error (err, "image", "unknown command `%s` (inspect, history, ls, rm)", sub);
}
