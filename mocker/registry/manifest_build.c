/* Writing image manifests (push, save --format oci-archive): Docker schema2
 * or OCI, with the layer media types of that family. */
#include "mocker/registry/manifest.h"

#include <string.h>

#include "common/json.h"
#include "common/util.h"

const char *
mk_layer_media_type (const char *manifest_type, enum mk_compression c)
{
  bool docker = strcmp (manifest_type, MK_MT_DOCKER_MANIFEST) == 0;
  switch (c)
    {
    case MK_COMPRESSION_NONE:
      return docker ? "application/vnd.docker.image.rootfs.diff.tar"
                    : "application/vnd.oci.image.layer.v1.tar";
    case MK_COMPRESSION_ZSTD:
      return "application/vnd.oci.image.layer.v1.tar+zstd";
    default:
      return docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                    : "application/vnd.oci.image.layer.v1.tar+gzip";
    }
}

static void
descriptor (json_gen *g, const char *media_type, const char *digest, int64_t size)
{
  json_obj_open (g);
  json_kv_str (g, "mediaType", media_type);
  json_kv_int (g, "size", size);
  json_kv_str (g, "digest", digest);
  json_obj_close (g);
}

char *
mk_manifest_build (const char *manifest_type, const char *config_digest, int64_t config_size,
                   const struct mk_descriptor *layers, size_t n, size_t *len)
{
  bool docker = strcmp (manifest_type, MK_MT_DOCKER_MANIFEST) == 0;
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_int (g, "schemaVersion", 2);
  json_kv_str (g, "mediaType", manifest_type);
  json_key (g, "config");
  descriptor (g, docker ? MK_MT_DOCKER_CONFIG : MK_MT_OCI_CONFIG, config_digest, config_size);
  json_key (g, "layers");
  json_arr_open (g);
  for (size_t i = 0; i < n; i++)
    descriptor (g,
                mk_layer_media_type (manifest_type, mk_layer_compression (layers[i].media_type)),
                layers[i].digest, layers[i].size);
  json_arr_close (g);
  json_obj_close (g);
  return json_gen_finish (g, len);
}
