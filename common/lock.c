#include "common/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

int
lock_fd (int fd, bool exclusive, const char *what, mk_error **err)
{
  while (flock (fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    {
      if (errno != EINTR)
        return mk_error_set (err, errno, "lock `%s`", what);
    }
  return 0;
}

int
lock_path (const char *path, bool exclusive, mk_error **err)
{
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return mk_error_set (err, errno, "open lock `%s`", path);
  if (lock_fd (fd, exclusive, path, err) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}
