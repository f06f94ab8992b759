/* Manifests and indexes (Docker schema2, manifest list, OCI manifest, OCI
 * index): the Accept header, parsing dispatched on Content-Type, and the
 * choice of a platform from an index. Schema1 is refused. */
#ifndef MK_REGISTRY_MANIFEST_H
#define MK_REGISTRY_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define MK_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MK_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MK_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MK_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"

/* Everything mocker can parse, never schema1. */
#define MK_MANIFEST_ACCEPT                                                                         \
  MK_MT_DOCKER_MANIFEST ", " MK_MT_DOCKER_LIST ", " MK_MT_OCI_MANIFEST ", " MK_MT_OCI_INDEX

enum mk_compression
{
  MK_COMPRESSION_UNKNOWN,
  MK_COMPRESSION_NONE,
  MK_COMPRESSION_GZIP,
  MK_COMPRESSION_ZSTD,
};

struct mk_platform
{
  char *os;
  char *arch;
  char *variant;  /* may be NULL */
};

struct mk_descriptor
{
  char *media_type;
  char *digest;  /* validated sha256:<hex> */
  int64_t size;
  struct mk_platform platform;  /* index entries only; fields may be NULL */
  bool attestation;             /* BuildKit attestation entry (unknown/unknown) */
};

enum mk_manifest_kind
{
  MK_MANIFEST_IMAGE,
  MK_MANIFEST_INDEX,
};

struct mk_manifest
{
  enum mk_manifest_kind kind;
  char *media_type;
  struct mk_descriptor config;     /* MK_MANIFEST_IMAGE */
  struct mk_descriptor *layers;    /* MK_MANIFEST_IMAGE */
  size_t n_layers;
  struct mk_descriptor *manifests; /* MK_MANIFEST_INDEX: only the known media types */
  size_t n_manifests;
};

/* Parses body by its Content-Type (parameters ignored; when the registry
 * sends none or a generic one, the body's mediaType decides). what names
 * the manifest in errors. */
int mk_manifest_parse (const char *content_type, const char *body, size_t len, const char *what,
                       struct mk_manifest **out, mk_error **err);
void mk_manifest_free (struct mk_manifest *m);
void cleanup_mk_manifestp (struct mk_manifest **m);
#define _cleanup_manifest_ __attribute__ ((cleanup (cleanup_mk_manifestp)))

/* Compression of a layer by its media type; UNKNOWN for foreign/unknown. */
enum mk_compression mk_layer_compression (const char *media_type);

/* "os/arch[/variant]" */
int mk_platform_parse (const char *s, struct mk_platform *out, mk_error **err);
/* The host's platform in Go names (x86_64 -> amd64, aarch64 -> arm64, armv7l -> arm/v7). */
void mk_platform_host (struct mk_platform *out);
char *mk_platform_string (const struct mk_platform *p);
void mk_platform_clear (struct mk_platform *p);

/* Picks the index entry for want: os and architecture equal, the variant
 * equal, or else a missing variant (on either side) taken as compatible.
 * Attestation entries are skipped. On no match the error lists what the
 * index offers. */
const struct mk_descriptor *mk_manifest_select (const struct mk_manifest *index,
                                                const struct mk_platform *want, mk_error **err);

/* ---- writing (manifest_build.c) ---- */

#define MK_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MK_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"

/* A layer's media type in a manifest of the given type (Docker schema2 or
 * OCI) for its compression. */
const char *mk_layer_media_type (const char *manifest_type, enum mk_compression c);

/* An image manifest of type manifest_type (MK_MT_DOCKER_MANIFEST or
 * MK_MT_OCI_MANIFEST): config and layers are descriptors (media types are
 * set here from manifest_type and each layer's compression, taken from
 * its media_type). Returns the JSON text (heap), *len its length. */
char *mk_manifest_build (const char *manifest_type, const char *config_digest,
                         int64_t config_size, const struct mk_descriptor *layers, size_t n,
                         size_t *len);

#endif
