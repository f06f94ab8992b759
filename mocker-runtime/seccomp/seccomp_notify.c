#include "mocker-runtime/seccomp/seccomp_notify.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/json.h"
#include "common/util.h"

/* Control data for one fd, aligned as cmsg needs. */
union one_fd
{
  char buf[CMSG_SPACE (sizeof (int))];
  struct cmsghdr align;
};

/* sendmsg of data with fd in SCM_RIGHTS; returns bytes sent. */
static ssize_t
send_with_fd (int sock, const void *data, size_t len, int fd)
{
  union one_fd u;
  memset (&u, 0, sizeof u);
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &fd, sizeof (int));
  ssize_t n;
  while ((n = sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
    ;
  return n;
}

int
seccomp_notify_send_listener (int sock, int listener, mk_error **err)
{
  if (send_with_fd (sock, "N", 1, listener) < 0)
    return mk_error_set (err, errno, "seccomp: hand the notify listener to the runtime");
  return 0;
}

int
seccomp_notify_recv_listener (int sock, int *listener, mk_error **err)
{
  *listener = -1;
  char byte;
  union one_fd u;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                        .msg_controllen = sizeof u.buf };
  ssize_t n;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
    ;
  if (n < 0)
    return mk_error_set (err, errno, "seccomp: receive the notify listener");
  if (n == 0)
    return 0;
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
      || cm->cmsg_len != CMSG_LEN (sizeof (int)))
    return mk_error_set (err, 0, "seccomp: receive the notify listener: no descriptor");
  memcpy (listener, CMSG_DATA (cm), sizeof (int));
  return 0;
}

char *
seccomp_notify_state_json (const struct spec_seccomp *s, pid_t pid, const struct rt_state *st,
                           const char *status)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "ociVersion", RT_OCI_VERSION);
  json_key (g, "fds");
  json_arr_open (g);
  json_str (g, "seccompFd");
  json_arr_close (g);
  json_kv_int (g, "pid", pid);
  json_kv_str (g, "metadata", s->listener_metadata);
  json_key (g, "state");
  state_gen_json (g, st, status);
  json_obj_close (g);
  return json_gen_finish (g, NULL);
}

int
seccomp_notify_agent (const struct spec_seccomp *s, int listener, pid_t pid,
                      const struct rt_state *st, const char *status, mk_error **err)
{
  const char *path = s->listener_path;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (path == NULL || strlen (path) >= sizeof addr.sun_path)
    return mk_error_set (err, 0, "linux.seccomp.listenerPath: %s `%s`",
                         path ? "path too long" : "missing", path ? path : "");
  strcpy (addr.sun_path, path);
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return mk_error_set (err, errno, "linux.seccomp.listenerPath: socket");
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return mk_error_set (err, errno, "linux.seccomp.listenerPath: connect to `%s`", path);

  _cleanup_free_ char *json = seccomp_notify_state_json (s, pid, st, status);
  size_t len = strlen (json);
  /* The fd goes with the first part; a stream may take the rest in more. */
  ssize_t n = send_with_fd (fd, json, len, listener);
  size_t done = n > 0 ? (size_t) n : 0;
  while (n >= 0 && done < len)
    {
      n = send (fd, json + done, len - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        n = 0;
      else if (n > 0)
        done += (size_t) n;
    }
  if (n < 0)
    return mk_error_set (err, errno, "linux.seccomp.listenerPath: send the state to `%s`", path);
  return 0;
}
