/* Small operations on a container shared by stop, kill, rm and start. */
#include <limits.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common/json.h"
#include "common/fs.h"
#include "common/lock.h"
#include "common/util.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/container.h"
#include "mocker/container/events.h"
#include "mocker/container/status.h"
#include "mocker/store/store.h"

void
ctr_reload_state (struct container *c)
{
  _cleanup_error_ mk_error *e = NULL;
  c->has_state = ctr_state_read (c->dir, &c->state, &e) == 0;
}

int
ctr_signal (struct store *s, const struct container *c, int sig, mk_error **err)
{
  char num[16];
  snprintf (num, sizeof num, "%d", sig);
  char *args[] = { (char *) "kill", c->id, num, NULL };
  _cleanup_free_ char *text = NULL;
  /* the monitor's die waits for the lock: kill is recorded first */
  _cleanup_close_ int events = ctr_events_lock (store_root (s));
  int r = ctr_runtime_call (s, args, &text);
  if (r != 0)
    return mk_error_set (err, 0, "container %.12s: mocker-runtime kill: %s", c->id,
                         text && *text ? text : "failed");
  const char *const attrs[] = { "signal", num, NULL };
  ctr_event_locked (events, store_root (s), c->id, c->dir, "kill", attrs);
  /* A paused container gets the signal once thawed (Docker's stop and kill
   * of a paused container). */
  if (ctr_paused (c))
    {
      char *resume[] = { (char *) "resume", c->id, NULL };
      _cleanup_free_ char *t2 = NULL;
      ctr_runtime_call (s, resume, &t2);
    }
  return 0;
}

bool
ctr_wait_gone (const struct container *c, int timeout_ms)
{
  struct timespec start;
  clock_gettime (CLOCK_MONOTONIC, &start);
  for (;;)
    {
      if (c->state.pid <= 0 || proc_start_time (c->state.pid) != c->state.pid_start)
        return true;
      struct timespec now;
      clock_gettime (CLOCK_MONOTONIC, &now);
      long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
      if (timeout_ms >= 0 && ms >= timeout_ms)
        return false;
      usleep (10000);
    }
}

int
ctr_lock (const struct container *c, mk_error **err)
{
  _cleanup_free_ char *p = path_join (c->dir, "lock");
  return lock_path (p, true, err);
}

int
ctr_each (struct store *s, char *const *refs, int n, ctr_each_fn fn, const void *arg)
{
  int failed = 0;
  for (int i = 0; i < n; i++)
    {
      _cleanup_error_ mk_error *e = NULL;
      if (fn (s, refs[i], arg, &e) < 0)
        {
          fflush (stdout);
          fprintf (stderr, "mocker: %s\n", e && e->msg ? e->msg : "failed");
          failed = 1;
          continue;
        }
      printf ("%s\n", refs[i]);
      fflush (stdout);
    }
  return failed;
}

int
ctr_stop (struct store *s, struct container *c, long long timeout_s)
{
  if (timeout_s == CTR_STOP_TIMEOUT_DEFAULT)
    {
      yajl_val own = json_get (json_get (c->record, "config"), "StopTimeout");
      timeout_s = own && YAJL_IS_INTEGER (own) ? YAJL_GET_INTEGER (own) : 10;
    }
  if (timeout_s > INT_MAX / 1000)
    timeout_s = -1; /* longer than an int of milliseconds: as good as never */
  /* No restart (--restart) after this, until `start`. */
  ctr_set_manual_stop (c, true);
  ctr_reload_state (c);
  if (ctr_live_status (c) != LIVE_RUNNING)
    {
      /* A monitor waiting to restart it (--restart) sees the file and ends. */
      if (c->state.status == CTR_EXITED)
        ctr_monitor_wait (c);
      return 0; /* as Docker: stopping a stopped container succeeds */
    }
  const char *name = ctr_str (c, "config", "StopSignal");
  int sig = name ? ctr_parse_signal (name) : SIGTERM;
  if (sig < 0)
    sig = SIGTERM;
  _cleanup_error_ mk_error *e = NULL;
  if (ctr_signal (s, c, sig, &e) < 0
      || !ctr_wait_gone (c, timeout_s < 0 ? -1 : (int) (timeout_s * 1000)))
    {
      _cleanup_error_ mk_error *e2 = NULL;
      ctr_signal (s, c, SIGKILL, &e2);
      ctr_wait_gone (c, -1);
    }
  ctr_monitor_wait (c);
  ctr_event (store_root (s), c->id, c->dir, "stop", NULL);
  return 0;
}
