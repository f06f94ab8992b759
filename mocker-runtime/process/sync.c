#include "mocker-runtime/process/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/util.h"

int
sync_send (int fd, char type, const char *text, mk_error **err)
{
  struct iovec iov[2] = {
    { .iov_base = &type, .iov_len = 1 },
    { .iov_base = (void *) text, .iov_len = text ? strlen (text) : 0 },
  };
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
  while (sendmsg (fd, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "sync: send");
  return 0;
}

int
sync_recv (int fd, char *type, char **text, mk_error **err)
{
  *type = 0;
  if (text)
    *text = NULL;
  ssize_t size;
  char small;
  /* Peek at the size first: payloads (state JSON, errors) vary. */
  while ((size = recv (fd, &small, 1, MSG_PEEK | MSG_TRUNC)) < 0)
    if (errno != EINTR)
      {
        if (errno == ECONNRESET)
          return 0;
        return mk_error_set (err, errno, "sync: receive");
      }
  if (size == 0)
    return 0;
  _cleanup_free_ char *buf = xmalloc (size + 1);
  ssize_t n;
  while ((n = recv (fd, buf, size, 0)) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "sync: receive");
  if (n == 0)
    return 0;
  buf[n] = '\0';
  *type = buf[0];
  if (text && n > 1)
    *text = xstrdup (buf + 1);
  return 0;
}

int
sync_send_fds (int fd, char type, const int *fds, size_t n, mk_error **err)
{
  if (n == 0 || n > SYNC_MAX_FDS)
    return mk_error_set (err, EINVAL, "sync: send %zu fds", n);
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * SYNC_MAX_FDS)];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  struct iovec iov = { .iov_base = &type, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = CMSG_SPACE (sizeof (int) * n) };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int) * n);
  memcpy (CMSG_DATA (c), fds, sizeof (int) * n);
  while (sendmsg (fd, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "sync: send fds");
  return 0;
}

int
sync_recv_fds (int fd, char *type, int *fds, size_t max, size_t *n, mk_error **err)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int) * SYNC_MAX_FDS)];
    struct cmsghdr align;
  } u;
  *type = 0;
  *n = 0;
  char t = 0;
  struct iovec iov = { .iov_base = &t, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  ssize_t r;
  while ((r = recvmsg (fd, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "sync: receive fds");
  if (r == 0)
    return 0;
  *type = t;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        size_t got = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);
        int *in = (int *) CMSG_DATA (c);
        for (size_t i = 0; i < got; i++)
          {
            if (*n < max)
              fds[(*n)++] = in[i];
            else
              close (in[i]);
          }
      }
  return 0;
}
