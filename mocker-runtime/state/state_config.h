/* The container's config.json, kept in its state directory (<root>/<id>/config.json)
 * from create on: exec takes the process defaults, namespaces and seccomp
 * from it, update merges new resources into it.  The bundle may change or go
 * away meanwhile; runc keeps its config in its state for the same reason. */
#ifndef RT_STATE_CONFIG_H
#define RT_STATE_CONFIG_H

#include "common/error.h"
#include "mocker-runtime/state/state.h"
#include "spec/spec.h"

/* Keeps the bundle's config (its text as read) in the state dir dirfd, which
 * is not published yet (create's temp directory): no temp file and rename. */
int state_config_save (int dirfd, const char *text, size_t len, mk_error **err);
/* Reads the kept config of st (the bundle's config.json when none was kept). */
int state_config_load (const char *root, const struct rt_state *st, struct spec **out,
                       mk_error **err);
/* Replaces the kept config (atomically) with spec; dirfd is the locked state dir. */
int state_config_store (int dirfd, const struct spec *spec, mk_error **err);

#endif
