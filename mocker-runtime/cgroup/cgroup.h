/* cgroups v1 and v2 behind one interface.  The runtime detects which layout
 * the host has (pure v2, hybrid, or v1) once; callers never care.
 * A container's cgroup is named by a path relative to each hierarchy's root
 * ("/mocker-<id>" by default, or linux.cgroupsPath). */
#ifndef RT_CGROUP_H
#define RT_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "common/error.h"
#include "spec/spec.h"

/* The cgroup path for a container: linux.cgroupsPath when given (a
 * "slice:prefix:name" form when systemd is true), else "/mocker-<id>". Heap. */
char *cgroup_path_for (const char *cgroups_path, const char *id, bool systemd);

/* Creates the cgroup in every hierarchy, applies res (may be NULL) and moves
 * pid into it.  On failure nothing is left behind. */
int cgroup_create (const char *path, const struct spec_resources *res, pid_t pid, mk_error **err);
/* Moves pid into an existing container cgroup (exec). */
int cgroup_enter (const char *path, pid_t pid, mk_error **err);
/* Applies new limits to an existing cgroup (update). */
int cgroup_update (const char *path, const struct spec_resources *res, mk_error **err);
/* Sends sig to every process in the cgroup. */
int cgroup_kill_all (const char *path, int sig, mk_error **err);
/* Lists the pids in the cgroup (heap array). */
int cgroup_pids (const char *path, pid_t **pids, size_t *n, mk_error **err);
int cgroup_freeze (const char *path, bool frozen, mk_error **err);
/* *frozen false when the cgroup does not exist. */
int cgroup_is_frozen (const char *path, bool *frozen, mk_error **err);
/* Removes the cgroup from every hierarchy (processes must be gone; retries a
 * little on EBUSY).  A missing cgroup is fine. */
int cgroup_destroy (const char *path, mk_error **err);

/* Usage counters of a container cgroup (events --stats).  Each value has a
 * has_ flag: false when the host does not provide it (or the limit is "max"). */
struct cgroup_stats
{
  bool has_cpu_usage; uint64_t cpu_usage_ns;        /* total CPU time */
  bool has_memory_usage; uint64_t memory_usage;     /* bytes, now */
  bool has_memory_limit; uint64_t memory_limit;     /* bytes */
  bool has_pids_current; uint64_t pids_current;
  bool has_pids_limit; uint64_t pids_limit;
};
int cgroup_stats (const char *path, struct cgroup_stats *out, mk_error **err);
/* OOM kills so far in the cgroup (events reports new ones); 0 without a memory controller. */
int cgroup_oom_kills (const char *path, uint64_t *count, mk_error **err);

#endif
