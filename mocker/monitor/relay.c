/* The monitor's I/O loop: container output to the json-file log (and to the
 * caller's stdout/stderr when attached, and to the clients of the attach
 * socket, attach.c), the caller's and the clients' input to the pty or the
 * stdin pipe, window-size changes, and reaping (the monitor is a subreaper). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/attach_proto.h"
#include "mocker/monitor/monitor.h"

#define LINE_MAX_BYTES 16384  /* Docker splits longer lines the same way */

struct stream
{
  int fd;
  const char *name;
  int type; /* ATTACH_STDOUT / ATTACH_STDERR */
  int out;  /* the caller's fd to copy to, -1 = none */
  char line[LINE_MAX_BYTES];
  size_t len;
};

static void
write_all (int *fd, const char *p, size_t n)
{
  while (*fd >= 0 && n > 0)
    {
      ssize_t w = write (*fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          *fd = -1; /* the caller went away: keep logging only */
          return;
        }
      p += w;
      n -= (size_t) w;
    }
}

static void
stream_flush (struct monitor *m, struct stream *s)
{
  if (s->len)
    mon_log_write (m->log_fd, s->name, s->line, s->len);
  s->len = 0;
}

static void
stream_feed (struct monitor *m, struct stream *s, const char *p, size_t n)
{
  write_all (&s->out, p, n);
  mon_attach_output (m, s->type, p, n);
  for (size_t i = 0; i < n; i++)
    {
      s->line[s->len++] = p[i];
      if (p[i] == '\n' || s->len == sizeof s->line)
        stream_flush (m, s);
    }
}

/* Reads what is there; false at end of stream (EOF, or EIO from a pty
 * master whose slave side is closed). */
static bool
stream_read (struct monitor *m, struct stream *s)
{
  char buf[ATTACH_OUTPUT_FRAME_MAX]; /* one read, one frame to attach clients */
  ssize_t n = read (s->fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    {
      stream_flush (m, s);
      close (s->fd);
      s->fd = -1;
      return false;
    }
  stream_feed (m, s, buf, (size_t) n);
  /* A terminal's output is interactive (prompts end without a newline):
   * what was read is logged now. */
  if (m->tty)
    stream_flush (m, s);
  return true;
}

static void
apply_window_size (struct monitor *m)
{
  struct winsize ws;
  if (m->master_fd >= 0 && ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl (m->master_fd, TIOCSWINSZ, &ws);
}

static void
handle_sync (struct monitor *m)
{
  char msg[MON_MSG_MAX];
  ssize_t n = recv (m->sync_fd, msg, sizeof msg - 1, MSG_DONTWAIT);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      close (m->sync_fd);
      m->sync_fd = -1;
      return;
    }
  msg[n] = '\0';
  if (strcmp (msg, "resize") == 0)
    apply_window_size (m);
}

/* The caller's input (run -it) to the pty, through the sink that attach
 * clients share: read only when it has room. */
static void
copy_stdin (struct monitor *m, int *in)
{
  char buf[4096];
  size_t room = mon_stdin_room (m);
  ssize_t n = read (*in, buf, room < sizeof buf ? room : sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0)
    {
      *in = -1;
      return;
    }
  mon_stdin_push (m, buf, (size_t) n);
}

int
mon_relay (struct monitor *m)
{
  struct stream streams[2];
  size_t ns = 0;
  if (m->tty)
    streams[ns++] = (struct stream) { .fd = m->master_fd, .name = "stdout",
                                      .type = ATTACH_STDOUT,
                                      .out = m->attach ? STDOUT_FILENO : -1 };
  else
    {
      streams[ns++] = (struct stream) { .fd = m->out_fd, .name = "stdout",
                                        .type = ATTACH_STDOUT,
                                        .out = m->attach ? STDOUT_FILENO : -1 };
      streams[ns++] = (struct stream) { .fd = m->err_fd, .name = "stderr",
                                        .type = ATTACH_STDERR,
                                        .out = m->attach ? STDERR_FILENO : -1 };
    }
  int in = m->tty && m->stdin_open ? STDIN_FILENO : -1;
  /* Input is written without blocking (attach.c's sink): a container that
   * does not read cannot stall the monitor. */
  if (m->master_fd >= 0)
    fcntl (m->master_fd, F_SETFL, fcntl (m->master_fd, F_GETFL) | O_NONBLOCK);
  m->running = true;

  sigset_t chld;
  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  int sfd = signalfd (-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

  int status = 0;
  bool exited = false;
  for (;;)
    {
      /* Reap first: SIGCHLD may have arrived before the signalfd existed. */
      int st;
      pid_t p;
      while ((p = waitpid (-1, &st, WNOHANG)) > 0)
        if (p == m->pid)
          {
            status = st;
            exited = true;
            m->running = false;
          }
      bool open_streams = false;
      for (size_t i = 0; i < ns; i++)
        open_streams |= streams[i].fd >= 0;
      if (exited && !open_streams)
        break;

      struct pollfd pfd[8 + MON_ATTACH_POLLFDS];
      int idx[8]; /* of the first 8: the streams, the signalfd, sync, stdin */
      nfds_t n = 0;
      for (size_t i = 0; i < ns; i++)
        if (streams[i].fd >= 0)
          {
            pfd[n] = (struct pollfd) { .fd = streams[i].fd, .events = POLLIN };
            idx[n++] = (int) i;
          }
      if (sfd >= 0)
        {
          pfd[n] = (struct pollfd) { .fd = sfd, .events = POLLIN };
          idx[n++] = 10;
        }
      if (m->sync_fd >= 0)
        {
          pfd[n] = (struct pollfd) { .fd = m->sync_fd, .events = POLLIN };
          idx[n++] = 11;
        }
      if (in >= 0 && mon_stdin_room (m) > 0)
        {
          pfd[n] = (struct pollfd) { .fd = in, .events = POLLIN };
          idx[n++] = 12;
        }
      nfds_t first_attach = n;
      n += mon_attach_poll (m, pfd + n, ARRAY_SIZE (pfd) - n);
      /* Once the init is gone its namespace's processes are too; output
       * still held open by an escaped process is not waited for long. */
      int r = poll (pfd, n, exited ? 2000 : (sfd >= 0 ? -1 : 200));
      if (r < 0 && errno == EINTR)
        continue;
      if (r == 0 && exited)
        break;
      mon_attach_events (m, pfd + first_attach, n - first_attach);
      for (nfds_t k = 0; k < first_attach; k++)
        {
          if (pfd[k].revents == 0)
            continue;
          if (idx[k] < 10)
            stream_read (m, &streams[idx[k]]);
          else if (idx[k] == 10)
            {
              struct signalfd_siginfo si;
              while (read (sfd, &si, sizeof si) > 0)
                ;
            }
          else if (idx[k] == 11)
            handle_sync (m);
          else
            copy_stdin (m, &in);
        }
    }
  for (size_t i = 0; i < ns; i++)
    if (streams[i].fd >= 0)
      {
        stream_flush (m, &streams[i]);
        close (streams[i].fd);
      }
  if (m->tty)
    m->master_fd = -1;
  else
    m->out_fd = m->err_fd = -1;
  if (sfd >= 0)
    close (sfd);
  return status;
}
