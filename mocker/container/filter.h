/* `ps --filter`: which containers match Docker's keys status, name
 * (regular expression on "/name"), id (regular expression on the full id),
 * ancestor (an image reference or id; also the images a build made on
 * it), label (key or key=value, all must
 * hold), exited (exit code of a container that ran), network (network
 * mode), volume (a mount's destination or volume name). */
#ifndef MOCKER_CONTAINER_FILTER_H
#define MOCKER_CONTAINER_FILTER_H

#include <stdbool.h>

#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/ui/filter.h"

struct ctr_filter;

/* Checks the values (a bad status or exit code is a bad option: "invalid
 * filter 'status=x'") and resolves ancestors (an unknown image matches
 * nothing, as Docker). */
struct ctr_filter *ctr_filter_new (struct store *s, const struct ui_filter *f, mk_error **err);
void ctr_filter_free (struct ctr_filter *cf);
/* A status filter lists stopped containers without -a (Docker). */
bool ctr_filter_wants_all (const struct ctr_filter *cf);
bool ctr_filter_match (const struct ctr_filter *cf, const struct container *c, enum ctr_live live);

/* A data mount of a container as ps shows it: from the record's "mounts"
 * (volumes, binds, --mount tmpfs), or its -v binds for a record made before
 * "mounts" existed. Strings are copies. */
struct ctr_mount_view
{
  char *type, *name, *source, *destination; /* name: "" unless a volume */
};
size_t ctr_mount_views (const struct container *c, struct ctr_mount_view **out);
void ctr_mount_views_free (struct ctr_mount_view *v, size_t n);

#endif
