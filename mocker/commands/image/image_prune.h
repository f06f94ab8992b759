/* mocker image prune (image_prune.c), called by cmd_image.c. */
#ifndef MOCKER_IMAGE_PRUNE_H
#define MOCKER_IMAGE_PRUNE_H

#include <stdbool.h>

#include "mocker/mocker.h"

int image_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

/* The removal itself (image prune, system prune): dangling images, or with
 * all every image no container uses; report gets each "Untagged"/"Deleted"
 * (store_image_remove's), *reclaimed the bytes of the layers no image uses
 * any more. */
typedef void (*image_prune_report_fn) (const char *verb, const char *what, void *opaque);
/* match (NULL: every candidate) keeps a candidate out when false (system
 * prune's filters). */
struct store_image;
typedef bool (*image_prune_match_fn) (struct store *s, const struct store_image *img,
                                      void *opaque);
int image_prune_run (struct store *s, bool all, image_prune_match_fn match, void *match_opaque,
                     image_prune_report_fn report, void *opaque, long long *reclaimed,
                     mk_error **err);

#endif
