/* Pushing an image from the store to a registry (docs/images.md "push").
 *
 * For each layer, bottom first: HEAD (the registry has it: nothing sent),
 * else a cross-repository mount from a repository of the same registry the
 * image was pulled from, else an upload of the store's blob: the one pulled
 * or made by init/import, or, for a layer that kept none (commit), a gzip
 * blob made once from the layer's directory and recorded in the image, so a
 * second push finds it (and the registry has it: nothing is sent again).
 * A pulled layer whose blob the store did not keep is fetched once from
 * where it was pulled. Then the config, then the manifest: the one the
 * image was pulled with, byte for byte, when it still describes it, else
 * a new one of the same kind (Docker schema2 or OCI). */
#ifndef MK_REGISTRY_PUSH_H
#define MK_REGISTRY_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct store;

enum mk_push_event
{
  MK_PUSH_PREPARING,  /* digest may be NULL (a blob still to make) */
  MK_PUSH_EXISTS,     /* the registry has it */
  MK_PUSH_MOUNTED,    /* from: the repository it was mounted from */
  MK_PUSH_PROGRESS,   /* done of total bytes sent */
  MK_PUSH_PUSHED,
};

struct mk_push_status
{
  enum mk_push_event event;
  size_t layer;        /* index, bottom first */
  size_t n_layers;
  const char *id;      /* what identifies the layer on screen: its diff_id */
  const char *from;
  int64_t done, total;
};

typedef void (*mk_push_report_fn) (const struct mk_push_status *st, void *opaque);

struct mk_push_options
{
  bool insecure;       /* plain HTTP */
  int64_t chunk_size;  /* > 0: uploads in PATCH chunks of this size; else one PUT */
  mk_push_report_fn report;
  void *opaque;
};

struct mk_push_result
{
  char *repository;  /* "127.0.0.1:5000/app" as given, familiar */
  char *tag;
  char *digest;      /* of the manifest pushed */
  size_t size;       /* its length */
  size_t n_uploaded; /* blobs sent (layers and config) */
};
void mk_push_result_clear (struct mk_push_result *r);

int mk_push (struct store *s, const char *name, const struct mk_push_options *opts,
             struct mk_push_result *out, mk_error **err);

#endif
