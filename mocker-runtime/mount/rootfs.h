/* The container's file system view: mounts, devices, pivot_root, masked and
 * read-only paths.  Runs in the container's init process, inside its new
 * mount namespace (and user namespace, if any), in this order:
 *   rootfs_setup()     mount propagation, rootfs bind, config mounts in order,
 *                      default + linux.devices, /dev symlinks, pivot_root
 *                      (or chroot-like move with no_pivot), cwd = "/"
 *   ... (the caller sets up a console, hostname here) ...
 *   rootfs_finalize()  sysctl, maskedPaths, readonlyPaths, root.readonly remount,
 *                      rootfsPropagation of the new root
 */
#ifndef RT_ROOTFS_H
#define RT_ROOTFS_H

#include <stdbool.h>
#include "common/error.h"
#include "spec/spec.h"

/* rootfs: absolute host path of the root (bundle + root.path, resolved). */
int rootfs_setup (const struct spec *spec, const char *rootfs, bool no_pivot, mk_error **err);
int rootfs_finalize (const struct spec *spec, mk_error **err);

#endif
