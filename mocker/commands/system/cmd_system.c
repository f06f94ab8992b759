/* mocker system SUBCOMMAND: Docker's management command for the whole
 * store: df, prune, and info / events (the top-level commands). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/commands/system/system.h"

static const char usage[] =
  "Usage: mocker system COMMAND\n"
  "\n"
  "Manage the store.\n"
  "\n"
  "Commands:\n"
  "  df       show the disk used by images, containers, volumes, build cache\n"
  "  events   get real time events (mocker events)\n"
  "  info     display system-wide information (mocker info)\n"
  "  prune    remove stopped containers, dangling images, unused build cache\n";

static const struct
{
  const char *name;
  mocker_cmd_fn fn;
} subcommands[] = {
  { "df", system_df },
  { "events", cmd_events },
  { "info", cmd_info },
  { "prune", system_prune },
};

int
cmd_system (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc < 2)
    return mocker_usage_error (err, "system", "a COMMAND is required (df, events, info, prune)");
  if (strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "--help") == 0)
    return mocker_print_usage (usage);
  if (argv[1][0] == '-')
    return mocker_flag_error (err, "system", "unknown option `%s`", argv[1]);
  optind = 0; /* the subcommand parses its own options */
  for (size_t i = 0; i < ARRAY_SIZE (subcommands); i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      return subcommands[i].fn (ctx, argc - 1, argv + 1, err);
  return mocker_usage_error (err, "system", "unknown command `%s` (df, events, info, prune)", argv[1]);
}
