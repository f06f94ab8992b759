/* mocker stop [-t SECONDS] CONTAINER...: the container's stop signal
 * (--stop-signal, else the image's StopSignal, else SIGTERM), then SIGKILL
 * after the timeout (-t, else --stop-timeout, else 10 s). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"

static const char usage[] =
  "Usage: mocker stop [OPTIONS] CONTAINER [CONTAINER...]\n"
  "\n"
  "Stop running containers: the stop signal (the image's StopSignal, default\n"
  "SIGTERM), then SIGKILL after a grace period.\n"
  "\n"
  "Options:\n"
  "  -t, --time SECONDS   grace period before SIGKILL (default: the container's\n"
  "                       --stop-timeout, else 10)\n"
  "  -h, --help           print this help\n";

static int
stop_one (struct store *s, const char *ref, const void *arg, mk_error **err)
{
  long long timeout = *(const long long *) arg;
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, ref, &c, err) < 0)
    return -1;
  _cleanup_close_ int lock = ctr_lock (c, err);
  if (lock < 0)
    return -1;
  return ctr_stop (s, c, timeout);
}

int
cmd_stop (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "time", required_argument, NULL, 't' },
    { "timeout", required_argument, NULL, 't' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  long long timeout = CTR_STOP_TIMEOUT_DEFAULT;
  int c;
  while ((c = getopt_long (argc, argv, "t:h", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        if (!parse_int64 (optarg, &timeout) || timeout < 0)
          return mocker_flag_error (err, "stop", "-t: invalid number of seconds `%s`", optarg);
        break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "stop", "t:h", argv);
      }
  if (optind >= argc)
    return mocker_usage_error (err, "stop", "at least one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  return ctr_each (s, argv + optind, argc - optind, stop_one, &timeout);
}
