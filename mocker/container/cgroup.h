/* A container's cgroup as mocker reads it (pause state, pids, stats), v1
 * or v2, without a runtime call.  The cgroupsPath is CTR_CGROUP_FMT
 * ("/mocker-<id>") in every hierarchy. */
#ifndef MOCKER_CONTAINER_CGROUP_H
#define MOCKER_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

struct container;

/* True on a pure cgroup v2 host (/sys/fs/cgroup/cgroup.controllers). */
bool ctr_cgroup_v2 (void);
/* The path of FILE in the container's group: v2 the unified group, v1 the
 * CONTROLLER's hierarchy ("memory", "cpuacct", "blkio", "pids", "freezer"). */
char *ctr_cgroup_file (const struct container *c, const char *controller, const char *file);
/* Reads a file of the group as a number (the first one in it); -1 when absent. */
long long ctr_cgroup_read_num (const struct container *c, const char *controller,
                               const char *file);
/* The value after "key " in a flat keyed file (cpu.stat, memory.stat...); -1. */
long long ctr_cgroup_read_key (const struct container *c, const char *controller,
                               const char *file, const char *key);
/* The container's processes (cgroup.procs), host pids; heap array. */
int ctr_cgroup_pids (const struct container *c, pid_t **out, size_t *n, mk_error **err);
/* The container is frozen (`pause`). */
bool ctr_paused (const struct container *c);

#endif
