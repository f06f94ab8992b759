/* A cache for `ps`: <store>/containers/.ps-index keeps, per container, what
 * ps needs of its record (id, name, image, image_ref, created, path, args,
 * ports, mounts, host_config {NetworkMode, Binds}, config {Labels}) and its parsed
 * state.json, with the container directory's mtime. Every change to a
 * container goes through its directory (state.json and the record are
 * replaced by rename), so an entry whose directory mtime is unchanged is
 * current; an entry made less than 2 s after that mtime is not trusted (a
 * change within the same clock tick could share it), as git's "racy" rule.
 * Listing then costs a readdir, a stat per container and one file read,
 * not two JSON files per container. */
#ifndef MOCKER_CONTAINER_LIST_INDEX_H
#define MOCKER_CONTAINER_LIST_INDEX_H

#include "mocker/container/container.h"

/* As ctr_list (every container, newest first), the records cut to the
 * members above. Refreshes the index when anything changed (best effort:
 * a write that fails leaves the old one, which is then checked again). */
int ctr_list_indexed (struct store *s, struct container ***out, size_t *n, mk_error **err);

#endif
