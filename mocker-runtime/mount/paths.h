/* Paths inside a container's root, resolved as if the root were "/": a
 * symlink in the rootfs (absolute or with "..") can never lead out of it to a
 * host path.  The kernel does the resolution (openat2 RESOLVE_IN_ROOT); the
 * fds returned are O_PATH and mount(2) targets them via /proc/self/fd/N. */
#ifndef RT_PATHS_H
#define RT_PATHS_H

#include <stdbool.h>
#include <sys/types.h>
#include "common/error.h"
#include "common/in_root.h"

/* Opens path (absolute or relative) below rootfd with openat2 RESOLVE_IN_ROOT.
 * flags are open(2) flags (O_CLOEXEC is added).  Returns the fd or -1 with
 * errno set (no error object: callers decide whether ENOENT matters). */
static inline int
root_open (int rootfd, const char *path, int flags)
{
  return openat_in_root (rootfd, path, flags, 0);
}

/* mkdir -p inside the root.  Returns an O_PATH fd of the final directory. */
int root_mkdir_p (int rootfd, const char *path, mode_t mode, mk_error **err);

/* Makes sure a mount point exists at path: a directory, or (is_dir false) an
 * empty regular file, creating missing parents.  An existing entry of either
 * kind is used as is.  Returns an O_PATH fd of it. */
int root_mkmountpoint (int rootfd, const char *path, bool is_dir, mk_error **err);

/* Splits path into its parent (an O_PATH dir fd inside the root, parents
 * created) and the last component copied to *name (heap).  "/" has no last
 * component: that is an error. */
int root_open_parent (int rootfd, const char *path, char **name, mk_error **err);

/* "/proc/self/fd/N" in buf: the name mount(2) and friends take for an fd. */
#define FD_PATH_MAX 32
const char *fd_path (int fd, char buf[FD_PATH_MAX]);

#endif
