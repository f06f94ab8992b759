/* mocker image SUBCOMMAND: Docker's management command for images. Each
 * subcommand is a line of the table (its code in its own file). */
#include <stdio.h>
#include <string.h>

#include "mocker/image_prune.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker image COMMAND\n"
  "\n"
  "Manage images.\n"
  "\n"
  "Commands:\n"
  "  ls       List images (as `mocker images`)\n"
  "  prune    Remove unused images\n";

static const struct
{
  const char *name;
  mocker_cmd_fn fn;
} subcommands[] = {
  { "ls", cmd_images },
  { "list", cmd_images },
  { "prune", image_prune },
};

int
cmd_image (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc < 2)
    return mocker_usage_error (err, "image", "want a subcommand (ls, prune)");
  if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0)
    return mocker_print_usage (usage);
  for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].fn (ctx, argc - 1, argv + 1, err);
  return mocker_usage_error (err, "image", "unknown subcommand `%s`", argv[1]);
}
