/* Pulling an image into the store.
 *
 * resolve the reference -> the manifest (an index picks the platform) ->
 * the config blob (kept locally once seen) -> the layers the store does not
 * have yet (by chain id), downloaded in parallel, each streamed at once
 * through a digest and into the store's confined unpacker (which
 * decompresses gzip/zstd/plain and computes the diff_id) -> each layer is
 * published only when its blob digest and its diff_id match -> the image
 * is registered last. Killed at any moment, no image is registered; the
 * layers already published are reused by the next pull. */
#ifndef MK_REGISTRY_PULL_H
#define MK_REGISTRY_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct store;

enum mk_pull_event
{
  MK_PULL_RESOLVED,        /* message: the manifest digest; n_layers known */
  MK_PULL_LAYER_EXISTS,    /* the store already has it */
  MK_PULL_LAYER_WAITING,   /* queued for download */
  MK_PULL_LAYER_PROGRESS,  /* done of total bytes */
  MK_PULL_LAYER_DONE,      /* verified and unpacked */
};

struct mk_pull_status
{
  enum mk_pull_event event;
  size_t layer;       /* index, bottom first */
  size_t n_layers;
  const char *digest; /* the layer's blob digest (or the manifest's for RESOLVED) */
  int64_t done, total;
};

/* Called with one status at a time (never concurrently). */
typedef void (*mk_pull_report_fn) (const struct mk_pull_status *st, void *opaque);

struct mk_pull_options
{
  const char *platform;  /* "os/arch[/variant]" or NULL for the host's */
  bool insecure;         /* plain HTTP to this registry */
  mk_pull_report_fn report;  /* may be NULL */
  void *opaque;
};

struct mk_pull_result
{
  char *image_id;         /* "sha256:<hex>" */
  char *name;             /* normalized "docker.io/library/busybox:latest" or "...@sha256:..." */
  char *manifest_digest;
  size_t n_layers, n_downloaded;
};
void mk_pull_result_clear (struct mk_pull_result *r);

int mk_pull (struct store *s, const char *image, const struct mk_pull_options *opts,
             struct mk_pull_result *out, mk_error **err);

#endif
