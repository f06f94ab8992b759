/* Images as `docker image inspect` and `docker history` show them, from the
 * store's records and configs (light code: no heavy library). */
#ifndef MOCKER_IMAGE_INSPECT_H
#define MOCKER_IMAGE_INSPECT_H

#include "common/error.h"
#include "common/json.h"

struct store;

/* Appends the image's object (Id, RepoTags, RepoDigests, Parent, Comment,
 * Created, Author, Config, Architecture, Os, Size, GraphDriver, RootFS,
 * Metadata) to g.  ref: anything store_image_find takes; ENOENT "no such
 * image" when it names none. */
int image_inspect_json (struct store *s, const char *ref, json_gen *g, mk_error **err);

#endif
