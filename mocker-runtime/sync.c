#include "mocker-runtime/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

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
