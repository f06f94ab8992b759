/* Unmounting a container's rootfs and deleting its directory: shared by
 * mocker and mocker-monitor (which tears down containers without a bridge
 * network itself), so only common/ is used here. */
#ifndef MOCKER_CONTAINER_REMOVE_H
#define MOCKER_CONTAINER_REMOVE_H

#include <stdbool.h>

#include "common/error.h"

/* Is dir/bundle/rootfs a mount point? */
bool ctr_rootfs_mounted (const char *dir);
/* Unmounts dir/bundle/rootfs (every stacked mount; lazily when busy). */
void ctr_umount_rootfs (const char *dir);
/* Deletes <base>/<id> (renamed to <base>/.trash-<id> first, so a crash
 * midway leaves no half container) and the name link <base>/.names/<name>
 * when it still points to id.  A missing directory is fine. */
int ctr_remove_dir (const char *base, const char *id, const char *name, mk_error **err);
/* Its first half: unmount, rename out of sight, drop the name.  Returns the
 * path to delete (heap), or NULL: already gone (*err empty) or failed. */
char *ctr_trash_dir (const char *base, const char *id, const char *name, mk_error **err);

#endif
