/* Image configs made here (init, import): minimal, valid OCI/Docker
 * configs for the host's platform. */
#ifndef MOCKER_STORE_CONFIG_NEW_H
#define MOCKER_STORE_CONFIG_NEW_H

#include <stddef.h>

/* Go's GOARCH name of this machine ("amd64", "arm64", ...). */
const char *store_host_architecture (void);

/* A config for the given layers (diff_ids, bottom first): created now,
 * PATH in Env, Cmd (may be NULL: none), one history entry saying
 * created_by. Heap JSON text. */
char *store_config_new (const char *const *diff_ids, size_t n, const char *cmd,
                        const char *created_by);

#endif
