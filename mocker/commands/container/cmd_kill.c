/* mocker kill [-s SIGNAL] CONTAINER... */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker kill [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Send a signal to running containers.\n"
  "\n"
  "Options:\n"
  "  -s, --signal SIGNAL   name (KILL, SIGTERM) or number (default KILL)\n"
  "  -h, --help            print this help\n";

static int
kill_one (struct store *s, const char *ref, const void *arg, mk_error **err)
{
  int sig = *(const int *) arg;
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, ref, &c, err) < 0)
    return -1;
  ctr_reload_state (c);
  if (ctr_live_status (c) != LIVE_RUNNING)
    return mk_error_set (err, 0, "cannot kill container: %s: container %.12s is not running",
                         ref, c->id);
  ctr_set_manual_stop (c, true); /* as Docker: no --restart after a kill */
  if (ctr_signal (s, c, sig, err) < 0)
    return -1;
  /* SIGKILL: return once the container is gone, so `ps` agrees. */
  if (sig == SIGKILL)
    {
      ctr_wait_gone (c, 10000);
      ctr_monitor_wait (c);
    }
  return 0;
}

int
cmd_kill (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "signal", required_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int sig = SIGKILL;
  int c;
  while ((c = getopt_long (argc, argv, "s:h", opts, NULL)) != -1)
    switch (c)
      {
      case 's':
        sig = ctr_parse_signal (optarg);
        if (sig < 0)
          return mocker_flag_error (err, "kill", "invalid signal `%s`", optarg);
        break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "kill", "s:h", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "kill", "at least one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  return ctr_each (s, argv + optind, argc - optind, kill_one, &sig);
}
