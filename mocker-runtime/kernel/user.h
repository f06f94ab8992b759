/* process.user: supplementary groups, gid and uid.  The caller keeps the
 * capabilities across the uid change (PR_SET_KEEPCAPS) and sets them after. */
#ifndef RT_USER_H
#define RT_USER_H

#include "common/error.h"
#include "spec/spec.h"

int user_apply (const struct spec_user *u, mk_error **err);

#endif
