/* pause ID: freezes every process of the container (cgroup freezer v1 or
 * cgroup.freeze on v2); its status becomes `paused`.  Only a running
 * container can be paused, as with runc. */
#include "mocker-runtime/cgroup.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state_locked.h"

#include "common/util.h"

int
cmd_pause (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  cli_reset ();
  int c = getopt_long (argc, argv, ":", (const struct option[]) { { NULL, 0, NULL, 0 } }, NULL);
  if (c != -1)
    return cli_option_error ("pause", c, argv, err);
  if (cli_args ("pause", argc, argv, 1, 1, "pause ID", err) < 0)
    return -1;
  _cleanup_rt_state_ struct rt_state *st = NULL;
  enum rt_status status;
  _cleanup_close_ int dfd = state_open_locked (g->root, argv[optind], &st, &status, err);
  if (dfd < 0)
    return -1;
  if (status == RT_PAUSED)
    return mk_error_set (err, 0, "container already paused");
  if (status != RT_RUNNING)
    return mk_error_set (err, 0, "container not running");
  if (cgroup_freeze (st->cgroup_path, true, err) < 0)
    return mk_error_wrap (err, "pause `%s`", st->id);
  return 0;
}
