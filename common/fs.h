/* File system helpers shared by both tiers. */
#ifndef MK_FS_H
#define MK_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Reads a whole file (at most max bytes, 0 = no limit) into a NUL-terminated
 * heap buffer; *len (optional) gets its length. dirfd may be AT_FDCWD. */
int read_file_at (int dirfd, const char *path, size_t max, char **out, size_t *len, mk_error **err);
int read_file (const char *path, char **out, size_t *len, mk_error **err);

/* Appends what fd has now (up to its end or an error) to the heap buffer
 * *buf of *len bytes in *cap, growing it: for a file that grows while it is
 * followed (logs -f, events). */
void read_append (int fd, char **buf, size_t *len, size_t *cap);

/* Writes data to path atomically: a temp file in the same directory, fsync
 * when durable is true, rename over path. Nothing half-written stays behind. */
int write_file_atomic_at (int dirfd, const char *path, const void *data, size_t len,
                          mode_t mode, bool durable, mk_error **err);
int write_file_atomic (const char *path, const void *data, size_t len, mode_t mode,
                       bool durable, mk_error **err);

/* Creates path (which must not exist) and writes data to it, no rename: for
 * files in a directory nobody sees yet (published later by renaming the
 * directory itself). On failure the file is removed again. */
int write_file_new_at (int dirfd, const char *path, const void *data, size_t len, mode_t mode,
                       mk_error **err);

/* Writes a string to an existing file (a cgroup or /proc knob), no rename. */
int write_file_string (const char *path, const char *s, mk_error **err);
int write_file_string_at (int dirfd, const char *path, const char *s, mk_error **err);

/* mkdir -p; existing directories are fine. */
int mkdir_p (const char *path, mode_t mode, mk_error **err);

/* rm -rf that never crosses into another file system (a mount point found
 * below path is an error, never descended into). Missing path is fine. */
int rm_rf_one_fs (const char *path, mk_error **err);

/* Joins two path pieces with exactly one '/'. */
char *path_join (const char *a, const char *b);

bool path_exists (const char *path);
bool dir_exists (const char *path);

/* fsync a directory (after a rename into it). */
int fsync_dir (const char *dir, mk_error **err);

#endif
