/* The registry v2 write side (push, login): blob existence, cross-repository
 * mount, monolithic and chunked uploads, manifest PUT, and the /v2/ check
 * of credentials. Same client as the pull (http.h): authorization, retries,
 * redirects. */
#ifndef MK_REGISTRY_UPLOAD_H
#define MK_REGISTRY_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "mocker/registry/http.h"

/* HEAD /v2/<repo>/blobs/<digest>: 1 when the registry has it, 0 when not. */
int mk_registry_blob_exists (struct mk_registry *r, const char *digest, mk_error **err);

/* POST /v2/<repo>/blobs/uploads/?mount=<digest>&from=<from_repo>: 1 when
 * mounted (201), 0 when the registry could not (it then opened an upload:
 * *upload_url gets its Location, to be used by mk_registry_blob_upload). */
int mk_registry_blob_mount (struct mk_registry *r, const char *digest, const char *from_repo,
                            char **upload_url, mk_error **err);

/* Called as bytes go out (total for this blob so far). */
typedef void (*mk_upload_progress_fn) (void *opaque, int64_t sent, int64_t total);

/* Uploads size bytes of fd (from offset 0) as blob digest: one PUT when
 * chunk <= 0 or size <= chunk, else PATCHes of chunk bytes with
 * Content-Range, then the closing PUT ?digest=. upload_url: an upload
 * already opened (by a failed mount), or NULL to POST a new one. */
int mk_registry_blob_upload (struct mk_registry *r, const char *digest, int fd, int64_t size,
                             int64_t chunk, const char *upload_url, mk_upload_progress_fn progress,
                             void *opaque, mk_error **err);

/* PUT /v2/<repo>/manifests/<tag>; *digest_out (optional) gets the digest
 * the registry answered (checked against the body's). */
int mk_registry_put_manifest (struct mk_registry *r, const char *tag, const char *media_type,
                              const char *body, size_t len, char **digest_out, mk_error **err);

/* GET /v2/ with the registry's authorization: 0 when it answers 2xx
 * (credentials accepted), an error otherwise ("bad credentials for ..."). */
int mk_registry_check (struct mk_registry *r, mk_error **err);

#endif
