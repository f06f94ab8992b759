/* mocker's default seccomp profile for `mocker run` (see docs/security.md). */
#ifndef MOCKER_SECCOMP_PROFILE_H
#define MOCKER_SECCOMP_PROFILE_H

#include "spec/spec.h"

/* A new profile, Docker's default: an allowlist (anything else fails with
 * EPERM), socket without AF_VSOCK, personality limited to the harmless
 * personas, more syscalls for each capability in caps (the container's
 * effective set, "CAP_*" names), and without CAP_SYS_ADMIN clone refused
 * any namespace flag and clone3 answered ENOSYS (libc falls back to clone). */
struct spec_seccomp *seccomp_default_profile (char *const *caps);

#endif
