/* mocker restart [-t SECONDS] CONTAINER...: stop (as `stop`), then start
 * (as `start`); a stopped container is just started. */
#include <getopt.h>
#include <stdio.h>

#include "common/util.h"
#include "mocker/commands/container/cmd_start.h"
#include "mocker/container/container.h"
#include "mocker/container/events.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

static const char usage[] =
  "Usage: mocker restart [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Restart containers: stop, then start.\n"
  "\n"
  "Options:\n"
  "  -t, --time SECONDS   grace period before SIGKILL (default: the container's\n"
  "                       --stop-timeout, else 10)\n"
  "  -h, --help           print this help\n";

struct restart_arg
{
  struct mocker_ctx *ctx;
  long long timeout;
};

static int
restart_one (struct store *s, const char *ref, const void *arg, mk_error **err)
{
  const struct restart_arg *a = arg;
  {
    _cleanup_container_ struct container *c = NULL;
    if (ctr_find (s, ref, &c, err) < 0)
      return -1;
    /* Stopping it would remove it: refused before anything is done. */
    if (ctr_flag (c, "host_config", "AutoRemove"))
      return mk_error_set (err, 0, "container %s was run with --rm: restarting it would remove it", ref);
    _cleanup_close_ int lock = ctr_lock (c, err);
    if (lock < 0)
      return -1;
    ctr_stop (s, c, a->timeout);
  }
  /* ctr_each prints the reference. */
  int r = start_one (a->ctx, s, ref, false, false, true, err);
  if (r != 0)
    return -1;
  _cleanup_container_ struct container *c = NULL;
  _cleanup_error_ mk_error *gone = NULL;
  if (ctr_find (s, ref, &c, &gone) == 0)
    ctr_event (store_root (s), c->id, c->dir, "restart", NULL);
  return 0;
}

int
cmd_restart (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "time", required_argument, NULL, 't' },
    { "timeout", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct restart_arg a = { .ctx = ctx, .timeout = CTR_STOP_TIMEOUT_DEFAULT };
  int c;
  while ((c = getopt_long (argc, argv, "t:h", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        if (!parse_int64 (optarg, &a.timeout) || a.timeout < 0)
          return mocker_flag_error (err, "restart", "-t: invalid number of seconds `%s`",
                                    optarg);
        break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "restart", "t:h", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "restart", "at least one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  return ctr_each (s, argv + optind, argc - optind, restart_one, &a);
}
