/* Shared by the store's image files only. */
#ifndef MOCKER_STORE_IMAGE_INTERNAL_H
#define MOCKER_STORE_IMAGE_INTERNAL_H

#include <time.h>

#include "mocker/store/image.h"
#include "mocker/store/index.h"

char *store_image_dir (const struct store *s, const char *id);
time_t store_parse_rfc3339 (const char *s);
int store_image_read_record (struct store *s, const char *id, struct store_image **out,
                             mk_error **err);
/* Resolves what a user typed against an index; *normalized (optional) gets
 * the normalized name when ref was a name. */
int store_image_resolve (const struct store_index *idx, const char *ref, char **id_out,
                         char **normalized, mk_error **err);

#endif
