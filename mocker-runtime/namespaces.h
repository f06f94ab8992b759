/* Namespaces of a new container: which ones clone3 makes, which ones are
 * joined by path (setns), the user namespace id maps, hostname/domainname. */
#ifndef RT_NAMESPACES_H
#define RT_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/spec.h"

#define NS_MAX_JOIN 8

struct ns_plan
{
  unsigned long clone_flags;  /* CLONE_NEW* made by clone3 (the cgroup ns is not among them) */
  bool new_user;              /* the parent writes uid_map/gid_map */
  bool new_cgroup;            /* unshared by the init once it is in its cgroup */
  bool has_uts;               /* hostname may be set */
  int pid_fd;                 /* pid ns to join: the parent enters it before clone3; -1 */
  /* Joined by the init right after clone3 (user first), fds opened by the runtime. */
  int join_fd[NS_MAX_JOIN];
  int join_type[NS_MAX_JOIN];
  size_t n_join;
};

/* Reads linux.namespaces; opens the namespaces to join.  A mount namespace is
 * required (the runtime never mounts in the host's). */
int ns_plan_make (const struct spec *spec, struct ns_plan *plan, mk_error **err);
void ns_plan_close (struct ns_plan *plan);

/* Child side, right after clone3: setns into the joined namespaces. */
int ns_join (const struct ns_plan *plan, mk_error **err);

/* Parent side: writes /proc/<pid>/uid_map and gid_map from linux.uidMappings/gidMappings. */
int ns_write_id_maps (pid_t pid, const struct spec *spec, mk_error **err);

/* Child side: sethostname/setdomainname (requires a uts namespace). */
int ns_set_hostname (const struct spec *spec, const struct ns_plan *plan, mk_error **err);

#endif
