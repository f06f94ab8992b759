/* start ID: releases a created container's process. */
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/container.h"

int
cmd_start (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":", opts, NULL)) != -1)
    return cli_option_error ("start", c, argv, err);
  if (cli_args ("start", argc, argv, 1, 1, "start ID", err) < 0)
    return -1;
  return container_start (g->root, argv[optind], err) < 0 ? -1 : 0;
}
