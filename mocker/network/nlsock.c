/* Netlink route sockets: in our own network namespace, or in a container's.
 *
 * A socket belongs to the netns it was created in, whatever thread uses it
 * later. So a short-lived thread enters the container's netns (setns only
 * moves that thread), connects the socket and ends; the process itself never
 * leaves its namespace, even for a moment. */
#include "mocker/network/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/errno.h>

#include "common/util.h"

int
nl_error_set (mk_error **err, int nlerr, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *what = xvasprintf (fmt, ap);
  va_end (ap);
  return mk_error_set (err, 0, "%s: %s", what, nl_geterror (nlerr));
}

void
cleanup_nlsockp (struct nl_sock **sk)
{
  if (*sk)
    nl_socket_free (*sk);
}

static int
connect_route (struct nl_sock **out, int *nlerr)
{
  struct nl_sock *sk = nl_socket_alloc ();
  if (sk == NULL)
    abort ();
  int r = nl_connect (sk, NETLINK_ROUTE);
  if (r < 0)
    {
      nl_socket_free (sk);
      *nlerr = r;
      return -1;
    }
  *out = sk;
  return 0;
}

int
nlsock_open (struct nl_sock **out, mk_error **err)
{
  int nlerr = 0;
  if (connect_route (out, &nlerr) < 0)
    return nl_error_set (err, nlerr, "open a netlink route socket");
  return 0;
}

struct in_netns_job
{
  int netns_fd;
  struct nl_sock *sk;
  int setns_errno;
  int nlerr;
};

static void *
in_netns_thread (void *arg)
{
  struct in_netns_job *job = arg;
  if (setns (job->netns_fd, CLONE_NEWNET) < 0)
    {
      job->setns_errno = errno;
      return NULL;
    }
  connect_route (&job->sk, &job->nlerr);
  return NULL;  /* the thread ends here, inside the other netns */
}

int
nlsock_open_in (int netns_fd, struct nl_sock **out, mk_error **err)
{
  struct in_netns_job job = { .netns_fd = netns_fd };
  pthread_t t;
  int r = pthread_create (&t, NULL, in_netns_thread, &job);
  if (r != 0)
    return mk_error_set (err, r, "start a thread to enter the container's network namespace");
  pthread_join (t, NULL);
  if (job.setns_errno)
    return mk_error_set (err, job.setns_errno, "enter the container's network namespace");
  if (job.sk == NULL)
    return nl_error_set (err, job.nlerr, "open a netlink socket in the container's network namespace");
  *out = job.sk;
  return 0;
}
