/* Image configs made here (init, import): minimal, valid OCI/Docker
 * configs for the host's platform. */
#ifndef MOCKER_STORE_CONFIG_NEW_H
#define MOCKER_STORE_CONFIG_NEW_H

#include <stddef.h>

#include "common/error.h"

struct store;
struct layer_created;

/* Go's GOARCH name of this machine ("amd64", "arm64", ...). */
const char *store_host_architecture (void);

/* A config for the given layers (diff_ids, bottom first): created now,
 * PATH in Env, Cmd (may be NULL: none), one history entry saying
 * created_by. Heap JSON text. */
char *store_config_new (const char *const *diff_ids, size_t n, const char *cmd,
                        const char *created_by);

/* Registers lc as an image of its own (init, import): its config from
 * store_config_new (cmd, created_by), named normalized_tag (NULL: none).
 * *id gets the image ID. */
int store_image_register_layer (struct store *s, const struct layer_created *lc, const char *cmd,
                                const char *created_by, const char *normalized_tag, char **id,
                                mk_error **err);

#endif
