/* `mocker run`'s data options: -v, --mount, --tmpfs, --volumes-from, and the
 * image's VOLUME entries (anonymous volumes), into run_options.volumes. */
#ifndef MOCKER_RUN_MOUNTS_H
#define MOCKER_RUN_MOUNTS_H

#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "mocker/bundle/bundle.h"

struct store;

/* -v HOST:CTR[:OPTS], NAME:CTR[:OPTS], CTR (anonymous). OPTS: ro, rw, nocopy. */
int run_parse_volume (const char *spec, struct run_options *o, mk_error **err);
/* --mount type=bind|volume|tmpfs,source=,target=,readonly,tmpfs-size=,tmpfs-mode=,volume-nocopy */
int run_parse_mount (const char *spec, struct run_options *o, mk_error **err);
/* --tmpfs /path[:opts] */
int run_parse_tmpfs (const char *spec, struct run_options *o, mk_error **err);
/* --volumes-from CONTAINER[:ro|rw]: its binds and volumes (after the options). */
int run_volumes_from (struct store *s, const char *spec, struct run_options *o, mk_error **err);
/* The image's config.Volumes that no other mount covers: anonymous volumes. */
void run_image_volumes (yajl_val image_config, struct run_options *o);
/* Frees o->volumes. */
void run_volumes_free (struct run_options *o);

#endif
