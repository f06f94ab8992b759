/* linux.seccomp through libseccomp: compiled and loaded as the very last step
 * before execve (after capabilities and no_new_privs, as the spec requires). */
#ifndef RT_SECCOMP_H
#define RT_SECCOMP_H

#include "common/error.h"
#include "spec/spec.h"

/* s may be NULL (nothing to do). */
int seccomp_apply (const struct spec_seccomp *s, mk_error **err);

/* Compiles the filter without loading it: lets `create` report a bad
 * linux.seccomp (unknown action/operator/architecture/flag, with its JSON
 * path) before any process is made. */
int seccomp_check (const struct spec_seccomp *s, mk_error **err);

#endif
