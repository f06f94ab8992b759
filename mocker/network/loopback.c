/* Network namespaces by path, and --network none's loopback: plain libc
 * (ioctls, no netlink library), so the light mocker binary links this file
 * as it is (docs/architecture.md, "Two binaries").
 *
 * As in nlsock.c, a short thread enters the container's netns (setns only
 * moves that thread): the process itself never leaves its namespace. */
#include "mocker/network/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

int
netns_open (const char *path, mk_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open network namespace `%s`", path);
  int type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0 || type != CLONE_NEWNET)
    return mk_error_set (err, type < 0 ? errno : 0, "`%s` is not a network namespace", path);
  struct stat ours, theirs;
  if (stat ("/proc/thread-self/ns/net", &ours) < 0)
    return mk_error_set (err, errno, "stat `/proc/thread-self/ns/net`");
  if (fstat (fd, &theirs) < 0)
    return mk_error_set (err, errno, "stat `%s`", path);
  if (ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino)
    return mk_error_set (err, 0, "`%s` is mocker's own network namespace, not a container's", path);
  return STEAL_FD (fd);
}

struct lo_job
{
  int netns_fd;
  int err;          /* errno of the step that failed */
  const char *what; /* that step */
};

static void *
lo_up_thread (void *arg)
{
  struct lo_job *job = arg;
  if (setns (job->netns_fd, CLONE_NEWNET) < 0)
    {
      job->err = errno;
      job->what = "enter the container's network namespace";
      return NULL;
    }
  _cleanup_close_ int sk = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { 0 };
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (sk < 0 || ioctl (sk, SIOCGIFFLAGS, &ifr) < 0)
    {
      job->err = errno;
      job->what = "read the flags of `lo`";
      return NULL;
    }
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (sk, SIOCSIFFLAGS, &ifr) < 0)
    {
      job->err = errno;
      job->what = "set `lo` up";
    }
  return NULL;  /* the thread ends here, inside the other netns */
}

int
network_loopback_up (const char *netns_path, mk_error **err)
{
  _cleanup_close_ int fd = netns_open (netns_path, err);
  if (fd < 0)
    return -1;
  struct lo_job job = { .netns_fd = fd };
  pthread_t t;
  int r = pthread_create (&t, NULL, lo_up_thread, &job);
  if (r != 0)
    return mk_error_set (err, r, "start a thread to enter the container's network namespace");
  pthread_join (t, NULL);
  if (job.err)
    return mk_error_set (err, job.err, "network namespace `%s`: %s", netns_path, job.what);
  return 0;
}
