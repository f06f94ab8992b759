/* recvtty: the receiving end of the console socket protocol, for tests.
 *
 *   recvtty [-i TEXT] SOCKET
 *
 * Listens on the unix socket SOCKET (removing it again at the end), accepts
 * one connection and expects one message carrying exactly one fd
 * (SCM_RIGHTS) and a non-empty payload (the pty's name).  Prints
 * "recvtty: NAME ROWSxCOLS" to stderr, writes TEXT (if given) to the master,
 * then copies the master to stdout until every slave is closed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void
die (const char *what)
{
  fprintf (stderr, "recvtty: %s: %s\n", what, strerror (errno));
  exit (1);
}

int
main (int argc, char **argv)
{
  const char *text = NULL;
  int c;
  while ((c = getopt (argc, argv, "i:")) != -1)
    {
      if (c == 'i')
        text = optarg;
      else
        return 2;
    }
  if (optind != argc - 1)
    {
      fprintf (stderr, "usage: recvtty [-i TEXT] SOCKET\n");
      return 2;
    }
  const char *path = argv[optind];
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", path);
  int ls = socket (AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || bind (ls, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (ls, 1) < 0)
    die ("listen");
  int conn = accept (ls, NULL, NULL);
  if (conn < 0)
    die ("accept");
  unlink (path);

  char name[256] = "";
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  ssize_t n = recvmsg (conn, &msg, 0);
  if (n < 0)
    die ("recvmsg");
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (n == 0 || cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
      || cm->cmsg_len != CMSG_LEN (sizeof (int)))
    {
      fprintf (stderr, "recvtty: bad message (payload %zd bytes, no single fd)\n", n);
      return 1;
    }
  int master;
  memcpy (&master, CMSG_DATA (cm), sizeof master);
  close (conn);
  struct winsize ws = { 0 };
  ioctl (master, TIOCGWINSZ, &ws);
  fprintf (stderr, "recvtty: %s %ux%u\n", name, ws.ws_row, ws.ws_col);
  if (!isatty (master))
    {
      fprintf (stderr, "recvtty: the fd received is not a terminal\n");
      return 1;
    }
  if (text && write (master, text, strlen (text)) < 0)
    die ("write");
  char buf[4096];
  while ((n = read (master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0 && write (1, buf, (size_t) n) < 0)
      die ("write");
  return 0;
}
