#include "mocker-runtime/kernel/user.h"

#include <errno.h>
#include <grp.h>
#include <unistd.h>

int
user_apply (const struct spec_user *u, mk_error **err)
{
  /* Also with no additionalGids: the runtime's own groups must not leak in.
   * A user namespace with setgroups denied refuses even that (EPERM): fine
   * then, as long as no groups were asked for. */
  if (setgroups (u->n_additional_gids, (const gid_t *) u->additional_gids) < 0
      && !(errno == EPERM && u->n_additional_gids == 0))
    return mk_error_set (err, errno, "process.user.additionalGids: setgroups");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return mk_error_set (err, errno, "process.user.gid: setgid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return mk_error_set (err, errno, "process.user.uid: setuid %u", u->uid);
  return 0;
}
