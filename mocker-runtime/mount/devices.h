/* /dev inside the container: the default devices (null zero full random
 * urandom tty), the linux.devices entries, and the usual symlinks (fd,
 * stdin/stdout/stderr, ptmx -> pts/ptmx, core).  Done before pivot_root,
 * inside the root given by rootfd.  Where mknod is not allowed (a user
 * namespace) the host's device is bind-mounted onto an empty file instead;
 * a bound host device is never chmod'ed or chown'ed. */
#ifndef RT_DEVICES_H
#define RT_DEVICES_H

#include "common/error.h"
#include "spec/spec.h"

int devices_setup (int rootfd, const struct spec *spec, mk_error **err);

#endif
