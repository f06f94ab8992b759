/* Copying files and trees between directory descriptors, never following a
 * symlink: each step is one name under an open directory (O_NOFOLLOW), so a
 * symlink in the source is copied as a symlink and one in the destination
 * is replaced, never written through.  Used to fill a volume from the image
 * and by `mocker cp`.  Ownership, mode, times and extended attributes
 * (except trusted.overlay.*) are kept, and hard links within one copy. */
#ifndef MOCKER_COPY_TREE_H
#define MOCKER_COPY_TREE_H

#include "common/error.h"

/* Copies the entry sname under sdir to dname under ddir.  An existing
 * directory at the destination is merged into (when the source is one), any
 * other existing entry is replaced; a directory in the way of a non-directory
 * is an error (EISDIR), as a non-directory in the way of a directory (ENOTDIR). */
int copy_entry_at (int sdir, const char *sname, int ddir, const char *dname, mk_error **err);
/* Copies every entry of the directory sdir into the directory ddir. */
int copy_dir_contents (int sdir, int ddir, mk_error **err);

#endif
