/* Image references: parsing, validation with the distribution grammar, and
 * normalization the way Docker does it:
 *   ubuntu                  -> docker.io/library/ubuntu:latest
 *   user/app:1.0            -> docker.io/user/app:1.0
 *   host:5000/a/b:tag       -> host:5000/a/b:tag
 *   repo@sha256:<hex>       -> docker.io/library/repo@sha256:<hex>
 *   repo:tag@sha256:<hex>   -> the digest wins (the tag is dropped)
 * The first path component is a registry only when it contains '.' or ':' or
 * is "localhost" ("index.docker.io" becomes "docker.io"). */
#ifndef MK_REGISTRY_REFERENCE_H
#define MK_REGISTRY_REFERENCE_H

#include "common/error.h"

#define MK_DOCKER_HUB "docker.io"

struct mk_reference
{
  char *domain;  /* "docker.io", "localhost:5000", "127.0.0.1:5000" */
  char *path;    /* "library/ubuntu" */
  char *tag;     /* "latest"; NULL when digest is set */
  char *digest;  /* "sha256:<64 hex>" or NULL */
};

/* Parses and normalizes s. Errors read `invalid reference "s": <reason>`. */
int mk_reference_parse (const char *s, struct mk_reference **out, mk_error **err);
void mk_reference_free (struct mk_reference *r);
void cleanup_mk_referencep (struct mk_reference **r);
#define _cleanup_reference_ __attribute__ ((cleanup (cleanup_mk_referencep)))

/* "docker.io/library/ubuntu" */
char *mk_reference_name (const struct mk_reference *r);
/* "docker.io/library/ubuntu:latest" or "...@sha256:..." */
char *mk_reference_string (const struct mk_reference *r);
/* Familiar (display) forms: "ubuntu", "ubuntu:latest", "user/app@sha256:...". */
char *mk_reference_familiar_name (const struct mk_reference *r);
char *mk_reference_familiar (const struct mk_reference *r);
/* The tag or digest to ask the registry for. */
const char *mk_reference_object (const struct mk_reference *r);

/* Grammar pieces, exposed for other commands (tag, commit). */
int mk_reference_valid_tag (const char *tag);
int mk_reference_valid_digest (const char *digest);

#endif
