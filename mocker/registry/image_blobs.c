#include "mocker/registry/image_blobs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "mocker/registry/http.h"
#include "mocker/registry/reference.h"
#include "mocker/store/image.h"
#include "mocker/store/layer_blob.h"
#include "mocker/store/store.h"

static int
fetch_sink (void *opaque, const void *data, size_t len, mk_error **err)
{
  return blob_writer_write (opaque, data, len, err);
}

static void
push_unique (char ***v, const char *s)
{
  for (char **p = *v; p && *p; p++)
    if (strcmp (*p, s) == 0)
      return;
  strv_push (v, s);
}

void
mk_image_blobs_clear (struct mk_image_blobs *b)
{
  store_image_list_free (b->images, b->n_images);
  b->images = NULL;
  b->n_images = 0;
  b->listed = false;
}

char **
mk_image_layer_sources (struct mk_image_blobs *b, const struct store_image *img, size_t i)
{
  const struct store_image_layer *l = &img->layers[i];
  char **out = NULL;
  if (l->source)
    push_unique (&out, l->source);
  for (char **d = img->repo_digests; d && *d; d++)
    push_unique (&out, *d);
  if (l->digest == NULL)
    return out;
  /* records made before layers kept their source: the images of the store
   * with this blob say where they came from */
  if (!b->listed)
    {
      _cleanup_error_ mk_error *ignored = NULL;
      b->listed = true;
      if (store_image_list (b->store, &b->images, &b->n_images, &ignored) < 0)
        return out;
    }
  for (size_t k = 0; k < b->n_images; k++)
    for (size_t j = 0; j < b->images[k]->n_layers; j++)
      {
        const struct store_image *other = b->images[k];
        const struct store_image_layer *o = &other->layers[j];
        if (o->digest == NULL || strcmp (o->digest, l->digest) != 0)
          continue;
        if (o->source)
          push_unique (&out, o->source);
        for (char **d = other->repo_digests; d && *d; d++)
          push_unique (&out, *d);
      }
  return out;
}

/* A pulled layer's blob, fetched again from a registry it came from,
 * verified, kept. */
static int
fetch_blob (struct mk_image_blobs *b, const struct store_image *img, size_t i, bool insecure,
            mk_error **err)
{
  struct store *s = b->store;
  const char *digest = img->layers[i].digest;
  long long size = img->layers[i].blob_size;
  _cleanup_strv_ char **sources = mk_image_layer_sources (b, img, i);
  mk_error *last = NULL;
  for (char **d = sources; d && *d; d++)
    {
      _cleanup_reference_ struct mk_reference *src = NULL;
      _cleanup_registry_ struct mk_registry *reg = NULL;
      _cleanup_blob_writer_ struct blob_writer *w = NULL;
      mk_error_free (&last);
      if (mk_reference_parse (*d, &src, &last) < 0
          || mk_registry_open (src, insecure, &reg, &last) < 0)
        continue;
      w = store_blob_writer_new (s, &last);
      if (w == NULL)
        break;
      if (mk_registry_get_blob (reg, digest, size >= 0 ? size : INT64_MAX, fetch_sink, w, &last)
              == 0
          && blob_writer_commit (w, digest, size, NULL, &last) == 0)
        return 0;
    }
  if (last == NULL)
    return mk_error_set (err, 0,
                         "blob %s: the store keeps no copy and the image names no registry it "
                         "came from",
                         digest);
  *err = last;
  return mk_error_wrap (err, "fetch blob %s from where the image was pulled", digest);
}

int
mk_image_layer_blob (struct mk_image_blobs *b, struct store_image *img, size_t i, bool insecure,
                     mk_error **err)
{
  struct store *s = b->store;
  struct store_image_layer *l = &img->layers[i];
  if (l->digest && store_blob_exists (s, l->digest))
    return 0;
  if (l->digest)
    return fetch_blob (b, img, i, insecure, err);
  char *digest = NULL;
  long long size = 0;
  if (store_layer_blob_make (s, l->chain_id, l->diff_id, &digest, &size, err) < 0)
    return -1;
  l->digest = digest;
  free (l->media_type);
  l->media_type = xstrdup (LAYER_BLOB_MEDIA_TYPE);
  l->blob_size = size;
  return store_image_set_layer_blob (s, img->id, i, digest, l->media_type, size, err);
}
