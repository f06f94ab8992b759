/* STUB (owner: rt-cgroup helper) — replaced by the real implementation. */
#include "mocker-runtime/cgroup.h"
#include "common/util.h"
char *cgroup_path_for (const char *cgroups_path, const char *id, bool systemd)
{ (void) systemd; return cgroups_path ? xstrdup (cgroups_path) : xasprintf ("/mocker/%s", id); }
int cgroup_create (const char *path, const struct spec_resources *res, pid_t pid, mk_error **err)
{ (void) path; (void) res; (void) pid; (void) err; return 0; }
int cgroup_enter (const char *path, pid_t pid, mk_error **err) { (void) path; (void) pid; (void) err; return 0; }
int cgroup_update (const char *path, const struct spec_resources *res, mk_error **err) { (void) path; (void) res; (void) err; return 0; }
int cgroup_kill_all (const char *path, int sig, mk_error **err) { (void) path; (void) sig; (void) err; return 0; }
int cgroup_pids (const char *path, pid_t **pids, size_t *n, mk_error **err) { (void) path; (void) err; *pids = NULL; *n = 0; return 0; }
int cgroup_freeze (const char *path, bool frozen, mk_error **err) { (void) path; (void) frozen; (void) err; return 0; }
int cgroup_is_frozen (const char *path, bool *frozen, mk_error **err) { (void) path; (void) err; *frozen = false; return 0; }
int cgroup_destroy (const char *path, mk_error **err) { (void) path; (void) err; return 0; }
