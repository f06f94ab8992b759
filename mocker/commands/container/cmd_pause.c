/* mocker pause|unpause CONTAINER...: freezes every process of running
 * containers, or thaws them (`mocker-runtime pause` / `resume`: the cgroup
 * freezer). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "common/util.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/container/events.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

static const char pause_usage[] =
  "Usage: mocker pause CONTAINER [CONTAINER...]\n"
  "\n"
  "Pause all processes within containers.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

static const char unpause_usage[] =
  "Usage: mocker unpause CONTAINER [CONTAINER...]\n"
  "\n"
  "Unpause all processes within containers.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

/* arg: a bool, true to pause. */
static int
freeze_one (struct store *s, const char *ref, const void *arg, mk_error **err)
{
  bool pause = *(const bool *) arg;
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, ref, &c, err) < 0)
    return -1;
  _cleanup_close_ int lock = ctr_lock (c, err);
  if (lock < 0)
    return -1;
  ctr_reload_state (c);
  if (ctr_live_status (c) != LIVE_RUNNING)
    return mk_error_set (err, 0, "container %s is not running", ref);
  if (ctr_paused (c) == pause)
    return mk_error_set (err, 0, "container %s is %s", ref, pause ? "already paused" : "not paused");
  const char *op = pause ? "pause" : "resume";
  char *args[] = { (char *) op, c->id, NULL };
  _cleanup_free_ char *text = NULL;
  if (ctr_runtime_call (s, args, &text) != 0)
    return mk_error_set (err, 0, "container %s: mocker-runtime %s: %s", ref, op,
                         text && *text ? text : "failed");
  ctr_event (store_root (s), c->id, c->dir, pause ? "pause" : "unpause", NULL);
  return 0;
}

static int
pause_or_unpause (struct mocker_ctx *ctx, int argc, char **argv, bool pause, mk_error **err)
{
  const char *cmd = pause ? "pause" : "unpause";
  int help = mocker_parse_help_only (argc, argv, cmd, pause ? pause_usage : unpause_usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (optind >= argc)
    return mocker_usage_error (err, cmd, "at least one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  return ctr_each (s, argv + optind, argc - optind, freeze_one, &pause);
}

int
cmd_pause (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  return pause_or_unpause (ctx, argc, argv, true, err);
}

int
cmd_unpause (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  return pause_or_unpause (ctx, argc, argv, false, err);
}
