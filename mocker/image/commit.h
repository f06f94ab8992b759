/* mocker commit: a container's changes (its overlay upper directory) become
 * one new layer on top of an image, with a config that keeps how the
 * container ran (Cmd, Entrypoint, Env, WorkingDir, User).
 *
 * The upper directory is packed by layer_create_from_dir with overlay
 * whiteouts turned back into `.wh.` entries; mount points the runtime
 * created in it (an empty /etc/hosts the image lacked) are left out, as
 * Docker leaves out its init layer.  A running container is paused while
 * its upper directory is read.  Publishing follows the store's order (blob,
 * layer, config, index last), so a failure registers nothing. */
#ifndef MOCKER_COMMIT_H
#define MOCKER_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"

struct store;

struct commit_request
{
  const char *container;   /* name, id or id prefix */
  /* NULL: onto the container's image, untagged.  "sha256:<hex>" or a hex
   * id (prefix) of a stored image: onto that image, with that image's
   * config (the seed form); sha256: or 6-64 hex digits naming no image is
   * an error.  Otherwise a new name[:tag] for the image, onto the
   * container's image. */
  const char *target;
  const char *author;      /* -a, or NULL */
  const char *message;     /* -m, or NULL */
  char *const *changes;    /* -c Dockerfile instructions, or NULL */
  bool pause;              /* pause a running container while reading */
};

/* Makes and registers the image; *id_out gets "sha256:<hex>". */
int commit_container (struct store *s, const struct commit_request *req, char **id_out,
                      mk_error **err);

/* The upper directory of a container that is not running (mocker build's
 * RUN, COPY and ADD steps) packed into a layer on parent_chain (NULL:
 * none), without a blob, the runtime's mount points left out. */
struct layer_created;
struct container;
int commit_upper_layer (struct store *s, struct container *c, const char *parent_chain,
                        struct layer_created *lc, mk_error **err);

/* ---- the new config (commit_config.c) --------------------------------- */

struct commit_meta
{
  const char *diff_id;     /* of the new layer */
  const char *created;     /* RFC 3339 */
  const char *created_by;  /* the container's command line */
  const char *author;      /* or NULL */
  const char *comment;     /* or NULL */
  char *const *changes;    /* or NULL */
};

/* base: the config bytes of the image the layer goes onto; ctr_config:
 * the container record's "config" (Docker's Config), or NULL to keep base's
 * (the seed form, onto an IMAGE_ID).  The result keeps base's other fields,
 * takes Cmd, Entrypoint, Env (without the HOSTNAME the run added),
 * WorkingDir and User from ctr_config, applies the changes, appends the
 * diff_id and a history entry.  Heap JSON text. */
int commit_config_build (const char *base, size_t base_len, yajl_val ctr_config,
                         const struct commit_meta *meta, char **out, mk_error **err);

#endif
