/* Layers: unpacking a (compressed) tar stream into the store, and packing a
 * directory into a layer tar.
 *
 * Unpacking is confined: the entries are written by a forked child that
 * chroot()s into the new layer's staging directory, so whatever the tar
 * says ("..", absolute names, symlinks or hardlinks pointing out, writing
 * through a symlink) nothing outside that directory can be reached; on top
 * of that such entries are rejected with a clear error (libarchive's
 * ARCHIVE_EXTRACT_SECURE_* checks and our own name checks), and the layer is
 * then not published.  Whiteouts become what overlayfs needs: `.wh.NAME` a
 * 0/0 character device NAME, `DIR/.wh..wh..opq` the xattr
 * trusted.overlay.opaque=y on DIR.  Device nodes, setuid bits, owners,
 * hardlinks and xattrs (security.capability...) are kept; trusted.overlay.*
 * xattrs in the tar are dropped.  A hardlink entry only adds a name: its data
 * and metadata (mode, owner, ACL...) are ignored, so nothing is written to
 * or through its target (a hardlink to a symlink links the symlink).
 *
 * The caller feeds the bytes (gzip, zstd or plain tar, detected from the
 * data): they go down a pipe to the child, which decompresses with one
 * libarchive reader (raw format), hashes the uncompressed bytes (the
 * diff_id) and feeds them to a second libarchive reader (tar) that
 * extracts.  The bytes fed are hashed too (the blob digest).  Finishing
 * checks the diff_id and publishes layers/<chainid>/ with one rename (if
 * another process published the same chain id first, ours is dropped).
 */
#ifndef MOCKER_STORE_LAYER_H
#define MOCKER_STORE_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "mocker/store/store.h"

struct layer_unpack;

/* Starts an unpack: a staging directory and the confined child. */
struct layer_unpack *layer_unpack_begin (struct store *s, mk_error **err);
/* Before the first write: the caller does not want the digest of the bytes
 * fed (input_digest_out of finish), so they are not hashed (a pass less). */
void layer_unpack_skip_input_digest (struct layer_unpack *u);
/* Feeds bytes of the layer (compressed or not). Fails when the child
 * stopped (a rejected entry): the error says why. */
int layer_unpack_write (struct layer_unpack *u, const void *data, size_t len, mk_error **err);
/* Ends the stream, waits for the child, checks expected_diff_id (NULL: no
 * check), publishes the layer as ChainID(parent_chain_id, diff_id)
 * (parent NULL for a base layer).  Outputs (each optional): the diff_id,
 * the chain id, the digest of the bytes fed (the compressed blob digest) and
 * the unpacked size. */
int layer_unpack_finish (struct layer_unpack *u, const char *parent_chain_id,
                         const char *expected_diff_id, char **diff_id_out, char **chain_id_out,
                         char **input_digest_out, long long *size_out, mk_error **err);
/* Kills the child if still running and removes the staging directory. */
void layer_unpack_free (struct layer_unpack *u);
void cleanup_layer_unpackp (struct layer_unpack **u);
#define _cleanup_layer_unpack_ __attribute__ ((cleanup (cleanup_layer_unpackp)))

/* Convenience: feeds everything read from fd, then finishes. */
int layer_unpack_fd (struct store *s, int fd, const char *parent_chain_id,
                     const char *expected_diff_id, char **diff_id_out, char **chain_id_out,
                     mk_error **err);

/* ---- packing ---------------------------------------------------------- */

/* Receives the uncompressed tar bytes as they are produced. */
typedef int (*layer_sink_fn) (void *opaque, const void *data, size_t len, mk_error **err);

struct layer_pack_opts
{
  /* Commit: turn overlay whiteouts (0/0 char devices, opaque dirs) back into
   * `.wh.` entries and leave out trusted.overlay.* xattrs. */
  bool overlay_whiteouts;
  /* Paths (relative to dir, no leading '/') left out with everything under
   * them, or NULL (commit: mount points the runtime made in the upper dir). */
  char *const *skip;
};

/* Writes dir as a tar stream (pax, so xattrs and long names survive) with
 * names relative to dir, keeping modes, owners (numeric), mtimes,
 * symlinks, hardlinks, devices and xattrs.  Never descends into another
 * file system (a mount point is packed as an empty directory); sockets are
 * left out.  opts may be NULL. */
int layer_pack_dir (const char *dir, const struct layer_pack_opts *opts, layer_sink_fn sink,
                    void *opaque, mk_error **err);

enum layer_compression
{
  LAYER_COMPRESSION_NONE,
  LAYER_COMPRESSION_GZIP,
  /* Keep no blob at all (commit, where speed matters and a push could
   * regenerate it): digest is then NULL, blob_size the tar's size. */
  LAYER_COMPRESSION_NO_BLOB,
};

struct layer_created
{
  char *diff_id;
  char *chain_id;
  char *digest;        /* of the stored blob; NULL with LAYER_COMPRESSION_NO_BLOB */
  const char *media_type;  /* static string */
  long long blob_size;
  long long size;      /* unpacked */
};
void layer_created_clear (struct layer_created *c);

/* Packs dir into a layer in one pass: the tar goes compressed into a blob
 * and at the same time into a layer_unpack (so the layer directory is
 * exactly what the blob holds).  For `init` and `commit`. */
int layer_create_from_dir (struct store *s, const char *dir, const char *parent_chain_id,
                           enum layer_compression compression,
                           const struct layer_pack_opts *opts, struct layer_created *out,
                           mk_error **err);

#endif
