/* linux.sysctl, written to /proc/sys after pivot_root.  Only namespaced
 * settings are allowed, and only when the container has that namespace
 * (net.* needs a network namespace, kernel.shm* an ipc one ...): a sysctl
 * must never change the host. */
#ifndef RT_SYSCTL_H
#define RT_SYSCTL_H

#include "common/error.h"
#include "spec/spec.h"

/* Checks one key against the namespaces of spec; the error names the key. */
int sysctl_check (const struct spec *spec, const char *key, mk_error **err);
int sysctl_apply (const struct spec *spec, mk_error **err);

#endif
