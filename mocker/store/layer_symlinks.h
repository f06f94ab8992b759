/* The symlinks a layer has made so far, so that the unpacker can refuse an
 * entry that would be written through one without probing every component of
 * every name on disk (libarchive's ARCHIVE_EXTRACT_SECURE_SYMLINKS does that:
 * ~9 syscalls per entry, most of the unpacker's system time on a big layer).
 * This is exact because the unpacker starts in an empty directory (its own
 * chroot): every symlink in it was made by an entry of this layer, either a
 * symlink entry or a hardlink to one.  A name found in the set is confirmed
 * with lstat (a later entry may have replaced the link). */
#ifndef MOCKER_STORE_LAYER_SYMLINKS_H
#define MOCKER_STORE_LAYER_SYMLINKS_H

#include <stdbool.h>

#include "common/error.h"

struct layer_symlinks;

struct layer_symlinks *layer_symlinks_new (void);
void layer_symlinks_free (struct layer_symlinks *s);
void cleanup_layer_symlinksp (struct layer_symlinks **s);
#define _cleanup_layer_symlinks_ __attribute__ ((cleanup (cleanup_layer_symlinksp)))

/* name without empty and "." components ("./a//b/" -> "a/b"); the caller
 * has refused ".." and absolute names already. */
char *layer_path_normalize (const char *name);

/* Records norm (normalized) as a symlink. */
void layer_symlinks_add (struct layer_symlinks *s, const char *norm);

/* Whether norm itself is a symlink this layer made and still is one. */
bool layer_symlinks_is_link (struct layer_symlinks *s, const char *norm);

/* Whether some parent of norm is a symlink; returns it (to free) or NULL. */
char *layer_symlinks_through (struct layer_symlinks *s, const char *norm);

#endif
