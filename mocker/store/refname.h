/* Local image names: the normalized form the store keys tags by, and the
 * familiar form shown to users.
 *   busybox            -> docker.io/library/busybox:latest
 *   user/app:1         -> docker.io/user/app:1
 *   host:5000/a:b      -> host:5000/a:b
 *   name@sha256:<hex>  -> docker.io/library/name@sha256:<hex>
 * The grammar is mocker/registry/reference.h's (mk_reference_parse). */
#ifndef MOCKER_STORE_REFNAME_H
#define MOCKER_STORE_REFNAME_H

#include <stdbool.h>

#include "common/error.h"

/* Normalizes ref (default tag "latest"; with a digest, the digest wins);
 * errors read `invalid reference "x": <why>`. */
int store_ref_normalize (const char *ref, char **out, mk_error **err);

/* Display form: strips "docker.io/" and "docker.io/library/". */
char *store_ref_familiar (const char *normalized);

/* Splits a (normalized or familiar) "repo:tag" / "repo@digest" into the
 * repository and the tag (or digest); both heap strings. */
void store_ref_split (const char *ref, char **repo, char **tag);

#endif
