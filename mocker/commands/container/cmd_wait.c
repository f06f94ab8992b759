/* mocker wait CONTAINER...: blocks until each container stops, in turn,
 * and prints its exit code (Docker's `wait`).  With --restart, the next
 * exit counts.  No runtime call: state.json and the live pid are watched. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker wait CONTAINER [CONTAINER...]\n"
  "\n"
  "Block until containers stop, then print their exit codes.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

static int
wait_one (struct store *s, const char *ref, mk_error **err)
{
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, ref, &c, err) < 0)
    return -1;
  ctr_reload_state (c);
  /* Never started (or between create and start): wait until it runs. */
  while (ctr_live_status (c) == LIVE_CREATED)
    {
      if (access (c->dir, F_OK) < 0)
        return mk_error_set (err, 0, "no such container: `%s`", ref);
      usleep (100000);
      ctr_reload_state (c);
    }
  /* Recorded running: its process may already be gone, reaped by the
   * monitor that is about to record the exit (the exit code is not in the
   * state yet), so the wait goes on until the record changes. */
  if (c->has_state && c->state.status == CTR_RUNNING)
    {
      pid_t pid = c->state.pid;
      if (ctr_live_status (c) == LIVE_RUNNING)
        ctr_wait_gone (c, -1);
      /* The monitor records the exit right after the init is reaped. */
      for (;;)
        {
          ctr_reload_state (c);
          if (!c->has_state || c->state.status != CTR_RUNNING || c->state.pid != pid
              || !ctr_monitor_active (c))
            break;
          usleep (10000);
        }
      /* Restarted meanwhile: the exit was recorded before the restart. */
    }
  /* Recorded running but gone with its monitor: killed (as ps says). */
  int code = c->state.status == CTR_RUNNING && !ctr_state_alive (&c->state)
                 && !ctr_monitor_active (c) ? 137 : c->state.exit_code;
  printf ("%d\n", code);
  fflush (stdout);
  return 0;
}

int
cmd_wait (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  int help = mocker_parse_help_only (argc, argv, "wait", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (optind >= argc)
    return mocker_usage_error (err, "wait", "at least one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  int failed = 0;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (wait_one (s, argv[i], &e) < 0)
        {
          fprintf (stderr, "mocker: %s\n", e && e->msg ? e->msg : "failed");
          failed = 1;
        }
    }
  return failed;
}
