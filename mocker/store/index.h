/* repositories.json: the one record of which images exist and their names.
 *   {"images": ["sha256:..."],
 *    "tags": {"docker.io/library/busybox:latest": "sha256:..."},
 *    "digests": {"docker.io/library/busybox@sha256:...": "sha256:..."}}
 * Read without the lock (it is replaced atomically), modified only under
 * it. Internal to the store. */
#ifndef MOCKER_STORE_INDEX_H
#define MOCKER_STORE_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "mocker/store/store.h"

struct store_map
{
  char **keys;
  char **values;
  size_t n;
};

struct store_index
{
  char **images;  /* strv */
  struct store_map tags;
  struct store_map digests;
};

int store_index_load (struct store *s, struct store_index *idx, mk_error **err);
int store_index_save (struct store *s, const struct store_index *idx, mk_error **err);
void store_index_clear (struct store_index *idx);

bool store_index_has_image (const struct store_index *idx, const char *id);
void store_index_add_image (struct store_index *idx, const char *id);
/* Drops the image and every name pointing at it. */
void store_index_remove_image (struct store_index *idx, const char *id);

const char *store_map_get (const struct store_map *m, const char *key);
void store_map_set (struct store_map *m, const char *key, const char *value);
bool store_map_remove (struct store_map *m, const char *key);
/* Keys whose value is v (strv, NULL when none). */
char **store_map_keys_for (const struct store_map *m, const char *v);

#endif
