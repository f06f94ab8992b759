/* mocker's default seccomp profile for `mocker run` (see docs/security.md). */
#ifndef MOCKER_SECCOMP_PROFILE_H
#define MOCKER_SECCOMP_PROFILE_H

#include "spec/spec.h"

/* A new profile: allow by default; EPERM for the system calls that a
 * container without CAP_SYS_ADMIN has no business making (kernel modules,
 * keyrings, mount API, namespaces, clock, reboot, ...), clone with
 * CLONE_NEWUSER refused, clone3 answered ENOSYS so libc falls back to clone. */
struct spec_seccomp *seccomp_default_profile (void);

#endif
