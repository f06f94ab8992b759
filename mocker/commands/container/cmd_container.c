/* mocker container SUBCOMMAND: Docker's management command for containers.
 * `prune` is its own (container_prune.c), `ls` (list, ps) is `ps`, and
 * every other subcommand is the top-level command of that name. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "mocker/commands/container/container_prune.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker container COMMAND\n"
  "\n"
  "Manage containers.\n"
  "\n"
  "Commands:\n"
  "  prune              remove all stopped containers\n"
  "  ls                 list containers (mocker ps)\n"
  "  rm, inspect, logs, create, start, stop, restart, kill, wait, pause,\n"
  "  unpause, update, rename, port, top, stats, diff, exec, run, cp, export,\n"
  "  commit, attach     the commands of those names\n";

/* The top-level commands `container` takes as its own (Docker's list). */
static const char *const same_as_top[] = {
  "attach", "commit", "cp", "create", "diff", "exec", "export", "inspect", "kill", "logs",
  "pause", "port", "rename", "restart", "rm", "run", "start", "stats", "stop", "top",
  "unpause", "update", "wait",
};

int
cmd_container (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  if (argc < 2)
    return mocker_usage_error (err, "container", "a COMMAND is required (prune, ls, rm, inspect, ...)");
  const char *sub = argv[1];
  if (strcmp (sub, "-h") == 0 || strcmp (sub, "--help") == 0)
    return mocker_print_usage (usage);
  if (sub[0] == '-')
    return mocker_flag_error (err, "container", "unknown option `%s`", sub);
  optind = 0; /* the subcommand parses its own options */
  if (strcmp (sub, "prune") == 0)
    return container_prune (ctx, argc - 1, argv + 1, err);
  mocker_cmd_fn fn = NULL;
  if (strcmp (sub, "ls") == 0 || strcmp (sub, "list") == 0 || strcmp (sub, "ps") == 0)
    fn = mocker_command_fn ("ps");
  for (size_t i = 0; fn == NULL && i < ARRAY_SIZE (same_as_top); i++)
    if (strcmp (sub, same_as_top[i]) == 0)
      fn = mocker_command_fn (sub);
  if (fn == NULL)
    return mocker_usage_error (err, "container", "unknown command `%s`", sub);
  return fn (ctx, argc - 1, argv + 1, err);
}
