/* mocker-monitor: one per container, started by `mocker run` / `mocker
 * start` (docs/containers.md).  It becomes a session leader and child
 * subreaper, runs `mocker-runtime create` with the container's stdout and
 * stderr as pipes (or a pty received on the console socket), reports the
 * pid so mocker can wire the network, runs `start` when told, writes the
 * json-file log, records the exit, then tears down: itself (runtime delete,
 * unmount, --rm) or, with a bridge network, by exec'ing `mocker _cleanup
 * ID`, which needs the big libraries for network_detach.
 *
 *   mocker-monitor --id ID --dir DIR --runtime BIN --runtime-root DIR
 *                  --mocker BIN --store ROOT [--attach] [--stdin] [--tty]
 *                  [--open-stdin] [--bridge] [--rm --name NAME] [--restart POLICY]
 *
 * fd 3 is the SOCK_SEQPACKET socket to mocker (see monitor.h).  The flock
 * on DIR/monitor.lock is held from the start until the teardown is done:
 * `mocker rm`/`stop` wait for it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/events.h"
#include "mocker/container/remove.h"
#include "mocker/container/state.h"
#include "mocker/monitor/monitor.h"

#define SYNC_FD 3

void
mon_send (struct monitor *m, const char *fmt, ...)
{
  if (m->sync_fd < 0)
    return;
  char msg[MON_MSG_MAX];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if ((size_t) n >= sizeof msg)
    n = sizeof msg - 1;
  if (send (m->sync_fd, msg, (size_t) n, MSG_NOSIGNAL) < 0)
    {
      close (m->sync_fd);
      m->sync_fd = -1;
    }
}

/* Waits for one message from mocker; NULL on EOF (mocker went away). */
static char *
mon_recv (struct monitor *m, char *buf, size_t size)
{
  if (m->sync_fd < 0)
    return NULL;
  ssize_t n;
  do
    n = recv (m->sync_fd, buf, size - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  return buf;
}

static void
set_cloexec (int fd, bool on)
{
  int f = fcntl (fd, F_GETFD);
  if (f >= 0)
    fcntl (fd, F_SETFD, on ? f | FD_CLOEXEC : f & ~FD_CLOEXEC);
}

pid_t
mon_runtime_spawn (const struct monitor *m, int in, int out, int errfd, char *const args[])
{
  size_t n = 0;
  while (args[n])
    n++;
  char **argv = xzalloc ((n + 4) * sizeof *argv);
  argv[0] = (char *) m->runtime;
  argv[1] = (char *) "--root";
  argv[2] = (char *) m->runtime_root;
  for (size_t i = 0; i < n; i++)
    argv[3 + i] = args[i];
  pid_t pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      int fds[3] = { in >= 0 ? in : null, out >= 0 ? out : null, errfd >= 0 ? errfd : null };
      /* Move the sources out of 0..2 first so the dup2s cannot clobber them. */
      for (int i = 0; i < 3; i++)
        {
          int d = fcntl (fds[i], F_DUPFD_CLOEXEC, 10);
          if (d >= 0)
            fds[i] = d;
        }
      for (int i = 0; i < 3; i++)
        dup2 (fds[i], i);
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      signal (SIGPIPE, SIG_DFL);
      execv (argv[0], argv);
      dprintf (2, "mocker-monitor: exec `%s`: %s\n", argv[0], strerror (errno));
      _exit (127);
    }
  free (argv);
  return pid;
}

int
mon_runtime (const struct monitor *m, int in, int out, int errfd, char *const args[])
{
  pid_t pid = mon_runtime_spawn (m, in, out, errfd, args);
  if (pid < 0)
    return -1;
  int st;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

/* Everything readable now on a non-blocking fd, as a trimmed string. */
static void
drain (int fd, char *buf, size_t size)
{
  size_t len = 0;
  ssize_t n;
  char scratch[4096];
  while ((n = read (fd, scratch, sizeof scratch)) > 0)
    {
      size_t take = (size_t) n < size - 1 - len ? (size_t) n : size - 1 - len;
      memcpy (buf + len, scratch, take);
      len += take;
    }
  buf[len] = '\0';
  while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
    buf[--len] = '\0';
}

/* Docker's codes for a container that could not start. */
static int
exit_code_for_error (const char *msg)
{
  if (strstr (msg, "executable file not found") || strstr (msg, "No such file or directory")
      || strstr (msg, "no such file or directory"))
    return 127;
  if (strstr (msg, "Permission denied") || strstr (msg, "permission denied")
      || strstr (msg, "Is a directory") || strstr (msg, "Exec format error"))
    return 126;
  return 125;
}

/* The pty master from the runtime, over the console socket (SCM_RIGHTS). */
static int
receive_master (int conn)
{
  char payload[256];
  char ctl[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = payload, .iov_len = sizeof payload };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
                       .msg_controllen = sizeof ctl };
  ssize_t n;
  do
    n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        int fd;
        memcpy (&fd, CMSG_DATA (c), sizeof fd);
        return fd;
      }
  return -1;
}

/* Runs `create`; with a tty, accepts the console connection meanwhile.
 * Returns the runtime's exit status. */
static int
run_create (struct monitor *m, int in, int out, int errfd)
{
  _cleanup_free_ char *bundle = path_join (m->dir, "bundle");
  _cleanup_free_ char *pidfile = path_join (m->dir, "init.pid");
  unlink (pidfile);
  int lsock = -1;
  /* Absolute (runc resolves it after moving to the bundle), short enough
   * for sun_path; a deep store gets one in /tmp. */
  char sock_name[108];
  if ((size_t) snprintf (sock_name, sizeof sock_name, "%s/console.sock", m->dir)
      >= sizeof sock_name)
    snprintf (sock_name, sizeof sock_name, "/tmp/mocker-console-%d.sock", (int) getpid ());
  if (m->tty)
    {
      unlink (sock_name);
      lsock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      struct sockaddr_un sa = { .sun_family = AF_UNIX };
      snprintf (sa.sun_path, sizeof sa.sun_path, "%s", sock_name);
      if (lsock < 0 || bind (lsock, (struct sockaddr *) &sa, sizeof sa) < 0
          || listen (lsock, 1) < 0)
        return -1;
    }
  char *create[] = { (char *) "create", (char *) "--bundle", bundle, (char *) "--pid-file",
                     pidfile, m->tty ? (char *) "--console-socket" : (char *) m->id,
                     m->tty ? sock_name : NULL, m->tty ? (char *) m->id : NULL, NULL };
  pid_t pid = mon_runtime_spawn (m, in, out, errfd, create);
  if (pid < 0)
    return -1;
  int st = 0;
  for (;;)
    {
      pid_t r = waitpid (pid, &st, lsock >= 0 ? WNOHANG : 0);
      if (r == pid)
        break;
      if (r < 0 && errno != EINTR)
        return -1;
      if (lsock >= 0)
        {
          struct pollfd p = { .fd = lsock, .events = POLLIN };
          if (poll (&p, 1, 50) > 0)
            {
              int conn = accept4 (lsock, NULL, NULL, SOCK_CLOEXEC);
              if (conn >= 0)
                {
                  m->master_fd = receive_master (conn);
                  close (conn);
                }
            }
        }
    }
  if (lsock >= 0)
    {
      close (lsock);
      unlink (sock_name);
    }
  return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

static bool
read_oom_kill (const char *path)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ mk_error *err = NULL;
  if (read_file (path, &text, NULL, &err) < 0)
    return false;
  const char *p = strstr (text, "oom_kill ");
  return p && strtoull (p + 9, NULL, 10) > 0;
}

/* Was the container OOM-killed?  Read from its memory cgroup (v2
 * memory.events, v1 memory.oom_control) before `delete` removes it. */
static bool
oom_killed (const struct monitor *m)
{
  char cg[300], p[512];
  snprintf (cg, sizeof cg, CTR_CGROUP_FMT, m->id);
  snprintf (p, sizeof p, "/sys/fs/cgroup%s/memory.events", cg);
  if (read_oom_kill (p))
    return true;
  snprintf (p, sizeof p, "/sys/fs/cgroup/memory%s/memory.oom_control", cg);
  return read_oom_kill (p);
}

/* The teardown.  Without a bridge network it needs no big library: the
 * runtime's delete, the unmount and, for --rm, the removal are done here.
 * With one, mocker is exec'd (`_cleanup`) for network_detach too.  The lock
 * and the socket stay open until the end (across the exec), so `mocker rm`
 * and an attached `mocker run` see when it is done. */
static void __attribute__ ((noreturn))
teardown (struct monitor *m, int lock_fd)
{
  mon_attach_close (m, 0); /* the socket, if a failed start left it */
  if (!m->bridge)
    {
      if (m->log_fd >= 0)
        close (m->log_fd);
      char *del[] = { (char *) "delete", (char *) "--force", (char *) m->id, NULL };
      mon_runtime (m, -1, -1, -1, del);
      ctr_umount_rootfs (m->dir);
      if (m->auto_remove && chdir ("/") == 0)
        {
          _cleanup_free_ char *base = xstrdup (m->dir);
          char *slash = strrchr (base, '/');
          if (slash)
            *slash = '\0';
          _cleanup_error_ mk_error *err = NULL;
          /* The name now, not at the start: `mocker rename` may have changed it. */
          _cleanup_free_ char *rec_path = path_join (m->dir, "container.json");
          _cleanup_json_ yajl_val rec = NULL;
          _cleanup_error_ mk_error *rec_err = NULL;
          const char *name = json_parse_file (rec_path, &rec, &rec_err) == 0
                                 && json_get_str (rec, "name") ? json_get_str (rec, "name")
                                                               : m->name;
          _cleanup_free_ char *trash = ctr_trash_dir (base, m->id, name, &err);
          /* The container is gone from every listing: waiters are released
           * before the files are deleted. */
          if (lock_fd >= 0)
            close (lock_fd);
          if (m->sync_fd >= 0)
            close (m->sync_fd);
          if (trash && rm_rf_one_fs (trash, &err) < 0)
            dprintf (2, "mocker-monitor: %s\n", err->msg);
          else if (err)
            dprintf (2, "mocker-monitor: %s\n", err->msg);
        }
      _exit (0);
    }
  if (lock_fd >= 0)
    set_cloexec (lock_fd, false);
  if (m->sync_fd >= 0)
    set_cloexec (m->sync_fd, false);
  if (m->log_fd >= 0)
    close (m->log_fd);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execl (m->mocker, m->mocker, "--root", m->store, "_cleanup", m->id, (char *) NULL);
  _exit (1);
}

int
mon_create (struct monitor *m, int in, char *msg, size_t size)
{
  int outp[2] = { -1, -1 }, errp[2];
  if (pipe2 (errp, O_CLOEXEC) < 0 || (!m->tty && pipe2 (outp, O_CLOEXEC) < 0))
    {
      snprintf (msg, size, "monitor: pipe failed");
      return 125;
    }
  fcntl (errp[0], F_SETFL, O_NONBLOCK);
  int rc = run_create (m, in, m->tty ? -1 : outp[1], errp[1]);
  if (!m->tty)
    close (outp[1]);
  close (errp[1]);
  m->out_fd = outp[0];
  int code = 0;
  _cleanup_free_ char *pidfile = path_join (m->dir, "init.pid");
  _cleanup_free_ char *pidtext = NULL;
  long long pid = 0;
  if (rc != 0)
    {
      drain (errp[0], msg, size);
      const char *text = str_has_prefix (msg, "mocker-runtime: ") ? msg + 16 : msg;
      if (!*text)
        text = "mocker-runtime create failed";
      code = exit_code_for_error (text);
      memmove (msg, text, strlen (text) + 1);
    }
  else if (m->tty && m->master_fd < 0)
    code = 125, snprintf (msg, size, "no terminal received on the console socket");
  else if (read_file (pidfile, &pidtext, NULL, NULL) < 0 || !parse_int64 (pidtext, &pid)
           || pid <= 0)
    code = 125, snprintf (msg, size, "mocker-runtime create wrote no pid file");
  if (code != 0)
    {
      close (errp[0]);
      if (m->out_fd >= 0)
        close (m->out_fd);
      m->out_fd = -1;
      return code;
    }
  m->pid = (pid_t) pid;
  /* The runtime's own chatter during create is not the container's output. */
  drain (errp[0], msg, size);
  fcntl (errp[0], F_SETFL, 0);
  m->err_fd = m->tty ? (close (errp[0]), -1) : errp[0];
  return 0;
}

/* Docker's events of an exit: oom (the OOM killer), then die. */
static void
mon_event_exit (const struct monitor *m, const struct ctr_state *st, long ran_ms)
{
  if (st->oom_killed)
    ctr_event (m->store, m->id, m->dir, "oom", NULL);
  char code[16], secs[24];
  snprintf (code, sizeof code, "%d", st->exit_code);
  snprintf (secs, sizeof secs, "%ld", ran_ms / 1000);
  const char *const attrs[] = { "execDuration", secs, "exitCode", code, NULL };
  ctr_event (m->store, m->id, m->dir, "die", attrs);
}

static int
fail (struct monitor *m, struct ctr_state *st, int lock_fd, int code, const char *msg)
{
  st->status = CTR_CREATED;
  st->exit_code = code;
  snprintf (st->error, sizeof st->error, "%s", msg);
  ctr_state_write (m->dir, st, NULL);
  mon_send (m, "error %d %s", code, msg);
  /* Remains of a half create (its state dir, cgroup) go now. */
  char *del[] = { (char *) "delete", (char *) "--force", (char *) m->id, NULL };
  mon_runtime (m, -1, -1, -1, del);
  teardown (m, lock_fd);
}

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "id", required_argument, NULL, 'i' },          { "dir", required_argument, NULL, 'd' },
    { "runtime", required_argument, NULL, 'r' },     { "runtime-root", required_argument, NULL, 'R' },
    { "mocker", required_argument, NULL, 'm' },      { "store", required_argument, NULL, 's' },
    { "attach", no_argument, NULL, 'a' },            { "stdin", no_argument, NULL, 'I' },
    { "tty", no_argument, NULL, 't' },               { "bridge", no_argument, NULL, 'b' },
    { "rm", no_argument, NULL, 'x' },                { "name", required_argument, NULL, 'n' },
    { "restart", required_argument, NULL, 'P' },
    { "open-stdin", no_argument, NULL, 'O' },
    { NULL, 0, NULL, 0 },
  };
  struct monitor m = { .sync_fd = SYNC_FD, .log_fd = -1, .master_fd = -1, .out_fd = -1,
                       .err_fd = -1, .stdin_r = -1, .stdin_w = -1 };
  int c;
  while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1)
    switch (c)
      {
      case 'i': m.id = optarg; break;
      case 'd': m.dir = optarg; break;
      case 'r': m.runtime = optarg; break;
      case 'R': m.runtime_root = optarg; break;
      case 'm': m.mocker = optarg; break;
      case 's': m.store = optarg; break;
      case 'a': m.attach = true; break;
      case 'I': m.stdin_open = true; break;
      case 't': m.tty = true; break;
      case 'b': m.bridge = true; break;
      case 'x': m.auto_remove = true; break;
      case 'n': m.name = optarg; break;
      case 'P': m.restart = optarg; break;
      case 'O': m.open_stdin = true; break;
      default: return 2;
      }
  if (!m.id || !m.dir || !m.runtime || !m.runtime_root || !m.mocker || !m.store)
    {
      fprintf (stderr, "mocker-monitor: internal program of mocker, not for direct use\n");
      return 2;
    }
  set_cloexec (SYNC_FD, true);
  signal (SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  sigprocmask (SIG_BLOCK, &chld, NULL);
  setsid ();
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  if (chdir (m.dir) < 0)
    return 1;

  struct ctr_state st = { .status = CTR_CREATED, .monitor_pid = getpid () };
  _cleanup_free_ char *lock_path_ = path_join (m.dir, "monitor.lock");
  int lock_fd = open (lock_path_, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock (lock_fd, LOCK_EX | LOCK_NB) < 0)
    {
      mon_send (&m, "error 125 container %s already has a monitor", m.id);
      return 1;
    }
  _cleanup_free_ char *log_path = path_join (m.dir, "container.log");
  m.log_fd = open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  char msg[MON_MSG_MAX];
  int in = m.stdin_open && !m.tty ? STDIN_FILENO : -1;
  /* -i without the caller's stdin (run -di, start): the container's stdin
   * is a pipe the monitor keeps, fed by `mocker attach` clients. */
  int sp[2];
  if (m.open_stdin && !m.tty && in < 0 && pipe2 (sp, O_CLOEXEC) == 0)
    {
      m.stdin_r = in = sp[0];
      m.stdin_w = sp[1];
      fcntl (m.stdin_w, F_SETFL, O_NONBLOCK);
    }
  int rc = mon_create (&m, in, msg, sizeof msg);
  if (rc != 0)
    return fail (&m, &st, lock_fd, rc, msg);
  st.pid = m.pid;
  st.pid_start = proc_start_time (m.pid);

  mon_send (&m, "created %d", m.pid);
  char *cmd = mon_recv (&m, msg, sizeof msg);
  if (cmd == NULL || !str_has_prefix (cmd, "start"))
    {
      char *del[] = { (char *) "delete", (char *) "--force", (char *) m.id, NULL };
      mon_runtime (&m, -1, -1, -1, del);
      st.status = CTR_CREATED;
      snprintf (st.error, sizeof st.error, "start aborted");
      ctr_state_write (m.dir, &st, NULL);
      teardown (&m, lock_fd);
    }
  if (cmd[5] == ' ' && strcmp (cmd + 6, "-") != 0)
    snprintf (st.ip, sizeof st.ip, "%.15s", cmd + 6);

  /* Recorded as running before start, so the container is never running
   * unrecorded; the start time is the exec's.  The attach socket is there
   * before either: `run -d` then `attach` finds it. */
  mon_attach_listen (&m);
  st.status = CTR_RUNNING;
  ctr_time_now (st.started_at, sizeof st.started_at);
  ctr_state_write (m.dir, &st, NULL);
  char *start[] = { (char *) "start", (char *) m.id, NULL };
  rc = mon_runtime (&m, -1, -1, -1, start);
  if (rc != 0)
    {
      char *del[] = { (char *) "delete", (char *) "--force", (char *) m.id, NULL };
      mon_runtime (&m, -1, -1, -1, del);
      return fail (&m, &st, lock_fd, 125, "mocker-runtime start failed");
    }
  /* recorded before run/start return: their later events come after it */
  ctr_event (m.store, m.id, m.dir, "start", NULL);
  mon_send (&m, "started");
  int health_ctl;
  pid_t health = mon_health_start (&m, &health_ctl);

  for (;;)
    {
      struct timespec t0, t1;
      clock_gettime (CLOCK_MONOTONIC, &t0);
      int ws = mon_relay (&m);
      clock_gettime (CLOCK_MONOTONIC, &t1);
      if (health > 0)
        {
          close (health_ctl); /* the checker stops (and kills a check under way) */
          waitpid (health, NULL, 0);
          health = -1;
        }
      st.status = CTR_EXITED;
      st.exit_code = WIFEXITED (ws) ? WEXITSTATUS (ws) : 128 + WTERMSIG (ws);
      st.oom_killed = oom_killed (&m);
      ctr_time_now (st.finished_at, sizeof st.finished_at);
      ctr_state_write (m.dir, &st, NULL);
      long ran_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
      mon_event_exit (&m, &st, ran_ms); /* before an attached caller goes on */
      mon_send (&m, "exited %d", st.exit_code);
      mon_attach_close (&m, st.exit_code);
      if (!m.restart || mon_restart (&m, &st, ran_ms) < 0)
        teardown (&m, lock_fd);
      /* Restarted: its health is checked anew. */
      health = mon_health_start (&m, &health_ctl);
    }
}
