/* OCI hooks: each runs with the container's state JSON on stdin, in the
 * order config.json lists them, killed after its timeout.  Who calls which:
 *   prestart, createRuntime   the runtime (create), runtime namespaces
 *   createContainer           the init, in the container's namespaces, before
 *                             the root is pivoted (so the path resolves as on the host)
 *   startContainer            the init, after start, just before execve
 *   poststart                 the runtime (start), failures are warnings
 *   poststop                  the runtime (delete), failures are warnings */
#ifndef RT_HOOKS_H
#define RT_HOOKS_H

#include <stdbool.h>

#include "common/error.h"
#include "common/json.h"
#include "spec/spec.h"

/* Runs every hook of list in order; stops at the first failure. */
int hooks_run (const struct spec_hook_list *list, const char *kind, const char *state_json,
               mk_error **err);
/* Same, with default_env for the hooks that have no env (NULL: empty). */
int hooks_run_env (const struct spec_hook_list *list, const char *kind, const char *state_json,
                   char **default_env, mk_error **err);
/* Same, but a failing hook is logged as a warning and the rest still run. */
void hooks_run_warn (const struct spec_hook_list *list, const char *kind, const char *state_json);

/* A hook list as JSON (kept in state.json for start and delete). */
void hooks_gen_json (json_gen *g, const struct spec_hook_list *list);
int hooks_from_json (yajl_val v, struct spec_hook_list *out, mk_error **err);
void hook_list_free (struct spec_hook_list *list);

#endif
