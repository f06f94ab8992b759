#include "mocker-runtime/process/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/util.h"

int
terminal_check_options (bool terminal, bool detach, const char *console_socket, mk_error **err)
{
  bool has_socket = console_socket && *console_socket;
  if (detach && terminal && !has_socket)
    return mk_error_set (err, 0,
                         "cannot allocate tty if mocker-runtime will detach without setting "
                         "console socket");
  if ((!detach || !terminal) && has_socket)
    return mk_error_set (err, 0,
                         "cannot use console socket if mocker-runtime will not detach or "
                         "allocate tty");
  return 0;
}

int
terminal_connect (const char *path, mk_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    return mk_error_set (err, 0, "--console-socket: path too long `%s`", path);
  strcpy (addr.sun_path, path);
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return mk_error_set (err, errno, "console socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return mk_error_set (err, errno, "connect to console socket `%s`", path);
  return STEAL_FD (fd);
}

static int
send_master (int sock, int master, const char *name, mk_error **err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct iovec iov = { .iov_base = (void *) name, .iov_len = strlen (name) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &master, sizeof (int));
  ssize_t n;
  while ((n = sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
    ;
  if (n < 0)
    return mk_error_set (err, errno, "send the pty master over the console socket");
  return 0;
}

/* /dev/console of the init: the slave bound on it (a plain file is made first). */
static int
mount_console (const char *slave_path, mk_error **err)
{
  _cleanup_close_ int fd = open ("/dev/console", O_CREAT | O_WRONLY | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    return mk_error_set (err, errno, "create /dev/console");
  if (mount (slave_path, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return mk_error_set (err, errno, "bind %s on /dev/console", slave_path);
  return 0;
}

int
terminal_setup (const struct spec_process *p, int sock, bool console, bool relayed,
                mk_error **err)
{
  _cleanup_close_ int master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return mk_error_set (err, errno, "process.terminal: open /dev/pts/ptmx in the container");
  int unlock = 0, ptn;
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0 || ioctl (master, TIOCGPTN, &ptn) < 0)
    return mk_error_set (err, errno, "process.terminal: unlock the pty");
  char name[64];
  snprintf (name, sizeof name, "/dev/pts/%d", ptn);
  _cleanup_close_ int slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return mk_error_set (err, errno, "process.terminal: open %s", name);
  if (relayed)
    {
      struct termios t;
      if (tcgetattr (slave, &t) < 0)
        return mk_error_set (err, errno, "process.terminal: tcgetattr %s", name);
      t.c_oflag &= ~(tcflag_t) ONLCR;
      if (tcsetattr (slave, TCSANOW, &t) < 0)
        return mk_error_set (err, errno, "process.terminal: clear ONLCR on %s", name);
    }
  if (p->has_console_size)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_height,
                            .ws_col = (unsigned short) p->console_width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return mk_error_set (err, errno, "process.consoleSize: set the window size");
    }
  if (fchown (slave, p->user.uid, (gid_t) -1) < 0 && errno != EINVAL)
    return mk_error_set (err, errno, "process.terminal: chown %s", name);
  if (console && mount_console (name, err) < 0)
    return -1;
  if (setsid () < 0 && errno != EPERM)
    return mk_error_set (err, errno, "process.terminal: setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return mk_error_set (err, errno, "process.terminal: make %s the controlling terminal", name);
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return mk_error_set (err, errno, "process.terminal: dup %s to fd %d", name, fd);
  if (send_master (sock, master, name, err) < 0)
    return -1;
  return 0;
}

int
terminal_recv_master (int sock, bool wait, int *master, mk_error **err)
{
  *master = -1;
  char name[128];
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  ssize_t n;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC | (wait ? 0 : MSG_DONTWAIT))) < 0
         && errno == EINTR)
    ;
  if (n < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK))
    return 0;
  if (n < 0)
    return mk_error_set (err, errno, "receive the pty master");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (n == 0 || cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
      || cm->cmsg_len != CMSG_LEN (sizeof (int)))
    {
      if (!wait && n == 0)
        return 0;
      return mk_error_set (err, 0, "receive the pty master: no descriptor in the message");
    }
  memcpy (master, CMSG_DATA (cm), sizeof (int));
  return 0;
}

/* ---- the foreground relay ---- */

static int
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            {
              struct pollfd p = { .fd = fd, .events = POLLOUT };
              poll (&p, 1, -1);
              continue;
            }
          return -1;
        }
      buf += w;
      len -= (size_t) w;
    }
  return 0;
}

/* Copies what is readable now; 0 at end of input.  A failed write (the
 * reader went away) drops the data: from then on *to is -1 and the input
 * is still drained, so the writer on the other side never blocks. */
static ssize_t
copy_once (int from, int *to)
{
  char buf[16384];
  ssize_t n;
  while ((n = read (from, buf, sizeof buf)) < 0 && errno == EINTR)
    ;
  if (n > 0 && *to >= 0 && write_all (*to, buf, (size_t) n) < 0)
    *to = -1;
  return n;
}

static void
copy_winsize (int from, int to)
{
  struct winsize ws;
  if (ioctl (from, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
    ioctl (to, TIOCSWINSZ, &ws);
}

static void
drain_master (int master, int *out)
{
  int flags = fcntl (master, F_GETFL);
  fcntl (master, F_SETFL, flags | O_NONBLOCK);
  while (copy_once (master, out) > 0)
    ;
}

int
terminal_relay (int master, pid_t pid, int *status, mk_error **err)
{
  bool raw = isatty (STDIN_FILENO);
  struct termios saved;
  if (raw && tcgetattr (STDIN_FILENO, &saved) < 0)
    raw = false;
  if (raw)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      /* Output processing stays: the relayed pty has ONLCR off (terminal_setup),
       * so this terminal turns the program's "\n" into "\r\n". */
      t.c_oflag = saved.c_oflag;
      tcsetattr (STDIN_FILENO, TCSANOW, &t);
      copy_winsize (STDIN_FILENO, master);
    }
  /* A closed stdout is an EPIPE to handle, not a death: the terminal must be restored. */
  signal (SIGPIPE, SIG_IGN);
  sigset_t mask, old;
  sigemptyset (&mask);
  sigaddset (&mask, SIGCHLD);
  sigaddset (&mask, SIGWINCH);
  sigprocmask (SIG_BLOCK, &mask, &old);
  int ret = 0;
  _cleanup_close_ int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    {
      ret = mk_error_set (err, errno, "signalfd");
      goto out;
    }
  bool in_open = true, master_open = true;
  int out = STDOUT_FILENO, to_master = master;
  for (;;)
    {
      int r = waitpid (pid, status, WNOHANG);
      if (r == pid)
        break;
      if (r < 0 && errno != EINTR)
        {
          ret = mk_error_set (err, errno, "wait for the container process");
          goto out;
        }
      struct pollfd p[3] = {
        { .fd = sfd, .events = POLLIN },
        { .fd = master_open ? master : -1, .events = POLLIN },
        { .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
      };
      if (poll (p, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          ret = mk_error_set (err, errno, "poll");
          goto out;
        }
      if (p[0].revents)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) == sizeof si)
            if (si.ssi_signo == SIGWINCH && raw)
              copy_winsize (STDIN_FILENO, master);
        }
      if (p[1].revents && copy_once (master, &out) <= 0)
        master_open = false; /* EIO: every slave closed */
      if (p[2].revents && (copy_once (STDIN_FILENO, &to_master) <= 0 || to_master < 0))
        in_open = false;
    }
  if (master_open)
    drain_master (master, &out);
out:
  if (raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  sigprocmask (SIG_SETMASK, &old, NULL);
  return ret;
}
