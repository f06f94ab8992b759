/* Internals of the cgroup code, shared by cgroup.c (detection, dispatch),
 * cgroup_v1.c, cgroup_v2.c and cgroup_resources.c — and by the unit tests,
 * which point the code at a fake tree with cgroup_set_root_for_testing(). */
#ifndef RT_CGROUP_INTERNAL_H
#define RT_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/spec.h"

enum cgroup_layout
{
  CGROUP_LAYOUT_V2,     /* root is cgroup2 */
  CGROUP_LAYOUT_HYBRID, /* v1 controllers + cgroup2 (no controllers) at <root>/unified */
  CGROUP_LAYOUT_V1,     /* only v1 hierarchies */
};

/* One v1 hierarchy: a directory under the root ("memory", "cpu,cpuacct",
 * "systemd" for name=systemd), reached through its real name. */
struct cgroup_v1_hierarchy
{
  char *name;  /* the real directory name: "cpu,cpuacct", "memory", "systemd" */
  char *dir;   /* absolute path of the hierarchy's root */
};

struct cgroup_host
{
  enum cgroup_layout layout;
  char *v2_dir;   /* the cgroup2 root (pure v2 or hybrid), NULL on v1 */
  struct cgroup_v1_hierarchy *v1; size_t n_v1;
};

/* The host's layout, detected once (under the current root). */
const struct cgroup_host *cgroup_host (void);

/* Detects the layout of a cgroup root directory.  Pure v2: <root> holds
 * cgroup.controllers (it is a cgroup2 mount); hybrid: v1 hierarchies plus
 * <root>/unified/cgroup.controllers; v1: only v1 hierarchies.  A v1
 * hierarchy is any directory of <root> (symlinks resolved, each counted
 * once) holding cgroup.procs. */
int cgroup_detect (const char *root, struct cgroup_host *out, mk_error **err);
void cgroup_host_clear (struct cgroup_host *h);

/* Tests only: use another root (a fake tree) and forget the cached layout.
 * NULL returns to /sys/fs/cgroup. */
void cgroup_set_root_for_testing (const char *root);

/* Refuses a container cgroup path that is not absolute or has "." or ".."
 * components (it comes from config.json). */
int cgroup_check_path (const char *path, mk_error **err);
/* The directory whose cgroup.procs lists the container's processes: the
 * cgroup2 group (v2, hybrid), else the freezer (or first) v1 hierarchy. Heap. */
char *cgroup_primary_dir (const struct cgroup_host *h, const char *path);

/* The v1 hierarchy holding controller `c` ("memory", "cpuacct"), or NULL. */
const struct cgroup_v1_hierarchy *cgroup_v1_find (const struct cgroup_host *h, const char *c);

/* Files. Errors read `cgroup: write "1k" to /sys/.../memory.max: Invalid argument`. */
int cgroup_write (const char *dir, const char *file, const char *value, mk_error **err);
int cgroup_read (const char *dir, const char *file, char **out, mk_error **err);
bool cgroup_has_file (const char *dir, const char *file);
/* Reads cgroup.procs of dir (missing dir: zero pids). */
int cgroup_read_pids (const char *dir, pid_t **pids, size_t *n, mk_error **err);

/* mkdir -p of rel below root.  *created_from (heap, or NULL when nothing
 * was made) gets the topmost directory this call created, for rollback. */
int cgroup_mkdir (const char *root, const char *rel, char **created_from, mk_error **err);
/* Removes dir and every cgroup below it (deepest first), retrying on EBUSY
 * for a little while.  A missing dir is fine. */
int cgroup_rmdir_tree (const char *dir, mk_error **err);
/* Rollback: removes leaf and then each parent up to and including top. */
void cgroup_rmdir_up_to (const char *leaf, const char *top);

/* Pure conversions (cgroup_resources.c). */
uint64_t cgroup_shares_to_weight (uint64_t shares);
/* v2 memory.swap.max from the spec's memory+swap value and memory limit
 * (0 = not given): *out is the value to write ("max" as -1), *set false when
 * nothing should be written. */
int cgroup_v2_swap_max (bool has_swap, int64_t swap, bool has_limit, int64_t limit,
                        int64_t *out, bool *set, mk_error **err);
/* "max" for negative values, else the decimal number. Heap. */
char *cgroup_limit_string (int64_t v);
/* cpu.max: "<quota|max> <period>", or just the quota when period is 0 and
 * keep_period is true (the kernel keeps the current period).  quota < 0 = max.
 * NULL when neither is given. Heap. */
char *cgroup_cpu_max_string (bool has_quota, int64_t quota, bool has_period, uint64_t period);
/* A v1 devices.allow/deny line: "c 1:3 rwm", "a *:* rwm". Heap. */
char *cgroup_device_rule_string (const struct spec_device_cgroup *d);
/* "slice:prefix:name" (systemd cgroup driver syntax) mapped onto cgroupfs:
 * "system.slice:docker:abc" -> "/system.slice/docker-abc.scope". */
int cgroup_systemd_path (const char *spec, const char *id, char **out, mk_error **err);

/* linux.resources.devices as the cgroup v2 device program
 * (cgroup_devices_program.c, cgroup_v2_devices.c). */
struct cgroup_dev_rule
{
  bool allow;
  char type;           /* 'a', 'b', 'c' */
  int64_t major, minor; /* -1 = any */
  unsigned access;     /* BPF_DEVCG_ACC_* bits */
};
#define CGROUP_DEV_RWM 7u /* BPF_DEVCG_ACC_MKNOD | READ | WRITE */
/* The config's rules, then the default devices every container may use. Heap. */
int cgroup_dev_rules_from_spec (const struct spec_resources *res, struct cgroup_dev_rule **out,
                                size_t *n, mk_error **err);
/* The BPF_PROG_TYPE_CGROUP_DEVICE program deciding as the v1 devices
 * controller would after these rules were written to devices.allow/deny in
 * order. Heap array of struct bpf_insn. */
struct bpf_insn;
struct bpf_insn *cgroup_dev_program (const struct cgroup_dev_rule *rules, size_t n_rules,
                                     size_t *n_insns);
/* Loads the program for res's devices and makes it dir's only device
 * program, without a moment where dir has none. */
int cgroup_v2_devices_apply (const char *dir, const struct spec_resources *res, mk_error **err);

/* Per-version operations on a container cgroup `rel` (relative path). */
int cgroup_v2_create (const char *root, const char *rel, const struct spec_resources *res,
                      bool controllers, pid_t pid, mk_error **err);
int cgroup_v2_apply (const char *dir, const struct spec_resources *res, mk_error **err);
int cgroup_v2_freeze (const char *dir, bool frozen, mk_error **err);
int cgroup_v2_kill (const char *dir, int sig, mk_error **err);

int cgroup_v1_create (const struct cgroup_host *h, const char *rel,
                      const struct spec_resources *res, pid_t pid, mk_error **err);
int cgroup_v1_apply (const struct cgroup_host *h, const char *rel,
                     const struct spec_resources *res, mk_error **err);
int cgroup_v1_freeze (const char *dir, bool frozen, mk_error **err);

/* Signals every pid listed in dir's cgroup.procs; repeats once to catch
 * processes forked meanwhile. */
int cgroup_signal_procs (const char *dir, int sig, mk_error **err);

#endif
