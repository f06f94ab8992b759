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

/* A pulled layer's blob, fetched again from a registry the image came
 * from, verified, kept. */
static int
fetch_blob (struct store *s, const struct store_image *img, const char *digest, long long size,
            bool insecure, mk_error **err)
{
  mk_error *last = NULL;
  for (char **d = img->repo_digests; d && *d; d++)
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
mk_image_layer_blob (struct store *s, struct store_image *img, size_t i, bool insecure,
                     mk_error **err)
{
  struct store_image_layer *l = &img->layers[i];
  if (l->digest && store_blob_exists (s, l->digest))
    return 0;
  if (l->digest)
    return fetch_blob (s, img, l->digest, l->blob_size, insecure, err);
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
