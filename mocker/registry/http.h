/* The registry v2 HTTP client (libcurl).
 *
 * One mk_registry per pull: the endpoint (https, or http for registries named
 * in MOCKER_INSECURE_REGISTRIES or with --insecure; a loopback registry
 * falls back to http when TLS fails, as in Docker; docker.io goes to
 * registry-1.docker.io or MOCKER_REGISTRY_MIRROR), the repository, and the
 * authorization (a Bearer token from the challenge's realm, or Basic). It is
 * safe to use from several threads at once: connections, DNS and TLS
 * sessions are shared, the token is refreshed once when it expires or a
 * request gets 401.
 *
 * Redirects are followed by hand: Authorization goes only to the registry's
 * own origin (scheme, host, port), never to the blob storage it redirects to.
 * Transient failures (5xx, resets, timeouts, a body cut short) are retried
 * with backoff, a bounded number of times; a blob download resumes where it
 * stopped (Range, or skipping what was already delivered). 429 is an error
 * quoting the ratelimit-* headers. */
#ifndef MK_REGISTRY_HTTP_H
#define MK_REGISTRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mocker/registry/reference.h"

struct mk_registry;

int mk_registry_open (const struct mk_reference *ref, bool insecure, struct mk_registry **out,
                      mk_error **err);
void mk_registry_free (struct mk_registry *r);
void cleanup_mk_registryp (struct mk_registry **r);
#define _cleanup_registry_ __attribute__ ((cleanup (cleanup_mk_registryp)))

/* "https://registry-1.docker.io" and the like, for messages. */
const char *mk_registry_endpoint (const struct mk_registry *r);

struct mk_http_response
{
  long status;
  char *content_type;
  char *docker_content_digest;
  char *body;  /* NUL-terminated */
  size_t len;
};
void mk_http_response_clear (struct mk_http_response *resp);

/* GET /v2/<repo>/manifests/<tag-or-digest> with the manifest Accept list.
 * Non-2xx answers become errors (the registry's own message: "manifest
 * unknown"). */
int mk_registry_get_manifest (struct mk_registry *r, const char *object,
                              struct mk_http_response *resp, mk_error **err);

/* HEAD of a manifest: its digest (Docker-Content-Digest), without
 * downloading it (and without counting as a pull on Docker Hub). */
int mk_registry_head_manifest (struct mk_registry *r, const char *object, char **digest,
                               mk_error **err);

/* Receives a blob's bytes in order, each byte once (also across retries).
 * Returns < 0 (with *err set) to abort the download. */
typedef int (*mk_blob_sink) (void *opaque, const void *data, size_t len, mk_error **err);

/* Streams GET /v2/<repo>/blobs/<digest> to sink; at most size bytes are
 * accepted (a bigger blob is an error, a shorter one "truncated"). The
 * caller verifies the digest. */
int mk_registry_get_blob (struct mk_registry *r, const char *digest, int64_t size,
                          mk_blob_sink sink, void *opaque, mk_error **err);

/* Uses these credentials instead of looking them up (login). */
void mk_registry_set_credentials (struct mk_registry *r, const char *user, const char *pass);
/* Tokens are asked for pull and push (when a challenge names no scope). */
void mk_registry_set_push (struct mk_registry *r);

/* Counters for tests and -v output. */
int mk_registry_retries (const struct mk_registry *r);

#endif
