/* The monitor's attach socket (`mocker attach`, docs/containers.md): while
 * the container runs, DIR/attach.sock accepts clients; each gets the
 * container's output as it is read (framed, mocker/container/attach_proto.h)
 * and may send stdin bytes, window sizes and signals.  Clients come and go
 * without the container noticing.  The monitor never blocks on one: a
 * client's output waits in its own queue, and one that lets more than
 * CLIENT_QUEUE_MAX pile up is dropped.  Input goes through one buffer (the
 * "sink") to the pty master or the container's stdin pipe, written without
 * blocking; while it is full no more input is read. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/container/attach_proto.h"
#include "mocker/monitor/monitor.h"

#define CLIENT_QUEUE_MAX (1024 * 1024)
#define SINK_SIZE 65536

struct client
{
  int fd;
  unsigned char *out; /* frames not sent yet */
  size_t out_len, out_cap;
  unsigned char in[ATTACH_HEADER + ATTACH_CLIENT_FRAME_MAX];
  size_t in_len;
  bool in_blocked; /* a stdin frame waits for room in the sink */
};

static int listen_fd = -1;
static struct client *clients[MON_ATTACH_CLIENTS_MAX];
static size_t n_clients;
static char sink[SINK_SIZE];
static size_t sink_len;

static int
sink_fd (const struct monitor *m)
{
  return m->tty ? m->master_fd : m->stdin_w;
}

static void
client_drop (size_t i)
{
  struct client *c = clients[i];
  close (c->fd);
  free (c->out);
  free (c);
  clients[i] = clients[--n_clients];
}

/* Sends what is queued without blocking; false when the client is gone. */
static bool
client_flush (struct client *c)
{
  size_t off = 0;
  while (off < c->out_len)
    {
      ssize_t w = send (c->fd, c->out + off, c->out_len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0 && errno == EAGAIN)
        break;
      if (w <= 0)
        return false;
      off += (size_t) w;
    }
  memmove (c->out, c->out + off, c->out_len - off);
  c->out_len -= off;
  return true;
}

static void
client_queue (struct client *c, int type, const void *p, size_t n)
{
  if (c->out_len + ATTACH_HEADER + n > c->out_cap)
    {
      c->out_cap = (c->out_len + ATTACH_HEADER + n) * 2;
      c->out = xrealloc (c->out, c->out_cap);
    }
  attach_header (c->out + c->out_len, type, n);
  memcpy (c->out + c->out_len + ATTACH_HEADER, p, n);
  c->out_len += ATTACH_HEADER + n;
}

void
mon_attach_output (struct monitor *m, int type, const char *p, size_t n)
{
  (void) m;
  for (size_t i = 0; i < n_clients;)
    {
      struct client *c = clients[i];
      client_queue (c, type, p, n);
      if (!client_flush (c) || c->out_len > CLIENT_QUEUE_MAX)
        client_drop (i);
      else
        i++;
    }
}

/* Writes what the sink holds without blocking.  A container that closed
 * its stdin (or a pty gone) loses the input: nothing else can be done. */
static void
sink_flush (struct monitor *m)
{
  int fd = sink_fd (m);
  size_t off = 0;
  while (off < sink_len)
    {
      if (fd < 0)
        {
          off = sink_len;
          break;
        }
      ssize_t w = write (fd, sink + off, sink_len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0 && errno == EAGAIN)
        break;
      if (w <= 0)
        {
          off = sink_len;
          break;
        }
      off += (size_t) w;
    }
  memmove (sink, sink + off, sink_len - off);
  sink_len -= off;
}

size_t
mon_stdin_room (const struct monitor *m)
{
  return sink_fd (m) >= 0 ? sizeof sink - sink_len : 0;
}

void
mon_stdin_push (struct monitor *m, const char *p, size_t n)
{
  if (n > sizeof sink - sink_len)
    n = sizeof sink - sink_len;
  memcpy (sink + sink_len, p, n);
  sink_len += n;
  sink_flush (m);
}

static void
apply_resize (struct monitor *m, const char *text)
{
  unsigned rows, cols;
  if (m->master_fd < 0 || sscanf (text, "%u %u", &rows, &cols) != 2 || rows > 65535
      || cols > 65535)
    return;
  struct winsize ws = { .ws_row = (unsigned short) rows, .ws_col = (unsigned short) cols };
  ioctl (m->master_fd, TIOCSWINSZ, &ws);
}

/* Handles the client's complete frames; false: drop it (a bad frame). */
static bool
client_frames (struct monitor *m, struct client *c)
{
  size_t off = 0;
  c->in_blocked = false;
  while (c->in_len - off >= ATTACH_HEADER)
    {
      unsigned char *h = c->in + off;
      size_t len = attach_frame_len (h);
      if (len > ATTACH_CLIENT_FRAME_MAX)
        return false;
      if (c->in_len - off < ATTACH_HEADER + len)
        break;
      const char *payload = (const char *) h + ATTACH_HEADER;
      if (h[0] == ATTACH_STDIN && m->open_stdin && sink_fd (m) >= 0)
        {
          if (len > sizeof sink - sink_len)
            {
              c->in_blocked = true;
              break;
            }
          mon_stdin_push (m, payload, len);
          off += ATTACH_HEADER + len;
          continue;
        }
      /* The other frames carry short text: a window size, a signal number. */
      char text[64];
      snprintf (text, sizeof text, "%.*s", (int) (len < sizeof text ? len : sizeof text - 1),
                payload);
      if (h[0] == ATTACH_RESIZE)
        apply_resize (m, text);
      else if (h[0] == ATTACH_SIGNAL && m->running)
        {
          /* The init is the monitor's child until reaped: its pid is ours
           * to signal, never a reused one. */
          int sig = atoi (text);
          if (sig > 0 && sig < 65)
            kill (m->pid, sig);
        }
      off += ATTACH_HEADER + len;
    }
  memmove (c->in, c->in + off, c->in_len - off);
  c->in_len -= off;
  return true;
}

void
mon_attach_listen (struct monitor *m)
{
  (void) m;
  if (listen_fd >= 0)
    return;
  /* The monitor's cwd is the container directory: a relative name always
   * fits in sun_path.  Clients connect through /proc/self/fd/N/. */
  unlink (ATTACH_SOCK_NAME);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf (sa.sun_path, sizeof sa.sun_path, "%s", ATTACH_SOCK_NAME);
  mode_t old = umask (077);
  int r = fd >= 0 ? bind (fd, (struct sockaddr *) &sa, sizeof sa) : -1;
  umask (old);
  if (r < 0 || listen (fd, 16) < 0)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  listen_fd = fd;
}

void
mon_attach_close (struct monitor *m, int exit_code)
{
  (void) m;
  if (listen_fd >= 0)
    {
      close (listen_fd);
      listen_fd = -1;
      unlink (ATTACH_SOCK_NAME);
    }
  char code[16];
  int n = snprintf (code, sizeof code, "%d", exit_code);
  while (n_clients > 0)
    {
      struct client *c = clients[0];
      client_queue (c, ATTACH_EXIT, code, (size_t) n);
      /* What is queued goes out now, within a bounded wait per client. */
      struct timeval tv = { .tv_sec = 2 };
      setsockopt (c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      int fl = fcntl (c->fd, F_GETFL);
      fcntl (c->fd, F_SETFL, fl & ~O_NONBLOCK);
      size_t off = 0;
      while (off < c->out_len)
        {
          ssize_t w = send (c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            break;
          off += (size_t) w;
        }
      client_drop (0);
    }
  sink_len = 0;
}

size_t
mon_attach_poll (struct monitor *m, struct pollfd *pfd, size_t max)
{
  size_t n = 0;
  /* Frames held back for the sink go in first, now that it may have room. */
  for (size_t i = 0; i < n_clients;)
    if (clients[i]->in_blocked && !client_frames (m, clients[i]))
      client_drop (i);
    else
      i++;
  if (sink_len > 0 && sink_fd (m) >= 0 && n < max)
    pfd[n++] = (struct pollfd) { .fd = sink_fd (m), .events = POLLOUT };
  if (listen_fd >= 0 && n < max)
    pfd[n++] = (struct pollfd) { .fd = listen_fd, .events = POLLIN };
  for (size_t i = 0; i < n_clients && n < max; i++)
    {
      struct client *c = clients[i];
      short ev = 0;
      if (!c->in_blocked && c->in_len < sizeof c->in)
        ev |= POLLIN;
      if (c->out_len > 0)
        ev |= POLLOUT;
      pfd[n++] = (struct pollfd) { .fd = c->fd, .events = ev };
    }
  return n;
}

static void
accept_clients (void)
{
  int fd;
  while ((fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
    {
      if (n_clients == MON_ATTACH_CLIENTS_MAX)
        {
          close (fd);
          continue;
        }
      struct client *c = xzalloc (sizeof *c);
      c->fd = fd;
      clients[n_clients++] = c;
    }
}

static struct client *
client_by_fd (int fd, size_t *idx)
{
  for (size_t i = 0; i < n_clients; i++)
    if (clients[i]->fd == fd)
      {
        *idx = i;
        return clients[i];
      }
  return NULL;
}

void
mon_attach_events (struct monitor *m, struct pollfd *pfd, size_t n)
{
  for (size_t k = 0; k < n; k++)
    {
      if (pfd[k].revents == 0)
        continue;
      if (pfd[k].fd == listen_fd)
        {
          accept_clients ();
          continue;
        }
      size_t i;
      struct client *c = client_by_fd (pfd[k].fd, &i);
      if (c == NULL)
        {
          if (pfd[k].fd == sink_fd (m))
            sink_flush (m);
          continue;
        }
      bool keep = true;
      if (pfd[k].revents & POLLOUT)
        keep = client_flush (c);
      if (keep && (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
        {
          /* A full buffer here is a hang-up while input waits: gone. */
          ssize_t r = c->in_len < sizeof c->in
                          ? read (c->fd, c->in + c->in_len, sizeof c->in - c->in_len)
                          : 0;
          if (r > 0)
            {
              c->in_len += (size_t) r;
              keep = client_frames (m, c);
            }
          else if (r == 0 || (errno != EINTR && errno != EAGAIN))
            keep = false;
        }
      if (!keep)
        client_drop (i);
    }
}
