/* state ID: the OCI state JSON, status derived from the live system. */
#include <stdio.h>

#include "common/util.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/state.h"

int
cmd_state (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":", opts, NULL)) != -1)
    return cli_option_error ("state", c, argv, err);
  if (cli_args ("state", argc, argv, 1, 1, "state ID", err) < 0)
    return -1;
  _cleanup_rt_state_ struct rt_state *st = NULL;
  if (state_load (g->root, argv[optind], &st, err) < 0)
    return -1;
  _cleanup_free_ char *json
      = state_to_json (st, rt_status_name (state_status (g->root, st)), true);
  printf ("%s\n", json);
  return 0;
}
