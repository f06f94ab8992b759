/* Namespaces of a new container: which ones clone3 makes, which ones are
 * joined by path (setns), the user namespace id maps, hostname/domainname. */
#ifndef RT_NAMESPACES_H
#define RT_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/spec.h"

#define NS_MAX_JOIN 8

/* Namespaces with a `path` are joined by the runtime itself around clone3
 * (the child is born in them, and joining needs the runtime's privileges:
 * from inside a new user namespace it would be refused), except a user
 * namespace, which the init joins first; the init then makes the new
 * namespaces itself (unshare), so that they belong to that user namespace. */
struct ns_plan
{
  unsigned long clone_flags;   /* CLONE_NEW* made by clone3 (never the cgroup ns) */
  unsigned long unshare_flags; /* made by the init after joining user_fd */
  bool new_user;               /* the parent writes uid_map/gid_map */
  bool new_cgroup;             /* unshared by the init once it is in its cgroup */
  bool has_uts;                /* hostname may be set */
  int user_fd;                 /* user ns joined by the init; -1 */
  int join_fd[NS_MAX_JOIN];    /* joined by the runtime around clone3 */
  int join_type[NS_MAX_JOIN];
  size_t n_join;
};

/* Reads linux.namespaces; opens the namespaces to join.  A mount namespace is
 * required (the runtime never mounts in the host's). */
int ns_plan_make (const struct spec *spec, struct ns_plan *plan, mk_error **err);
void ns_plan_close (struct ns_plan *plan);

/* The runtime's own namespaces, kept while it visits the container's. */
struct ns_saved
{
  int fd[NS_MAX_JOIN];
  int type[NS_MAX_JOIN];
  size_t n;
  int cwd_fd;
};

/* Parent side: enters the namespaces to join (saving its own) just before
 * clone3, and returns to its own right after. */
int ns_enter_for_clone (const struct ns_plan *plan, struct ns_saved *saved, mk_error **err);
int ns_leave_after_clone (struct ns_saved *saved, mk_error **err);

/* Child side, right after clone3: joins the user namespace given by path and
 * makes the namespaces that must belong to it. */
int ns_join (const struct ns_plan *plan, mk_error **err);

/* Parent side: writes /proc/<pid>/uid_map and gid_map from linux.uidMappings/gidMappings. */
int ns_write_id_maps (pid_t pid, const struct spec *spec, mk_error **err);

/* Child side: sethostname/setdomainname (requires a uts namespace). */
int ns_set_hostname (const struct spec *spec, const struct ns_plan *plan, mk_error **err);

#endif
