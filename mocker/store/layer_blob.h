/* Compressed blobs for layers that kept none (see layer_blob.c). */
#ifndef MOCKER_STORE_LAYER_BLOB_H
#define MOCKER_STORE_LAYER_BLOB_H

#include "common/error.h"
#include "mocker/store/store.h"

#define LAYER_BLOB_MEDIA_TYPE "application/vnd.oci.image.layer.v1.tar+gzip"

/* Packs layers/<chain_id>/diff again and keeps it gzip-compressed in
 * blobs/; fails when the tar does not hash to diff_id. *digest_out gets the
 * blob's digest, *size_out its size. */
int store_layer_blob_make (struct store *s, const char *chain_id, const char *diff_id,
                           char **digest_out, long long *size_out, mk_error **err);

#endif
