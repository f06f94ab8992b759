/* Opening a path inside a directory tree (a container's rootfs, an image
 * layer) so that neither "..", absolute symlinks nor relative symlinks can
 * lead outside it: openat2(2) with RESOLVE_IN_ROOT. */
#ifndef MK_IN_ROOT_H
#define MK_IN_ROOT_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Like openat(rootfd, path, flags, mode), but every lookup stays beneath
 * rootfd: "/" and ".." resolve to rootfd itself. Returns an fd or -1 with
 * errno set (no mk_error: callers often treat ENOENT as normal). */
int openat_in_root (int rootfd, const char *path, int flags, mode_t mode);

/* Reads a whole file inside root (at most max bytes). ENOENT -> *out = NULL, 0. */
int read_file_in_root (const char *root, const char *path, size_t max, char **out,
                       mk_error **err);

#endif
