/* The image store: content-addressed blobs, layers unpacked once per chain
 * id, image records and the repositories index.  docs/store.md draws the
 * layout; in short, under the root:
 *
 *   lock                         flock held around every index mutation
 *   repositories.json            the index: registered images, tags, digests
 *   blobs/sha256/<hex>           compressed layers, configs, manifests
 *   layers/<chainid-hex>/diff/   one unpacked layer (overlay lowerdir form)
 *   layers/<chainid-hex>/layer.json   {diff_id, parent, size, ...}
 *   images/<id-hex>/config.json  the exact config bytes (id = their sha256)
 *   images/<id-hex>/image.json   layers (chain ids, digests), size, created
 *   containers/<id>/             one directory per container (issue 5)
 *   tmp/                         staging; every entry flocked by its owner
 *
 * Publishing order: blobs, layers, image directory, then the index.  Only
 * the index says an image exists, so a process killed at any point leaves
 * no half image, and the blobs and layers it made are reused next time.
 *
 * Digests are "sha256:<hex>" strings everywhere (common/digest.h).  Names
 * (tags) are given to the store already normalized: "docker.io/library/
 * busybox:latest"; store_ref_normalize() in mocker/store/refname.h does it.
 */
#ifndef MOCKER_STORE_H
#define MOCKER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "common/error.h"

struct store;

/* Sets *err like mk_error_set but without the strerror text: for the
 * store's logical errors ("no such image") that still carry a code callers
 * test (ENOENT, EINVAL, EBUSY). Returns -1. */
int store_fail (mk_error **err, int code, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* 64 random hex digits: the ids of containers, networks (Docker's). */
void store_random_id (char out[65]);

/* Opens the store at root, creating its directories when missing, and
 * removes staging leftovers of dead processes. */
struct store *store_open (const char *root, mk_error **err);
void store_close (struct store *s);
void cleanup_storep (struct store **s);
#define _cleanup_store_ __attribute__ ((cleanup (cleanup_storep)))

const char *store_root (const struct store *s);
/* root + "/" + rel (heap). */
char *store_path (const struct store *s, const char *rel);

/* Takes the store lock (exclusive flock on <root>/lock); returns the fd
 * holding it: close it to release (use _cleanup_close_).  Not reentrant:
 * functions below that take it say so, don't call them while holding it. */
int store_lock (struct store *s, mk_error **err);

/* A private staging directory under <root>/tmp, flocked while the returned
 * fd is open (a crashed owner's directory is removed by the next
 * store_open).  *path gets its path. */
int store_tmpdir_create (struct store *s, const char *what, char **path, mk_error **err);
/* Removes a staging directory (after its content was renamed away or on
 * failure) and closes its lock fd. */
void store_tmpdir_remove (const char *path, int lock_fd);

/* ---- blobs ---------------------------------------------------------- */

/* Streams a blob into the store: bytes are hashed while written to a temp
 * file; commit verifies digest (and size) and renames into blobs/sha256/.
 * Freeing an uncommitted writer deletes the temp file.  No lock needed:
 * blobs are content-addressed, the rename is atomic. */
struct blob_writer;
struct blob_writer *store_blob_writer_new (struct store *s, mk_error **err);
int blob_writer_write (struct blob_writer *w, const void *data, size_t len, mk_error **err);
unsigned long long blob_writer_size (const struct blob_writer *w);
/* expected_digest may be NULL (store under whatever it hashes to),
 * expected_size < 0 means unknown.  *digest_out (optional) gets the digest. */
int blob_writer_commit (struct blob_writer *w, const char *expected_digest,
                        long long expected_size, char **digest_out, mk_error **err);
void blob_writer_free (struct blob_writer *w);
void cleanup_blob_writerp (struct blob_writer **w);
#define _cleanup_blob_writer_ __attribute__ ((cleanup (cleanup_blob_writerp)))

/* Whole-buffer convenience. */
int store_blob_put (struct store *s, const void *data, size_t len, const char *expected_digest,
                    char **digest_out, mk_error **err);
/* Keeps fd, a file of ours under the store's tmp/ that the caller hashed
 * to digest while reading it and that nobody else writes, as the blob
 * digest: fsync'd, made 0644 and hard-linked into blobs/sha256/ (through a
 * temp name, renamed over: atomic) instead of copied.  The file stays
 * where it is too. */
int store_blob_adopt (struct store *s, int fd, const char *path, const char *digest,
                      mk_error **err);
bool store_blob_exists (struct store *s, const char *digest);
/* Re-hashes a stored blob; a corrupt one is removed and reported as
 * missing (ENOENT). Returns its size in *size (optional). */
int store_blob_verify (struct store *s, const char *digest, long long *size, mk_error **err);
char *store_blob_path (const struct store *s, const char *digest);
int store_blob_read (struct store *s, const char *digest, char **data, size_t *len, mk_error **err);

/* ---- layers (unpacking is in mocker/store/layer.h) ------------------ */

/* ChainID(parent, diff_id) = diff_id without parent, else
 * sha256(parent + " " + diff_id). */
char *store_chain_id (const char *parent_chain_id, const char *diff_id);

struct store_layer_info
{
  char *chain_id;
  char *diff_id;
  char *parent;     /* parent chain id or NULL */
  long long size;   /* bytes of file content unpacked */
  long long tar_size; /* bytes of the uncompressed tar the diff_id is of; 0: not recorded
                       * (a layer unpacked before it was) */
};
void store_layer_info_clear (struct store_layer_info *l);

bool store_layer_exists (struct store *s, const char *chain_id);
/* <root>/layers/<hex>/diff: the directory to use as an overlay lowerdir. */
char *store_layer_diff_dir (const struct store *s, const char *chain_id);
int store_layer_load (struct store *s, const char *chain_id, struct store_layer_info *out,
                      mk_error **err);

#endif
