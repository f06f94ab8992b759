/* Internals of seccomp.c, visible to the unit tests: the name tables and the
 * filter compiler without the final load. */
#ifndef RT_SECCOMP_INTERNAL_H
#define RT_SECCOMP_INTERNAL_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "spec/spec.h"

/* "SCMP_ACT_ERRNO" & co. onto a libseccomp action; errno_ret is used by
 * ERRNO (default EPERM) and TRACE.  where names the JSON path in errors
 * ("linux.seccomp.syscalls[2].action"). */
int seccomp_parse_action (const char *name, bool has_errno_ret, uint32_t errno_ret,
                          const char *where, uint32_t *out, mk_error **err);
/* "SCMP_CMP_EQ" & co. */
int seccomp_parse_op (const char *name, const char *where, enum scmp_compare *out,
                      mk_error **err);
/* "SCMP_ARCH_X86_64" & co. onto libseccomp's arch token. */
int seccomp_parse_arch (const char *name, const char *where, uint32_t *out, mk_error **err);

/* True when a rule of s is SCMP_ACT_NOTIFY: the filter is loaded with a
 * listener (SECCOMP_FILTER_FLAG_NEW_LISTENER) for linux.seccomp.listenerPath. */
bool seccomp_wants_listener (const struct spec_seccomp *s);

/* Compiles the filter (nothing is loaded). */
int seccomp_build (const struct spec_seccomp *s, scmp_filter_ctx *out, mk_error **err);

#endif
