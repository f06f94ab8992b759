/* Manifests and indexes (mocker/registry/manifest.c). The first byte picks
 * the Content-Type the registry sent, the rest is the body. */
#include <stdint.h>
#include <stdlib.h>

#include "common/util.h"
#include "mocker/registry/manifest.h"
#include "mocker/registry/reference.h"
#include "tests/fuzz/fuzz.h"

static const char *const content_types[] = {
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v1+prettyjws",
  "application/json",
  "application/vnd.oci.image.index.v1+json; charset=utf-8",
  "",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *ct = content_types[data[0] % ARRAY_SIZE (content_types)];
  _cleanup_manifest_ struct mk_manifest *m = NULL;
  mk_error *err = NULL;
  if (mk_manifest_parse (data[0] & 0x80 ? NULL : ct, (const char *) data + 1, size - 1,
                         "manifest", &m, &err) < 0)
    {
      FUZZ_ASSERT (err && err->msg);
      mk_error_free (&err);
      return 0;
    }
  if (m->kind == MK_MANIFEST_IMAGE)
    {
      FUZZ_ASSERT (mk_reference_valid_digest (m->config.digest));
      for (size_t i = 0; i < m->n_layers; i++)
        {
          FUZZ_ASSERT (mk_reference_valid_digest (m->layers[i].digest));
          (void) mk_layer_compression (m->layers[i].media_type);
        }
    }
  else
    for (size_t i = 0; i < m->n_manifests; i++)
      {
        FUZZ_ASSERT (mk_reference_valid_digest (m->manifests[i].digest));
        _cleanup_free_ char *p = mk_platform_string (&m->manifests[i].platform);
        FUZZ_ASSERT (p != NULL);
      }
  return 0;
}
