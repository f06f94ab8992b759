/* Entering a new container's cgroups cheaply (create and run).
 *
 * Moving another process (a pid written to cgroup.procs) takes the kernel's
 * global threadgroup lock for writing, which waits for an RCU grace period:
 * milliseconds on a busy host, once per v1 hierarchy.  Two ways avoid it:
 * clone3(CLONE_INTO_CGROUP) starts the init directly in its cgroup2 group, and
 * a single-threaded task moving itself ("0" written to a v1 `tasks` file)
 * skips that lock.  The runtime opens the files (cgroup_entry_open) after
 * cgroup_create(path, res, 0) and before clone3; the init calls
 * cgroup_entry_join_self() first thing, before running anything. */
#ifndef RT_CGROUP_ENTRY_H
#define RT_CGROUP_ENTRY_H

#include <stddef.h>
#include "common/error.h"

struct cgroup_entry
{
  int v2_dir_fd;    /* the cgroup2 group (pure v2 or hybrid), for CLONE_INTO_CGROUP; -1 */
  int v2_procs_fd;  /* its cgroup.procs, used when clone3 could not place the init; -1 */
  int *v1_tasks_fds;
  size_t n_v1;
  int into_cgroup_done; /* set by the runtime when clone3 placed the init in v2_dir_fd */
};

int cgroup_entry_open (const char *path, struct cgroup_entry *e, mk_error **err);
int cgroup_entry_join_self (const struct cgroup_entry *e, mk_error **err);
void cgroup_entry_close (struct cgroup_entry *e);

#endif
