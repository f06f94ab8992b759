/* A container's volumes: made when missing, marked as used by the container
 * (volumes/<name>/users/<id>), filled from the image on first use, and let go
 * again by `rm` (which, with -v, removes the anonymous ones). */
#ifndef MOCKER_VOLUME_ATTACH_H
#define MOCKER_VOLUME_ATTACH_H

#include <stdbool.h>

#include "common/error.h"
#include "mocker/bundle/bundle.h"

struct store;
struct container;

/* For each MOUNT_VOLUME of o: names an anonymous one, makes it when missing,
 * adds ctr_id as a user, fills an empty volume with what the image has at
 * the mount point (resolved inside rootfs, never on the host) unless nocopy,
 * and sets host to its _data.  Under the volumes lock. */
int ctr_volumes_attach (struct store *s, const char *ctr_id, const char *rootfs,
                        struct run_options *o, mk_error **err);
/* Undoes ctr_volumes_attach after a failed create: drops the users and
 * removes the volumes this run made anonymously. */
void ctr_volumes_release (struct store *s, const char *ctr_id, struct run_options *o);
/* After `rm`: drops the container from its volumes' users and, when
 * remove_anonymous, removes its anonymous volumes nobody else uses. */
int ctr_volumes_detach (struct store *s, const struct container *c, bool remove_anonymous,
                        mk_error **err);
/* Whether the container's record lists any volume (cheap: the record is loaded). */
bool ctr_has_volumes (const struct container *c);

#endif
