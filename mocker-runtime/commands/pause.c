/* pause ID / resume ID: freezes or thaws every process of the container
 * (cgroup freezer v1, cgroup.freeze on v2); a paused container's status is
 * `paused`.  As with runc, only a running container can be paused and only a
 * paused one resumed. */
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/state_locked.h"

#include "common/util.h"

static int
set_paused (struct rt_globals *g, const char *cmd, bool pause, int argc, char **argv,
            mk_error **err)
{
  cli_reset ();
  int c = getopt_long (argc, argv, ":", (const struct option[]) { { NULL, 0, NULL, 0 } }, NULL);
  if (c != -1)
    return cli_option_error (cmd, c, argv, err);
  _cleanup_free_ char *usage = xasprintf ("%s ID", cmd);
  if (cli_args (cmd, argc, argv, 1, 1, usage, err) < 0)
    return -1;
  _cleanup_rt_state_ struct rt_state *st = NULL;
  enum rt_status status;
  _cleanup_close_ int dfd = state_open_locked (g->root, argv[optind], &st, &status, err);
  if (dfd < 0)
    return -1;
  if (pause && status == RT_PAUSED)
    return mk_error_set (err, 0, "container already paused");
  if (status == RT_STOPPED || (pause && status != RT_RUNNING))
    return mk_error_set (err, 0, "container not running");
  if (!pause && status != RT_PAUSED)
    return mk_error_set (err, 0, "container not paused");
  if (cgroup_freeze (st->cgroup_path, pause, err) < 0)
    return mk_error_wrap (err, "%s `%s`", cmd, st->id);
  return 0;
}

int
cmd_pause (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  return set_paused (g, "pause", true, argc, argv, err);
}

int
cmd_resume (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  return set_paused (g, "resume", false, argc, argv, err);
}
