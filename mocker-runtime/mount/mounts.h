/* One config.json mount, performed inside the container's root (before
 * pivot_root), plus the small mount helpers the other rootfs files share. */
#ifndef RT_MOUNTS_H
#define RT_MOUNTS_H

#include <stdbool.h>
#include <sys/types.h>
#include "common/error.h"
#include "spec/spec.h"
#include "mocker-runtime/mount/mount_options.h"

/* Mounts spec->mounts[index] at its destination below rootfd (an O_PATH fd
 * of the root, already a mount point), creating the mount point.
 * With defer_ro, a file system asked to be read-only ("ro") is mounted
 * writable and *ro_later gets an O_PATH fd of its mount, to be made
 * read-only once what goes beneath it exists (mount_make_readonly); else
 * *ro_later is -1. */
int mount_spec_entry (int rootfd, const struct spec *spec, size_t index, bool defer_ro,
                      int *ro_later, mk_error **err);

/* Runtime side, before the init is cloned.  Makes relative bind sources
 * absolute (relative to the bundle, as the runtime-spec says).  With userns
 * (the init will have no privilege on the host: a source below a root-only
 * directory is out of its reach; created or given by path), every bind
 * source outside the rootfs is marked for the runtime to open
 * (mount_sources_send).  Sources inside the
 * rootfs are left to the init, which resolves them when their turn comes, so
 * they see the mounts made before them.  The init inherits the marks. */
int mount_sources_prepare (struct spec *spec, const char *bundle, const char *rootfs, bool userns,
                           mk_error **err);

/* How many sources are marked for the runtime to open. */
size_t mount_sources_pending (void);

/* Runtime side, once the init asked for them (an empty SYNC_FDS, sent when
 * its namespaces are made) and before it mounts anything: joins its mount
 * namespace, opens the marked sources there (O_PATH: the namespace's own
 * copies, with the locks the kernel put on them), returns to its own, and
 * sends the fds (SYNC_FDS).  Nothing is sent when none is marked. */
int mount_sources_send (const struct spec *spec, pid_t pid, int sync_fd, mk_error **err);

/* Init side, before GO: asks for them and receives them; mount_spec_entry
 * binds them. */
int mount_sources_receive (int sync_fd, mk_error **err);

/* Closes the fds and forgets the marks. */
void mount_sources_close (void);

/* Makes the mount at fd read-only (that mount only, not the ones beneath). */
int mount_make_readonly (int fd, const char *what, mk_error **err);

/* MS_REMOUNT|MS_BIND with flags; when the kernel refuses (EPERM: flags locked
 * by a less privileged user namespace) the mount's current locked flags are
 * kept and it is tried once more. */
int mount_remount_bind (const char *target, unsigned long flags, const char *what, mk_error **err);

/* MS_REMOUNT|MS_BIND adding flags to the ones the mount already has. */
int mount_remount_add (const char *target, unsigned long flags, const char *what, mk_error **err);

/* mount_setattr(AT_RECURSIVE) on the mount at fd: MOUNT_ATTR_* set/cleared. */
int mount_setattr_recursive (int fd, unsigned long long set, unsigned long long clr, const char *what,
                             mk_error **err);

/* Each propagation flag by its own mount call. */
int mount_apply_propagation (const char *target, const unsigned long *props, size_t n,
                             const char *what, mk_error **err);

/* Binds source onto the entry at dest below rootfd (created: a directory or
 * an empty file like the source), recursive when rec.  Returns an O_PATH fd
 * of the new mount's root. */
int mount_bind_into_root (int rootfd, const char *source, const char *dest, bool rec,
                          mk_error **err);

/* The cgroup file system at m's destination (mount_cgroup.c). */
int mount_cgroup (int rootfd, const struct spec *spec, const struct spec_mount *m,
                  const struct mount_options *o, mk_error **err);

#endif
