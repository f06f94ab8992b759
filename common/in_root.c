#include "common/in_root.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"

int
openat_in_root (int rootfd, const char *path, int flags, mode_t mode)
{
  struct open_how how;
  memset (&how, 0, sizeof how);
  how.flags = (unsigned long long) flags | O_CLOEXEC;
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  /* An empty path (or only slashes) means the root itself. */
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  for (int tries = 0; tries < 16; tries++)
    {
      long fd = syscall (SYS_openat2, rootfd, path, &how, sizeof how);
      /* EAGAIN: a rename raced with the lookup; the kernel asks to retry. */
      if (fd >= 0 || errno != EAGAIN)
        return (int) fd;
    }
  return -1;
}

int
read_file_in_root (const char *root, const char *path, size_t max, char **out, mk_error **err)
{
  *out = NULL;
  _cleanup_close_ int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return mk_error_set (err, errno, "open `%s`", root);
  _cleanup_close_ int fd = openat_in_root (rootfd, path, O_RDONLY, 0);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 0;
      return mk_error_set (err, errno, "open `%s` in `%s`", path, root);
    }
  _cleanup_free_ char *fdpath = xasprintf ("/proc/self/fd/%d", fd);
  return read_file_at (AT_FDCWD, fdpath, max, out, NULL, err);
}
