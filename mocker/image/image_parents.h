/* Which image a build step was built on: <store>/image-parents/<child hex>
 * holds the parent's "sha256:<hex>".  Docker keeps this as an image's
 * Parent; here it lets `images` hide the intermediate images of builds
 * (untagged images another image was built on, as `docker images` does)
 * and `rmi` delete them with the image built on them. */
#ifndef MOCKER_IMAGE_PARENTS_H
#define MOCKER_IMAGE_PARENTS_H

#include <stdbool.h>
#include <stddef.h>

struct store;
struct store_image;

/* Records child's parent (best effort: a failure only shows the image). */
void image_parent_record (struct store *s, const char *child, const char *parent);
/* child's parent, or NULL. */
char *image_parent_get (struct store *s, const char *child);
void image_parent_forget (struct store *s, const char *child);

/* Drops (and frees) from list the untagged images some image of the list
 * was built on. */
void image_list_drop_intermediate (struct store *s, struct store_image **list, size_t *n);

/* After `rmi` deleted image `deleted`: deletes its parents up the chain
 * while they are untagged, unused by containers and parent of no other
 * image; report() gets "Deleted" for each, as store_image_remove. */
void image_parents_prune (struct store *s, const char *deleted,
                          void (*report) (const char *verb, const char *what, void *opaque),
                          void *opaque);

#endif
