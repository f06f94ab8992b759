/* The fds a container process may inherit from the runtime.
 *
 * The init and an exec'd process are copies of the runtime: until execve
 * they hold every fd the runtime had, close-on-exec or not (the cgroup
 * directory and its cgroup.procs/tasks files, namespace fds, whatever the
 * caller left open).  A host directory fd reachable from the container is
 * the class of CVE-2024-21626 (process.cwd "/proc/self/fd/N" landing in a
 * host directory; another container process reading /proc/<pid>/fd/N), so
 * they close everything else as soon as they no longer need it, before any
 * path from the config is resolved (docs/security.md "Runtime CVE classes"). */
#ifndef RT_FDS_H
#define RT_FDS_H

#include <stddef.h>

#include "common/error.h"

/* Closes every fd from 3 on except 3 .. 3+preserve_fds-1 and the n fds of
 * keep (a negative entry is ignored).  Only the calling process's own fd
 * table is touched (the init and exec child never share it). */
void fds_close_others (const int *keep, size_t n, int preserve_fds);

/* After the chdir to process.cwd: fails unless the working directory is
 * inside the process's root (getcwd(2) names one outside "(unreachable)").
 * A second line of defence, as runc 1.1.12 and crun added: whatever fd might
 * still leak, the program never starts with a host directory as its cwd. */
int fds_check_cwd_inside_root (mk_error **err);

#endif
