/* mocker start [-a] [-i] CONTAINER...: runs a created or exited container
 * again, with the same record and bundle, under a new monitor. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/commands/container/cmd_attach.h"
#include "mocker/container/container.h"
#include "mocker/container/launch.h"
#include "mocker/container/restart.h"
#include "mocker/container/status.h"
#include "mocker/commands/container/cmd_start.h"
#include "mocker/mocker.h"
#include "mocker/ui/rawterm.h"

static const char usage[] =
  "Usage: mocker start [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Start stopped containers.\n"
  "\n"
  "Options:\n"
  "  -a, --attach        attach stdout/stderr and exit with the container's status\n"
  "  -i, --interactive   attach stdin\n"
  "      --all-restartable  start every stopped container whose restart policy is\n"
  "                      always, or unless-stopped and not stopped by hand (at boot)\n"
  "  -h, --help          print this help\n";

/* --all-restartable (a boot-time unit, docs/containers.md): Docker's
 * daemon start-up without a daemon. */
static int
start_restartable (struct mocker_ctx *ctx, struct store *s, mk_error **err)
{
  struct container **list = NULL;
  size_t n = 0;
  if (ctr_list (s, &list, &n, err) < 0)
    return -1;
  int failed = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct ctr_restart p;
      ctr_restart_policy (list[i], &p);
      bool want = p.name == RESTART_ALWAYS
                  || (p.name == RESTART_UNLESS_STOPPED && !ctr_manual_stop (list[i]));
      if (!want || ctr_live_status (list[i]) == LIVE_RUNNING || ctr_monitor_active (list[i]))
        continue;
      _cleanup_error_ mk_error *e = NULL;
      if (start_one (ctx, s, list[i]->name, false, false, false, &e) != 0)
        {
          fprintf (stderr, "mocker: %s\n", e && e->msg ? e->msg : "start failed");
          failed = 1;
        }
    }
  ctr_list_free (list, n);
  return failed;
}

int
cmd_start (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "attach", no_argument, NULL, 'a' },
    { "interactive", no_argument, NULL, 'i' },
    { "all-restartable", no_argument, NULL, 'R' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool attach = false, interactive = false, all_restartable = false;
  int c;
  while ((c = getopt_long (argc, argv, "aih", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': attach = true; break;
      case 'i': interactive = true; break;
      case 'R': all_restartable = true; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "start", "aih", argv);
      }
  if (all_restartable)
    {
      if (optind < argc || attach || interactive)
        return mocker_usage_error (err, "start", "--all-restartable takes no CONTAINER and no -a/-i");
      struct store *s = mocker_store (ctx, err);
      return s ? start_restartable (ctx, s, err) : -1;
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
      int r = start_one (ctx, s, argv[i], attach, interactive, false, err);
      if (r != 0 || attach)
        return r;
    }
  return 0;
}

int
start_one (struct mocker_ctx *ctx, struct store *s, const char *ref, bool attach,
           bool interactive, bool quiet, mk_error **err)
{
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, ref, &ct, err) < 0)
    return -1;
  _cleanup_close_ int lock = ctr_lock (ct, err);
  if (lock < 0)
    return -1;
  ctr_reload_state (ct);
  if (ctr_live_status (ct) == LIVE_RUNNING)
    {
      if (attach)
        {
          /* Already running: -a attaches to it, as Docker's. */
          close (lock);
          lock = -1;
          struct attach_opts ao = { .no_stdin = !interactive, .sig_proxy = true };
          detach_keys_parse (NULL, &ao.keys, NULL);
          return attach_running (ct, &ao, err);
        }
      if (!quiet)
        printf ("%s\n", ref);
      return 0;
    }
  /* The previous run's teardown must be over. */
  ctr_monitor_wait (ct);
  ctr_set_manual_stop (ct, false); /* --restart applies again */
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
  /* -ai with a tty: the caller's terminal is raw, as run -it's */
  if (attach && interactive && tty && isatty (STDIN_FILENO))
    ui_terminal_raw ();
  struct launch l;
  if (ctr_launch (s, ct, &lo, &l, err) < 0)
    {
      ui_terminal_restore ();
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
      ui_terminal_restore ();
      ctr_launch_close (&l);
      return code;
    }
  ctr_launch_close (&l);
  if (!quiet)
    printf ("%s\n", ref);
  fflush (stdout);
  return 0;
}
