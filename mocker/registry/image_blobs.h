/* The compressed blob of an image's layer, in the store, for push and save:
 * the one kept by init/import/load (or an earlier call); for a layer that
 * kept none (commit), a gzip blob made once from its directory; for a
 * pulled layer (the pull streams blobs into the unpacker and keeps none),
 * the blob fetched once from a registry the image came from (its repo
 * digests). Either way it is recorded in the image's record, so the next
 * push or save finds it. */
#ifndef MK_REGISTRY_IMAGE_BLOBS_H
#define MK_REGISTRY_IMAGE_BLOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct store;
struct store_image;

/* The store as one push or save sees it, layer after layer: the store's
 * image records (for the sources of layers whose own image names none
 * that works) are read at most once, at the first layer that needs them,
 * not once per layer.  Zero it with .store set; clear it when done. */
struct mk_image_blobs
{
  struct store *store;
  struct store_image **images;  /* the store's images, once listed */
  size_t n_images;
  bool listed;
};
void mk_image_blobs_clear (struct mk_image_blobs *b);

/* Makes sure the store has img->layers[i]'s blob; updates that layer's
 * digest, media_type and blob_size (in img and in the store). */
int mk_image_layer_blob (struct mk_image_blobs *b, struct store_image *img, size_t i,
                         bool insecure, mk_error **err);

/* Where img->layers[i]'s blob can be fetched or mounted from, best first,
 * as references (mk_reference_parse): the layer's source repository, the
 * image's repo digests, then those of the store's images with the same
 * blob. NULL when none. */
char **mk_image_layer_sources (struct mk_image_blobs *b, const struct store_image *img, size_t i);

#endif
