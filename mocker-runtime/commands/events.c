/* events ID [--stats] [--interval D]: the container's resource usage as
 * JSON lines, runc's shape:
 *   {"type":"stats","id":ID,"data":{"cpu":{"usage":{"total":NS}},
 *    "memory":{"usage":{"usage":B,"limit":B}},"pids":{"current":N,"limit":N}}}
 * --stats prints one and exits; otherwise one every interval (default 5s)
 * until the container stops, and {"type":"oom","id":ID} when the OOM killer
 * struck since the last look. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/state.h"

/* "5s", "500ms", "2m", "1h", "3" (seconds) into milliseconds. */
static int
parse_interval (const char *s, long long *ms, mk_error **err)
{
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (end == s || errno || v <= 0)
    return mk_error_set (err, 0, "--interval: invalid duration `%s`", s);
  double mult;
  if (*end == '\0' || strcmp (end, "s") == 0)
    mult = 1000;
  else if (strcmp (end, "ms") == 0)
    mult = 1;
  else if (strcmp (end, "m") == 0)
    mult = 60000;
  else if (strcmp (end, "h") == 0)
    mult = 3600000;
  else
    return mk_error_set (err, 0, "--interval: invalid duration `%s`", s);
  *ms = (long long) (v * mult);
  if (*ms < 1)
    *ms = 1;
  return 0;
}

static int
print_stats (const struct rt_state *st, mk_error **err)
{
  struct cgroup_stats s;
  if (cgroup_stats (st->cgroup_path, &s, err) < 0)
    return -1;
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "type", "stats");
  json_kv_str (g, "id", st->id);
  json_key (g, "data");
  json_obj_open (g);
  json_key (g, "cpu");
  json_obj_open (g);
  json_key (g, "usage");
  json_obj_open (g);
  if (s.has_cpu_usage)
    {
      json_key (g, "total");
      json_uint (g, s.cpu_usage_ns);
    }
  json_obj_close (g);
  json_obj_close (g);
  json_key (g, "memory");
  json_obj_open (g);
  json_key (g, "usage");
  json_obj_open (g);
  if (s.has_memory_usage)
    {
      json_key (g, "usage");
      json_uint (g, s.memory_usage);
    }
  if (s.has_memory_limit)
    {
      json_key (g, "limit");
      json_uint (g, s.memory_limit);
    }
  json_obj_close (g);
  json_obj_close (g);
  json_key (g, "pids");
  json_obj_open (g);
  if (s.has_pids_current)
    {
      json_key (g, "current");
      json_uint (g, s.pids_current);
    }
  if (s.has_pids_limit)
    {
      json_key (g, "limit");
      json_uint (g, s.pids_limit);
    }
  json_obj_close (g);
  json_obj_close (g);
  json_obj_close (g);
  _cleanup_free_ char *text = json_gen_finish (g, NULL);
  printf ("%s\n", text);
  fflush (stdout);
  return 0;
}

int
cmd_events (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "stats", no_argument, NULL, 's' },
    { "interval", required_argument, NULL, 'i' },
    { NULL, 0, NULL, 0 },
  };
  bool once = false;
  long long interval_ms = 5000;
  int c;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":", opts, NULL)) != -1)
    {
      if (c == 's')
        once = true;
      else if (c == 'i')
        {
          if (parse_interval (optarg, &interval_ms, err) < 0)
            return -1;
        }
      else
        return cli_option_error ("events", c, argv, err);
    }
  if (cli_args ("events", argc, argv, 1, 1, "events [--stats] [--interval D] ID", err) < 0)
    return -1;
  _cleanup_rt_state_ struct rt_state *st = NULL;
  if (state_load (g->root, argv[optind], &st, err) < 0)
    return -1;
  uint64_t ooms = 0;
  mk_error *ignored = NULL;
  if (!once && cgroup_oom_kills (st->cgroup_path, &ooms, &ignored) < 0)
    mk_error_free (&ignored);
  for (;;)
    {
      bool stopped = state_status (g->root, st) == RT_STOPPED;
      uint64_t now = 0;
      if (!once && cgroup_oom_kills (st->cgroup_path, &now, &ignored) == 0 && now > ooms)
        {
          printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", st->id);
          fflush (stdout);
          ooms = now;
        }
      mk_error_free (&ignored);
      if (stopped)
        return once ? mk_error_set (err, 0, "container not running") : 0;
      if (print_stats (st, err) < 0)
        return -1;
      if (once)
        return 0;
      struct timespec ts = { .tv_sec = interval_ms / 1000,
                             .tv_nsec = (interval_ms % 1000) * 1000000L };
      while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
        ;
    }
}
