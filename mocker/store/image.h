/* Image records and the repositories index (see mocker/store/store.h for
 * the layout).  Image ID = sha256 of the exact config bytes. */
#ifndef MOCKER_STORE_IMAGE_H
#define MOCKER_STORE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "common/error.h"
#include "mocker/store/store.h"

/* One layer of an image, bottom first. */
struct store_image_layer
{
  char *chain_id;
  char *diff_id;
  char *digest;      /* blob digest (compressed, as in the manifest); may be NULL */
  char *media_type;  /* the manifest's layer media type; may be NULL */
  long long blob_size;  /* compressed size, -1 unknown */
  long long size;       /* unpacked size */
  char *source;      /* a repository ("host/path") the blob can be fetched or mounted
                        from: the one it was pulled from, kept by images built on it */
};

struct store_image
{
  char *id;               /* "sha256:<hex>" */
  char *created;          /* the config's "created" (RFC 3339) or NULL */
  time_t created_time;    /* parsed, 0 when unknown */
  long long size;         /* sum of the layers' unpacked sizes */
  char *manifest_digest;  /* digest of the manifest it was pulled by, or NULL */
  size_t n_layers;
  struct store_image_layer *layers;
  char **tags;            /* normalized "name:tag" pointing at it (from the index) */
  char **repo_digests;    /* normalized "name@sha256:..." (from the index) */
};
void store_image_free (struct store_image *img);
void cleanup_store_imagep (struct store_image **img);
#define _cleanup_store_image_ __attribute__ ((cleanup (cleanup_store_imagep)))

/* What a pull or init hands over once its blobs and layers are in place. */
struct store_image_new_layer
{
  const char *diff_id;    /* must equal config rootfs.diff_ids[i] */
  const char *digest;     /* blob digest, or NULL when the blob is not kept */
  const char *media_type; /* or NULL */
  long long blob_size;    /* or -1 */
  const char *source;     /* or NULL: repository the blob came from (see above) */
};
struct store_image_new
{
  const char *config;          /* exact config bytes */
  size_t config_len;
  const struct store_image_new_layer *layers;  /* bottom first, one per diff_id */
  size_t n_layers;
  const char *manifest_digest; /* or NULL; the manifest blob should be stored first */
  const char *repo_digest;     /* normalized "name@sha256:..." or NULL */
  const char *tag;             /* normalized "name:tag" or NULL (untagged) */
};

/* Registers an image: checks the config (JSON, rootfs.diff_ids equal to the
 * given layers), stores the config blob, checks every layer (by chain id) is
 * unpacked, writes images/<hex>/ if missing and, last, the index (taking the
 * store lock).  A tag that pointed elsewhere moves (the old image stays,
 * untagged).  *id_out gets "sha256:<hex>".  A layer deleted meanwhile by a
 * concurrent rmi fails with ENOENT: unpack it again and retry. */
int store_image_register (struct store *s, const struct store_image_new *in, char **id_out,
                          mk_error **err);

/* Finds an image by what a user typed: "sha256:<full>", a name (normalized
 * here: "busybox" = docker.io/library/busybox:latest), "name@sha256:...",
 * or a unique id prefix.  Errors: "no such image: `x`" (ENOENT),
 * "ambiguous image id prefix `x`" (EINVAL... see store_image_lookup_id). */
int store_image_find (struct store *s, const char *ref, char **id_out, mk_error **err);
/* By normalized "name:tag" or "name@digest"; ENOENT when unknown. */
int store_image_lookup_name (struct store *s, const char *normalized, char **id_out,
                             mk_error **err);
/* By full id ("sha256:<hex>" or <hex>) or a unique hex prefix. */
int store_image_lookup_id (struct store *s, const char *id_or_prefix, char **id_out,
                           mk_error **err);

/* Loads a registered image (record + its tags and digests from the index). */
int store_image_load (struct store *s, const char *id, struct store_image **out, mk_error **err);
/* The config bytes of an image (exactly as hashed). */
int store_image_config (struct store *s, const char *id, char **json, size_t *len,
                        mk_error **err);

/* Every registered image, newest first. Free with store_image_list_free. */
int store_image_list (struct store *s, struct store_image ***out, size_t *n, mk_error **err);
void store_image_list_free (struct store_image **list, size_t n);

/* Records the blob of layer index (bottom first) in the image's record:
 * one made later for a layer that had none (push, save). Takes the lock. */
int store_image_set_layer_blob (struct store *s, const char *id, size_t index, const char *digest,
                                const char *media_type, long long blob_size, mk_error **err);

/* Records normalized "name@sha256:..." as a repo digest of image id (what
 * a push printed), taking the store lock; ENOENT when the image is gone. */
int store_image_add_repo_digest (struct store *s, const char *id, const char *normalized,
                                 mk_error **err);

/* Tags an image (normalized "name:tag"), taking the store lock. */
int store_image_tag (struct store *s, const char *id, const char *normalized_tag,
                     mk_error **err);

/* Docker's rmi for one argument: a name untags (and deletes the image when
 * that was its last name); an id deletes the image (refused when it has
 * several names, unless force).  An image a container uses is refused
 * unless force.  Deleting removes the record and every layer no other
 * image uses.  Calls report() for each "Untagged: x" / "Deleted: id" line.
 * Takes the store lock. */
typedef void (*store_report_fn) (const char *verb, const char *what, void *opaque);
int store_image_remove (struct store *s, const char *ref, bool force, store_report_fn report,
                        void *opaque, mk_error **err);

/* The hook for containers (issue 5): true when a record under
 * containers/<id>/container.json has "image" equal to id; *container (may be
 * NULL) gets that container's id. */
bool store_image_in_use (struct store *s, const char *id, char **container);

#endif
