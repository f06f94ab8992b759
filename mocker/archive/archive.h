/* Image archives (docs/images.md "save and load"):
 *
 *   docker-archive  manifest.json ([{Config, RepoTags, Layers}]), repositories,
 *                   <config-hex>.json, <diff_id-hex>.tar (uncompressed layers):
 *                   what `docker save` and `podman save` write and load.
 *   oci-archive     an OCI image layout in a tar: oci-layout, index.json (one
 *                   entry per name, annotated org.opencontainers.image.ref.name),
 *                   blobs/sha256/ (manifests, configs, the compressed layers).
 *
 * save writes either; load reads both (and gzip'd layers in a docker-archive,
 * as podman and Docker 25 write them) from a stream: entries are staged under
 * the store's tmp/, each layer goes through the confined unpacker, checked
 * against the config's diff_ids, and its file is kept as the layer's blob. */
#ifndef MK_ARCHIVE_H
#define MK_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct store;

enum mk_archive_format
{
  MK_ARCHIVE_DOCKER,
  MK_ARCHIVE_OCI,
};

/* Writes the images (names or ids, as a user typed them) to fd as a tar. */
int mk_archive_save (struct store *s, char *const *images, size_t n,
                     enum mk_archive_format format, int fd, mk_error **err);

/* Called for each image loaded: name is the familiar "repo:tag", or NULL
 * for an image loaded without a name (id then says which). */
typedef void (*mk_load_report_fn) (const char *name, const char *id, void *opaque);

/* Reads a docker-archive or oci-archive tar (maybe compressed) from fd. */
int mk_archive_load (struct store *s, int fd, mk_load_report_fn report, void *opaque,
                     mk_error **err);

/* Writes an archive (fn (fd, opaque)) to the file output, atomically: a
 * temp file beside it, made 0644, synced and renamed over it when fn
 * succeeded, removed otherwise; NULL output: to stdout.  cmd ("save",
 * "export") starts the messages. */
typedef int (*mk_archive_write_fn) (int fd, void *opaque, mk_error **err);
int mk_archive_output (const char *cmd, const char *output, mk_archive_write_fn fn,
                       void *opaque, mk_error **err);

#endif
