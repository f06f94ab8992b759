/* Volumes in the store (docs/containers.md, "Volumes"):
 *
 *   <store>/volumes/.lock             flock: every change below is made under it
 *   <store>/volumes/<name>/volume.json  {"name", "created", "labels": {...}}
 *   <store>/volumes/<name>/_data/       what containers mount
 *   <store>/volumes/<name>/users/<container id>   one empty file per container
 *                                        using it (a user whose container
 *                                        directory is gone is stale, ignored)
 *
 * A volume is made in volumes/.tmp-<name> and renamed into place (a crash
 * leaves no half volume); removed by renaming it to volumes/.trash-<name>
 * first.  Anonymous volumes (an image's VOLUME, `-v /path`, a volume --mount
 * without source) have a 64 hex digit name and the label
 * com.docker.volume.anonymous, as Docker. */
#ifndef MOCKER_VOLUME_H
#define MOCKER_VOLUME_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"

struct store;

#define VOLUME_ANON_LABEL "com.docker.volume.anonymous"

/* Docker's [a-zA-Z0-9][a-zA-Z0-9_.-]+ (one character is enough). */
bool volume_name_valid (const char *name);
/* A random 64 hex digit name (heap). */
char *volume_random_name (void);

char *volume_dir (struct store *s, const char *name);
char *volume_data_dir (struct store *s, const char *name);

/* The volumes lock (exclusive flock on volumes/.lock): close the fd to release. */
int volume_lock (struct store *s, mk_error **err);

/* Under the lock: makes the volume unless it exists (*created says which).
 * labels: KEY=VALUE strings, NULL-terminated, may be NULL. */
int volume_create_locked (struct store *s, const char *name, char *const *labels,
                          bool *created, mk_error **err);
/* Under the lock: the ids of the containers that use it (whose directory
 * exists), NULL-terminated (heap). */
char **volume_users_locked (struct store *s, const char *name);
int volume_add_user_locked (struct store *s, const char *name, const char *ctr_id,
                            mk_error **err);
void volume_drop_user_locked (struct store *s, const char *name, const char *ctr_id);
/* Under the lock: removes it; refused (EBUSY) when a container uses it,
 * ENOENT when there is no such volume. */
int volume_remove_locked (struct store *s, const char *name, mk_error **err);

bool volume_exists (struct store *s, const char *name);
/* Every volume name, sorted (heap vector, never NULL). */
char **volume_list (struct store *s);
/* volume.json, parsed. */
int volume_load (struct store *s, const char *name, yajl_val *out, mk_error **err);
bool volume_is_anonymous (yajl_val meta);

#endif
