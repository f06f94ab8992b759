/* A container without a mount namespace shares the runtime's (the
 * runtime-spec lets it inherit that namespace): its init binds the rootfs
 * onto itself, privately, mounts mounts[] beneath that bind and chroots into
 * it (rootfs.c).  The bind is the runtime's to remove: once the create
 * succeeded its mount id is kept in the state directory (`rootfs.mount`;
 * during the create, "!<id>" of the mount there before), and delete (or a
 * failed create) detaches it, with everything beneath. */
#ifndef RT_ROOTFS_SHARED_H
#define RT_ROOTFS_SHARED_H

#include <stdbool.h>
#include <stdint.h>
#include "spec/spec.h"

/* Whether the container shares the runtime's mount namespace. */
bool rootfs_shared_ns (const struct spec *spec);

/* The id of the mount at path (the top one), 0 when unknown. */
uint64_t rootfs_mount_id (const char *path);

/* Before the clone: records that whatever mount comes to be at the rootfs
 * instead of the one seen now (before) is the init's, for a create killed
 * halfway (delete --force or the next create clean up). */
void rootfs_shared_expect (int state_dfd, uint64_t before);

/* After a successful create: records the init's bind (its exact id) when the
 * mount at rootfs is no longer the one seen before the clone (before). */
void rootfs_shared_record (int state_dfd, const char *rootfs, uint64_t before);

/* A failed create: detaches the init's bind if it was made. */
void rootfs_shared_undo (const char *rootfs, uint64_t before);

/* delete, or the clean-up of a create killed halfway: detaches the recorded
 * bind, if still there. */
void rootfs_shared_release (int state_dfd, const char *rootfs);

#endif
