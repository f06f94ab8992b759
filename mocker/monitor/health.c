/* Health checks (--health-cmd, an image's HEALTHCHECK): the record's
 * config.Healthcheck run by a child of the monitor, as Docker's daemon does:
 * every Interval `mocker-runtime exec` of the Test (CMD-SHELL: /bin/sh -c),
 * killed after Timeout; exit 0 makes the container healthy, anything else
 * adds to the failing streak (not while still starting within StartPeriod)
 * and Retries failures in a row make it unhealthy.  The result goes to
 * health.json in the container directory, in Docker's State.Health shape
 * (Status, FailingStreak, Log: the last 5 checks), which inspect and ps read.
 *
 * The checker exits when the monitor closes its end of the control pipe
 * (the container ended) or dies: no signal to a pid that may be reused. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/events.h"
#include "mocker/container/state.h"
#include "mocker/monitor/monitor.h"

#define LOG_KEEP 5
#define OUTPUT_MAX 4096
#define SEC 1000000000LL

struct check
{
  char start[40], end[40];
  int exit_code;
  char output[OUTPUT_MAX + 1];
};

struct health
{
  char **args;              /* the probe's argv in the container */
  long long interval, timeout, start_period, retries;
  const char *status;       /* "starting", "healthy", "unhealthy" */
  long long streak;
  struct check log[LOG_KEEP];
  size_t n_log;
};

static long long
mono_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * SEC + ts.tv_nsec;
}

static long long
int_or (yajl_val hc, const char *key, long long def)
{
  yajl_val v = json_get (hc, key);
  return v && YAJL_IS_INTEGER (v) && YAJL_GET_INTEGER (v) > 0 ? YAJL_GET_INTEGER (v) : def;
}

/* The record's Healthcheck; false when there is none to run. */
static bool
load_config (const struct monitor *m, struct health *h)
{
  _cleanup_free_ char *path = path_join (m->dir, "container.json");
  _cleanup_json_ yajl_val rec = NULL;
  if (json_parse_file (path, &rec, NULL) < 0)
    return false;
  yajl_val hc = json_get (json_get (rec, "config"), "Healthcheck");
  yajl_val test = json_get (hc, "Test");
  if (test == NULL || !YAJL_IS_ARRAY (test) || test->u.array.len == 0)
    return false;
  const char *kind = YAJL_GET_STRING (test->u.array.values[0]);
  if (kind == NULL)
    return false;
  h->args = xzalloc (sizeof *h->args);
  if (strcmp (kind, "CMD-SHELL") == 0 && test->u.array.len >= 2
      && YAJL_IS_STRING (test->u.array.values[1]))
    {
      strv_push (&h->args, "/bin/sh");
      strv_push (&h->args, "-c");
      strv_push (&h->args, YAJL_GET_STRING (test->u.array.values[1]));
    }
  else if (strcmp (kind, "CMD") == 0)
    for (size_t i = 1; i < test->u.array.len; i++)
      if (YAJL_IS_STRING (test->u.array.values[i]))
        strv_push (&h->args, YAJL_GET_STRING (test->u.array.values[i]));
  if (h->args[0] == NULL) /* NONE, or nothing to run */
    {
      strv_free (h->args);
      h->args = NULL;
      return false;
    }
  h->interval = int_or (hc, "Interval", 30 * SEC);
  h->timeout = int_or (hc, "Timeout", 30 * SEC);
  h->start_period = int_or (hc, "StartPeriod", 0);
  h->retries = int_or (hc, "Retries", 3);
  h->status = "starting";
  return true;
}

static void
save (const struct monitor *m, const struct health *h)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "Status", h->status);
  json_kv_int (g, "FailingStreak", h->streak);
  json_key (g, "Log");
  json_arr_open (g);
  for (size_t i = 0; i < h->n_log; i++)
    {
      json_obj_open (g);
      json_kv_str (g, "Start", h->log[i].start);
      json_kv_str (g, "End", h->log[i].end);
      json_kv_int (g, "ExitCode", h->log[i].exit_code);
      json_kv_str (g, "Output", h->log[i].output);
      json_obj_close (g);
    }
  json_arr_close (g);
  json_obj_close (g);
  _cleanup_free_ char *text = json_gen_finish (g, NULL);
  _cleanup_free_ char *path = path_join (m->dir, "health.json");
  if (text)
    write_file_atomic (path, text, strlen (text), 0600, false, NULL);
}

/* Kills the probe: its process in the container (the pid file), then the
 * runtime's exec. */
static void
kill_probe (const char *pidfile, pid_t runtime)
{
  _cleanup_free_ char *text = NULL;
  long long pid = 0;
  if (read_file (pidfile, &text, NULL, NULL) == 0 && parse_int64 (text, &pid) && pid > 0)
    kill ((pid_t) pid, SIGKILL);
  kill (runtime, SIGKILL);
}

/* Runs one check into c.  Returns false when the control pipe closed. */
static bool
probe (const struct monitor *m, const struct health *h, int ctl, struct check *c)
{
  ctr_time_now (c->start, sizeof c->start);
  c->output[0] = '\0';
  c->exit_code = -1;
  _cleanup_free_ char *pidfile = path_join (m->dir, "health.pid");
  unlink (pidfile);
  int out[2];
  if (pipe2 (out, O_CLOEXEC) < 0)
    return true;
  char **args = xzalloc (sizeof *args);
  strv_push (&args, "exec");
  strv_push (&args, "--pid-file");
  strv_push (&args, pidfile);
  strv_push (&args, m->id);
  for (size_t i = 0; h->args[i]; i++)
    strv_push (&args, h->args[i]);
  pid_t rt = mon_runtime_spawn (m, -1, out[1], out[1], args);
  strv_free (args);
  close (out[1]);
  size_t len = 0;
  bool alive = true, timed_out = false, eof = false;
  int st = 0;
  long long deadline = mono_ns () + h->timeout;
  while (rt > 0)
    {
      if (eof && waitpid (rt, &st, WNOHANG) == rt)
        break;
      long long left = deadline - mono_ns ();
      if (left <= 0)
        {
          timed_out = true;
          kill_probe (pidfile, rt);
          waitpid (rt, &st, 0);
          break;
        }
      struct pollfd p[2] = { { .fd = eof ? -1 : out[0], .events = POLLIN },
                             { .fd = ctl, .events = POLLIN } };
      long long ms = left / 1000000 + 1;
      if (eof && ms > 50)
        ms = 50; /* output closed: the exit is near, poll for it */
      if (poll (p, 2, (int) (ms > 60000 ? 60000 : ms)) < 0 && errno != EINTR)
        break;
      if (p[1].revents)
        {
          kill_probe (pidfile, rt);
          waitpid (rt, &st, 0);
          alive = false;
          break;
        }
      if (p[0].revents)
        {
          char buf[4096];
          ssize_t n = read (out[0], buf, sizeof buf);
          if (n <= 0)
            eof = true;
          else
            {
              size_t take = (size_t) n < OUTPUT_MAX - len ? (size_t) n : OUTPUT_MAX - len;
              memcpy (c->output + len, buf, take);
              len += take;
              c->output[len] = '\0';
            }
        }
    }
  close (out[0]);
  unlink (pidfile);
  ctr_time_now (c->end, sizeof c->end);
  if (timed_out)
    snprintf (c->output, sizeof c->output, "Health check exceeded timeout (%llds)",
              h->timeout / SEC);
  else if (rt > 0)
    c->exit_code = WIFEXITED (st) ? WEXITSTATUS (st) : -1;
  return alive;
}

static void
record (struct health *h, const struct check *c, long long since_start)
{
  if (h->n_log == LOG_KEEP)
    {
      memmove (&h->log[0], &h->log[1], (LOG_KEEP - 1) * sizeof h->log[0]);
      h->n_log--;
    }
  h->log[h->n_log++] = *c;
  if (c->exit_code == 0)
    {
      h->streak = 0;
      h->status = "healthy";
      return;
    }
  /* Failures while still starting, within the start period, do not count. */
  if (strcmp (h->status, "starting") == 0 && since_start < h->start_period)
    return;
  if (++h->streak >= h->retries)
    h->status = "unhealthy";
}

static void __attribute__ ((noreturn))
checker (const struct monitor *m, struct health *h, int ctl)
{
  long long started = mono_ns ();
  for (;;)
    {
      struct pollfd p = { .fd = ctl, .events = POLLIN };
      long long next = mono_ns () + h->interval;
      for (long long left; (left = next - mono_ns ()) > 0;)
        {
          long long ms = left / 1000000 + 1;
          if (poll (&p, 1, (int) (ms > 60000 ? 60000 : ms)) > 0)
            _exit (0);
        }
      struct check c;
      long long t0 = mono_ns ();
      if (!probe (m, h, ctl, &c))
        _exit (0);
      const char *before = h->status;
      record (h, &c, t0 - started);
      save (m, h);
      /* Docker's "health_status: healthy" on each change */
      if (strcmp (before, h->status) != 0)
        {
          char action[40];
          snprintf (action, sizeof action, "health_status: %s", h->status);
          ctr_event (m->store, m->id, m->dir, action, NULL);
        }
    }
}

pid_t
mon_health_start (const struct monitor *m, int *ctl_out)
{
  *ctl_out = -1;
  struct health h = { 0 };
  _cleanup_free_ char *path = path_join (m->dir, "health.json");
  if (!load_config (m, &h))
    {
      unlink (path);
      return -1;
    }
  save (m, &h); /* "starting" from the first instant */
  int ctl[2];
  if (pipe2 (ctl, O_CLOEXEC) < 0)
    return -1;
  pid_t pid = fork ();
  if (pid == 0)
    {
      /* Nothing of the monitor's (its lock, the socket to mocker, the
       * log, the container's streams) stays open here. */
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      for (int i = 0; i < 3 && null >= 0; i++)
        dup2 (null, i);
      int keep = fcntl (ctl[0], F_DUPFD_CLOEXEC, 3);
      for (int fd = 3; fd < 1024; fd++)
        if (fd != keep)
          close (fd);
      checker (m, &h, keep);
    }
  close (ctl[0]);
  strv_free (h.args);
  if (pid < 0)
    {
      close (ctl[1]);
      return -1;
    }
  *ctl_out = ctl[1];
  return pid;
}
