/* --restart: the monitor starts its container again after it exited
 * (docs/containers.md, "Restart policies").  The same bundle and overlay
 * are reused: `mocker-runtime delete`, Docker's back-off (100 ms doubling,
 * reset after a run of 10 s), then under the container's lock: `create`,
 * `mocker _rewire ID PID` (the network, as `run` wires it), `start`, and
 * state.json with RestartCount.  A `stop`/`kill`/`rm -f` leaves the
 * manual-stop file first: no restart then. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/container/events.h"
#include "mocker/container/restart.h"
#include "mocker/container/state.h"
#include "mocker/monitor/monitor.h"

static bool
manual_stop (const struct monitor *m)
{
  _cleanup_free_ char *p = path_join (m->dir, CTR_MANUAL_STOP_FILE);
  return access (p, F_OK) == 0;
}

/* The caller of an attached run got the first exit; from now on the
 * output goes to the log only, and nothing of the caller is kept open. */
static void
detach_caller (struct monitor *m)
{
  if (m->sync_fd >= 0)
    close (m->sync_fd);
  m->sync_fd = -1;
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; null >= 0 && fd < 3; fd++)
    dup2 (null, fd);
  if (null > 2)
    close (null);
  m->attach = m->stdin_open = false;
}

/* `mocker --root STORE _rewire ID PID`; the address it prints goes to ip. */
static int
rewire (const struct monitor *m, char *ip, size_t size)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return -1;
  char pid[16];
  snprintf (pid, sizeof pid, "%d", (int) m->pid);
  pid_t child = fork ();
  if (child == 0)
    {
      dup2 (p[1], 1);
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      signal (SIGPIPE, SIG_DFL);
      execl (m->mocker, m->mocker, "--root", m->store, "_rewire", m->id, pid, (char *) NULL);
      _exit (127);
    }
  close (p[1]);
  size_t len = 0;
  ssize_t n;
  while (child > 0 && len < size - 1 && (n = read (p[0], ip + len, size - 1 - len)) > 0)
    len += (size_t) n;
  ip[len] = '\0';
  while (len > 0 && ip[len - 1] == '\n')
    ip[--len] = '\0';
  close (p[0]);
  int st = 0;
  if (child < 0 || waitpid (child, &st, 0) < 0)
    return -1;
  return WIFEXITED (st) && WEXITSTATUS (st) == 0 ? 0 : -1;
}

static void
runtime_delete (const struct monitor *m)
{
  char *del[] = { (char *) "delete", (char *) "--force", (char *) m->id, NULL };
  mon_runtime (m, -1, -1, -1, del);
}

int
mon_restart (struct monitor *m, struct ctr_state *st, long ran_ms)
{
  static int backoff;
  struct ctr_restart policy;
  if (ctr_restart_parse (m->restart, &policy) < 0
      || !ctr_restart_due (&policy, st->exit_code, st->restart_count, manual_stop (m)))
    return -1;
  if (ran_ms >= 10000)
    backoff = 0;
  st->restarting = true;
  ctr_state_write (m->dir, st, NULL);
  detach_caller (m);
  runtime_delete (m);

  long delay = ctr_restart_delay_ms (backoff++);
  _cleanup_free_ char *lock_path = path_join (m->dir, "lock");
  int lock = -1;
  for (long waited = 0;; waited += 50)
    {
      if (manual_stop (m))
        goto not_restarted;
      /* Not blocking: a `stop` holding the lock waits for us to end. */
      if (waited >= delay && (lock = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
        {
          if (flock (lock, LOCK_EX | LOCK_NB) == 0)
            break;
          close (lock);
          lock = -1;
        }
      usleep (50000);
    }
  if (manual_stop (m))
    goto not_restarted;

  char msg[MON_MSG_MAX];
  int rc = mon_create (m, m->stdin_r, msg, sizeof msg);
  if (rc == 0 && rewire (m, st->ip, sizeof st->ip) < 0)
    rc = 125, snprintf (msg, sizeof msg, "restart: mocker _rewire failed");
  if (rc != 0)
    {
      snprintf (st->error, sizeof st->error, "%.500s", msg);
      runtime_delete (m);
      goto not_restarted;
    }
  mon_attach_listen (m); /* before the state says running (main.c) */
  st->status = CTR_RUNNING;
  st->pid = m->pid;
  st->pid_start = proc_start_time (m->pid);
  st->restart_count++;
  st->restarting = false;
  st->oom_killed = false;
  st->error[0] = '\0';
  ctr_time_now (st->started_at, sizeof st->started_at);
  ctr_state_write (m->dir, st, NULL);
  char *start[] = { (char *) "start", (char *) m->id, NULL };
  if (mon_runtime (m, -1, -1, -1, start) != 0)
    {
      runtime_delete (m);
      st->status = CTR_EXITED;
      st->exit_code = 125;
      snprintf (st->error, sizeof st->error, "restart: mocker-runtime start failed");
      goto not_restarted;
    }
  close (lock);
  ctr_event (m->store, m->id, m->dir, "start", NULL);
  return 0;

not_restarted:
  st->restarting = false;
  ctr_state_write (m->dir, st, NULL);
  if (lock >= 0)
    close (lock);
  return -1;
}
