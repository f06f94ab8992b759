/* `mocker cp`'s tar streams (libarchive): a file or tree out as a tar on a
 * descriptor, a tar from a descriptor into a directory.  Every entry is
 * created under the destination directory with its parent resolved beneath
 * it (RESOLVE_IN_ROOT): neither "..", an absolute name nor a symlink can
 * lead out of it. */
#ifndef MOCKER_CP_TAR_H
#define MOCKER_CP_TAR_H

#include "common/error.h"

struct mocker_ctx;

/* Where the tar streams are: in mocker-heavy this returns 0 (here); the
 * light binary (mocker/light/cp_tar_light.c) has no libarchive and execs
 * mocker-heavy with the same argv, returning only on failure (-1). */
int cp_tar_here_or_exec (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

/* Writes sname (under the directory sdir, not followed if a symlink) and,
 * for a directory, everything below it, as a tar to out; entry names start
 * with aname. */
int cp_tar_write (int sdir, const char *sname, const char *aname, int out, mk_error **err);
/* Extracts the tar read from in into the directory ddir. */
int cp_tar_extract (int in, int ddir, mk_error **err);

#endif
