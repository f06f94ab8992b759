/* mocker attach [--no-stdin] [--sig-proxy=BOOL] [--detach-keys KEYS] CONTAINER:
 * a client of the running container's attach socket (its monitor's,
 * mocker/monitor/attach.c; frames as mocker/container/attach_proto.h):
 * output to our stdout/stderr, our stdin to the container when it was made
 * with -i, the terminal raw and its size followed with a tty, signals
 * forwarded without one.  The detach keys end it with 0, the container's
 * exit with its exit code. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/commands/container/cmd_attach.h"
#include "mocker/container/attach_proto.h"
#include "mocker/container/cgroup.h"
#include "mocker/container/container.h"
#include "mocker/container/detach_keys.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/ui/rawterm.h"

static const char usage[] =
  "Usage: mocker attach [OPTIONS] CONTAINER\n"
  "\n"
  "Attach local standard input, output, and error streams to a running container.\n"
  "\n"
  "Options:\n"
  "      --detach-keys KEYS   the key sequence that detaches (default \"ctrl-p,ctrl-q\")\n"
  "      --no-stdin           do not attach stdin\n"
  "      --sig-proxy[=BOOL]   proxy received signals to the process (default true;\n"
  "                           without a tty only)\n"
  "  -h, --help               print this help\n";

static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static int
send_frame (int fd, int type, const void *p, size_t n)
{
  unsigned char h[ATTACH_HEADER];
  attach_header (h, type, n);
  struct iovec iov[2] = { { h, sizeof h }, { (void *) p, n } };
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n ? 2 : 1 };
  size_t left = sizeof h + n;
  while (left > 0)
    {
      ssize_t w = sendmsg (fd, &mh, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      left -= (size_t) w;
      /* A partial send: step over what went. */
      while (w > 0 && mh.msg_iovlen > 0)
        {
          size_t take = (size_t) w < mh.msg_iov->iov_len ? (size_t) w : mh.msg_iov->iov_len;
          mh.msg_iov->iov_base = (char *) mh.msg_iov->iov_base + take;
          mh.msg_iov->iov_len -= take;
          w -= (ssize_t) take;
          if (mh.msg_iov->iov_len == 0)
            {
              mh.msg_iov++;
              mh.msg_iovlen--;
            }
        }
    }
  return 0;
}

static void
send_window_size (int sock)
{
  struct winsize ws;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
    return;
  char text[32];
  int n = snprintf (text, sizeof text, "%u %u", ws.ws_row, ws.ws_col);
  send_frame (sock, ATTACH_RESIZE, text, (size_t) n);
}

static void
write_out (int fd, const unsigned char *p, size_t n)
{
  while (n > 0)
    {
      ssize_t w = write (fd, p, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return; /* our output went away: the stream is dropped */
      p += w;
      n -= (size_t) w;
    }
}

/* The attach socket, through the directory's fd: the path of a deep store
 * does not fit in sun_path. */
static int
connect_socket (const struct container *c, mk_error **err)
{
  _cleanup_close_ int dir = open (c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return mk_error_set (err, errno, "open `%s`", c->dir);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  snprintf (sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dir, ATTACH_SOCK_NAME);
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return mk_error_set (err, errno, "socket");
  if (connect (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int e = errno;
      close (fd);
      errno = e;
      return -1;
    }
  return fd;
}

/* Docker's refusals, in its words. */
static int
check_attachable (struct container *c, mk_error **err)
{
  ctr_reload_state (c);
  if (c->has_state && c->state.restarting)
    return mk_error_set (err, 0, "You cannot attach to a restarting container, wait until it is running");
  if (ctr_live_status (c) != LIVE_RUNNING)
    return mk_error_set (err, 0, "You cannot attach to a stopped container, start it first");
  if (ctr_paused (c))
    return mk_error_set (err, 0, "You cannot attach to a paused container, unpause it first");
  return 0;
}

struct session
{
  int sock;
  int in;              /* our stdin while attached, -1 when not (or at EOF) */
  bool tty;
  struct detach_keys dk;
  unsigned char buf[ATTACH_HEADER + ATTACH_OUTPUT_FRAME_MAX];
  size_t len;
  int exit_code;       /* from the exit frame, -1 before it */
};

/* Output frames received so far go to stdout/stderr; false on a frame
 * larger than the buffer (not from a monitor). */
static bool
handle_frames (struct session *s)
{
  size_t off = 0;
  while (s->len - off >= ATTACH_HEADER)
    {
      const unsigned char *h = s->buf + off;
      size_t n = attach_frame_len (h);
      if (n > sizeof s->buf - ATTACH_HEADER)
        return false;
      if (s->len - off < ATTACH_HEADER + n)
        break;
      const unsigned char *p = h + ATTACH_HEADER;
      if (h[0] == ATTACH_STDOUT)
        write_out (STDOUT_FILENO, p, n);
      else if (h[0] == ATTACH_STDERR)
        write_out (STDERR_FILENO, p, n);
      else if (h[0] == ATTACH_EXIT)
        {
          char text[16];
          snprintf (text, sizeof text, "%.*s", (int) (n < sizeof text ? n : sizeof text - 1),
                    (const char *) p);
          s->exit_code = atoi (text);
        }
      off += ATTACH_HEADER + n;
    }
  memmove (s->buf, s->buf + off, s->len - off);
  s->len -= off;
  return true;
}

/* Our stdin through the detach-key filter; true when detaching. */
static bool
forward_stdin (struct session *s)
{
  unsigned char in[4096], out[sizeof in + DETACH_KEYS_MAX];
  ssize_t n = read (s->in, in, sizeof in);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return false;
  if (n <= 0)
    {
      /* EOF: the container's stdin stays open (Docker without StdinOnce);
       * the output is still followed. */
      s->in = -1;
      return false;
    }
  size_t len;
  bool detach = detach_keys_filter (&s->dk, in, (size_t) n, out, &len);
  for (size_t off = 0; off < len; off += ATTACH_CLIENT_FRAME_MAX)
    {
      size_t k = len - off < ATTACH_CLIENT_FRAME_MAX ? len - off : ATTACH_CLIENT_FRAME_MAX;
      if (send_frame (s->sock, ATTACH_STDIN, out + off, k) < 0)
        break;
    }
  return detach;
}

int
attach_running (struct container *c, const struct attach_opts *o, mk_error **err)
{
  if (check_attachable (c, err) < 0)
    return -1;
  bool tty = ctr_flag (c, "config", "Tty");
  bool want_stdin = !o->no_stdin && ctr_flag (c, "config", "OpenStdin");
  /* Docker: a tty container's input must come from a terminal. */
  if (tty && !o->no_stdin && !isatty (STDIN_FILENO))
    return mk_error_set (err, 0, "the input device is not a TTY");
  struct session *s = xzalloc (sizeof *s);
  s->sock = connect_socket (c, err);
  if (s->sock < 0)
    {
      free (s);
      if (*err)
        return -1;
      int e = errno;
      if (check_attachable (c, err) < 0)
        return -1;
      return mk_error_set (err, e, "container %.12s: its attach socket", c->id);
    }
  s->in = want_stdin ? STDIN_FILENO : -1;
  s->tty = tty;
  s->exit_code = -1;
  s->dk = o->keys;

  sigset_t mask;
  sigemptyset (&mask);
  if (tty)
    sigaddset (&mask, SIGWINCH);
  else if (o->sig_proxy)
    for (size_t i = 0; i < ARRAY_SIZE (proxied); i++)
      sigaddset (&mask, proxied[i]);
  sigset_t old;
  sigprocmask (SIG_BLOCK, &mask, &old);
  int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  signal (SIGPIPE, SIG_IGN);

  if (tty && s->in >= 0 && isatty (STDIN_FILENO))
    ui_terminal_raw ();
  if (tty && isatty (STDOUT_FILENO))
    send_window_size (s->sock);

  int ret = -1;
  bool detached = false;
  for (;;)
    {
      struct pollfd pfd[3] = { { .fd = s->sock, .events = POLLIN },
                               { .fd = sfd, .events = POLLIN },
                               { .fd = s->in, .events = POLLIN } };
      if (poll (pfd, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          mk_error_set (err, errno, "poll");
          break;
        }
      if (pfd[1].revents)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) == sizeof si)
            if (si.ssi_signo == SIGWINCH)
              send_window_size (s->sock);
            else
              {
                char text[8];
                int n = snprintf (text, sizeof text, "%u", si.ssi_signo);
                send_frame (s->sock, ATTACH_SIGNAL, text, (size_t) n);
              }
        }
      if (pfd[2].revents && forward_stdin (s))
        {
          detached = true;
          break;
        }
      if (pfd[0].revents)
        {
          ssize_t n = read (s->sock, s->buf + s->len, sizeof s->buf - s->len);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break; /* the monitor closed: the container exited */
          s->len += (size_t) n;
          if (!handle_frames (s))
            {
              mk_error_set (err, 0, "container %.12s: bad frame on the attach socket", c->id);
              break;
            }
        }
    }
  ui_terminal_restore ();
  if (detached)
    {
      fprintf (stderr, "read escape sequence\n"); /* Docker's words on detaching */
      ret = 0;
    }
  else if (s->exit_code >= 0)
    ret = s->exit_code;
  else if (!*err)
    {
      /* No exit frame: the monitor went away; state.json may know. */
      ctr_reload_state (c);
      if (c->has_state && c->state.status == CTR_EXITED)
        ret = c->state.exit_code;
      else
        mk_error_set (err, 0, "container %.12s: the attach socket closed", c->id);
    }
  close (s->sock);
  free (s);
  if (sfd >= 0)
    close (sfd);
  sigprocmask (SIG_SETMASK, &old, NULL);
  return ret;
}

static int
parse_bool (const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
  static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };
  for (size_t i = 0; i < ARRAY_SIZE (yes); i++)
    if (strcmp (s, yes[i]) == 0)
      return *out = true, 0;
  for (size_t i = 0; i < ARRAY_SIZE (no); i++)
    if (strcmp (s, no[i]) == 0)
      return *out = false, 0;
  return -1;
}

int
cmd_attach (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  enum { OPT_NO_STDIN = 256, OPT_SIG_PROXY, OPT_DETACH_KEYS };
  static const struct option opts[] = {
    { "no-stdin", no_argument, NULL, OPT_NO_STDIN },
    { "sig-proxy", optional_argument, NULL, OPT_SIG_PROXY },
    { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct attach_opts o = { .sig_proxy = true };
  const char *keys = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+h", opts, NULL)) != -1)
    switch (c)
      {
      case OPT_NO_STDIN: o.no_stdin = true; break;
      case OPT_SIG_PROXY:
        if (optarg && parse_bool (optarg, &o.sig_proxy) < 0)
          return mocker_flag_error (err, "attach", "--sig-proxy: invalid boolean `%s`", optarg);
        break;
      case OPT_DETACH_KEYS: keys = optarg; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "attach", "+h", argv);
      }
  if (argc - optind != 1)
    return mocker_usage_error (err, "attach", "exactly one CONTAINER is required");
  _cleanup_error_ mk_error *kerr = NULL;
  if (detach_keys_parse (keys, &o.keys, &kerr) < 0)
    return mocker_flag_error (err, "attach", "--detach-keys: %s", kerr->msg);
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ct = NULL;
  if (ctr_find (s, argv[optind], &ct, err) < 0)
    return -1;
  fflush (stdout);
  return attach_running (ct, &o, err);
}
