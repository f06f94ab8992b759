/* mocker start [-a] [-i] CONTAINER...: runs a created or exited container
 * again, with the same record and bundle, under a new monitor. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/launch.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker start [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Start stopped containers.\n"
  "\n"
  "Options:\n"
  "  -a, --attach        attach stdout/stderr and exit with the container's status\n"
  "  -i, --interactive   attach stdin\n"
  "  -h, --help          print this help\n";

int
cmd_start (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "attach", no_argument, NULL, 'a' },
    { "interactive", no_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool attach = false, interactive = false;
  int c;
  while ((c = getopt_long (argc, argv, "aih", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': attach = true; break;
      case 'i': interactive = true; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "start", "aih", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "start", "at least one CONTAINER is required");
  if (attach && argc - optind > 1)
    return mocker_usage_error (err, "start", "-a takes a single CONTAINER");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  for (int i = optind; i < argc; i++)
    {
      _cleanup_container_ struct container *ct = NULL;
      if (ctr_find (s, argv[i], &ct, err) < 0)
        return -1;
      _cleanup_close_ int lock = ctr_lock (ct, err);
      if (lock < 0)
        return -1;
      ctr_reload_state (ct);
      if (ctr_live_status (ct) == LIVE_RUNNING)
        {
          if (!attach)
            printf ("%s\n", argv[i]);
          continue;
        }
      /* The previous run's teardown must be over. */
      ctr_monitor_wait (ct);
      ctr_reload_state (ct);
      if (ct->state.status == CTR_RUNNING)
        {
          /* Recorded running but gone: its monitor died (or the machine
           * rebooted) before tearing down; do it now. */
          _cleanup_error_ mk_error *e = NULL;
          ctr_teardown (s, ct, &e);
        }
      if (ctr_mount_rootfs (s, ct, err) < 0)
        return -1;
      bool tty = ctr_flag (ct, "config", "Tty");
      struct launch_opts lo = { .attach = attach, .stdin_open = interactive, .tty = tty };
      struct launch l;
      if (ctr_launch (s, ct, &lo, &l, err) < 0)
        {
          ctx->failure_status = l.failure;
          if (l.no_teardown)
            {
              _cleanup_error_ mk_error *e = NULL;
              ctr_teardown (s, ct, &e);
            }
          ctr_launch_close (&l);
          return -1;
        }
      if (attach)
        {
          close (lock);
          lock = -1;
          int code = ctr_wait_attached (&l, tty);
          ctr_launch_close (&l);
          return code;
        }
      ctr_launch_close (&l);
      printf ("%s\n", argv[i]);
      fflush (stdout);
    }
  return 0;
}
