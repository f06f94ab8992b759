/* The attributes of the user's process, applied by the container's init (and
 * by exec) just before execve, in this order:
 *   process_find_executable()  before blocking on start, so create can fail early
 *   process_apply_rlimits()    while still privileged (raising hard limits needs it)
 *   process_apply_oom_score_adj()
 *   process_final_env()        in the container's root, while still privileged
 *   process_enter_cwd()        still privileged, as runc: a 0700 cwd works for a user
 *                              that the config puts there
 *   process_apply_identity()   bounding set drop, setgroups/setgid/setuid keeping
 *                              capabilities, then the effective/permitted/inheritable/
 *                              ambient sets (libcap), umask
 *   process_recheck_cwd()      again as the user, when the privileged chdir was refused
 *   process_apply_no_new_privs()
 * (seccomp is loaded last by the caller, see seccomp.h)
 */
#ifndef RT_PROCESS_H
#define RT_PROCESS_H

#include <stdbool.h>

#include "common/error.h"
#include "spec/spec.h"

/* Looks args[0] up in the PATH of env (or the default PATH) when it has no '/';
 * checks it exists and is executable. *out = path to pass to execve. */
int process_find_executable (const struct spec_process *p, char **out, mk_error **err);
int process_apply_rlimits (const struct spec_process *p, mk_error **err);
int process_apply_oom_score_adj (const struct spec_process *p, mk_error **err);
int process_apply_identity (const struct spec_process *p, mk_error **err);
/* The environment to execve with (and for startContainer hooks without an
 * env of their own): process.env with the last of duplicate KEY= entries
 * winning (at the first one's place), plus HOME from the container's
 * /etc/passwd entry of the uid ("/" without one) when env has none. */
char **process_final_env (const struct spec_process *p);
/* chdir to process.cwd; a permission error sets *again instead of failing,
 * and process_recheck_cwd() then tries as the user (and fails). */
int process_enter_cwd (const struct spec_process *p, bool *again, mk_error **err);
int process_recheck_cwd (const struct spec_process *p, bool again, mk_error **err);
int process_apply_no_new_privs (const struct spec_process *p, mk_error **err);
/* Default dispositions for every signal and an empty mask (what the
 * runtime set up must not reach the container's process). */
void process_reset_signals (void);
/* fds 3 .. 3+n-1 stay open, everything else closes at execve. */
int process_keep_fds (int n, mk_error **err);

#endif
