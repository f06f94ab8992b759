/* Shared by the store's own files only. */
#ifndef MOCKER_STORE_INTERNAL_H
#define MOCKER_STORE_INTERNAL_H

#include "mocker/store/store.h"

struct store
{
  char *root;
};

/* <root>/layers/<hex> (the layer's directory, holding diff/ and layer.json). */
char *store_layer_dir (const struct store *s, const char *chain_id);

/* layer.json text for a layer. */
char *store_layer_json (const struct store_layer_info *l);

#endif
