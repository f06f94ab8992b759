/* The registry's write side: HEAD/mount/upload of blobs, PUT of manifests
 * (docs/images.md "push"). Every request goes through registry_request
 * (http.c): authorization from the challenge, retries, redirects. */
#include "mocker/registry/upload.h"

#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/util.h"
#include "mocker/registry/http_internal.h"

#define MAX_ANSWER (64 << 10)

struct progress_state
{
  mk_upload_progress_fn fn;
  void *opaque;
  int64_t sent, total;
};

static void
on_sent (void *opaque, int64_t n)
{
  struct progress_state *p = opaque;
  p->sent += n;
  if (p->sent > p->total)
    p->sent = p->total; /* a retry sends some bytes again */
  if (p->fn)
    p->fn (p->opaque, p->sent, p->total);
}

int
mk_registry_blob_exists (struct mk_registry *r, const char *digest, mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/%s/blobs/%s", r->endpoint, r->repo, digest);
  _cleanup_free_ char *what = xasprintf ("HEAD blob %s", digest);
  struct transfer t = { .head = true, .push = true };
  int rc = registry_request (r, url, &t, NULL, REQ_REGISTRY_AUTH | REQ_KEEP_ERROR, NULL, what,
                             err);
  long status = t.status;
  transfer_clear (&t);
  if (rc < 0)
    return -1;
  if (status >= 200 && status < 300)
    return 1;
  if (status == 404)
    return 0;
  return mk_error_set (err, 0, "%s: HTTP status %ld", what, status);
}

/* POST /v2/<repo>/blobs/uploads/[?query]: 201 (mounted: *location NULL)
 * or 202 with the upload's Location. */
static int
start_upload (struct mk_registry *r, const char *query, long *status, char **location,
              mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/%s/blobs/uploads/%s", r->endpoint, r->repo,
                                        query ? query : "");
  struct transfer t = { .method = "POST", .limit = MAX_ANSWER, .push = true };
  int rc = registry_request (r, url, &t, NULL, REQ_REGISTRY_AUTH, NULL, "start blob upload",
                             err);
  *status = t.status;
  if (rc == 0 && t.status == 202)
    {
      if (t.upload_location == NULL)
        rc = mk_error_set (err, 0, "start blob upload: 202 without Location");
      else
        *location = STEAL (t.upload_location);
    }
  else if (rc == 0 && t.status != 201)
    rc = mk_error_set (err, 0, "start blob upload: unexpected HTTP status %ld", t.status);
  transfer_clear (&t);
  return rc;
}

int
mk_registry_blob_mount (struct mk_registry *r, const char *digest, const char *from_repo,
                        char **upload_url, mk_error **err)
{
  _cleanup_free_ char *query = xasprintf ("?mount=%s&from=%s", digest, from_repo);
  long status = 0;
  *upload_url = NULL;
  if (start_upload (r, query, &status, upload_url, err) < 0)
    return mk_error_wrap (err, "mount blob %s from %s", digest, from_repo);
  return status == 201;
}

static char *
with_query (const char *url, const char *key, const char *value)
{
  return xasprintf ("%s%s%s=%s", url, strchr (url, '?') ? "&" : "?", key, value);
}

/* One PATCH or PUT of [off, off+len) of fd to url; *next gets the
 * Location for the next request (PATCH). */
static int
send_part (struct mk_registry *r, const char *method, const char *url, int fd, int64_t off,
           int64_t len, bool ranged, struct progress_state *ps, long want_status, char **next,
           mk_error **err)
{
  char range[64];
  snprintf (range, sizeof range, "%lld-%lld", (long long) off, (long long) (off + len - 1));
  struct transfer t = {
    .method = method, .limit = MAX_ANSWER, .push = true, .body_fd = fd, .body_off = off,
    .body_len = len, .req_content_type = "application/octet-stream",
    .req_range = ranged && len > 0 ? range : NULL, .sent = on_sent, .sent_opaque = ps,
  };
  int64_t before = ps->sent;
  _cleanup_free_ char *what = xasprintf ("%s blob upload", method);
  int rc = registry_request (r, url, &t, NULL, REQ_REGISTRY_AUTH, NULL, what, err);
  if (rc == 0 && t.status != want_status)
    rc = mk_error_set (err, 0, "%s: unexpected HTTP status %ld", what, t.status);
  if (rc == 0 && next)
    {
      if (t.upload_location == NULL)
        rc = mk_error_set (err, 0, "%s: no Location in the answer", what);
      else
        *next = STEAL (t.upload_location);
    }
  if (rc == 0)
    ps->sent = before + len;
  transfer_clear (&t);
  return rc;
}

int
mk_registry_blob_upload (struct mk_registry *r, const char *digest, int fd, int64_t size,
                         int64_t chunk, const char *upload_url, mk_upload_progress_fn progress,
                         void *opaque, mk_error **err)
{
  struct progress_state ps = { .fn = progress, .opaque = opaque, .total = size };
  _cleanup_free_ char *url = upload_url ? xstrdup (upload_url) : NULL;
  if (url == NULL)
    {
      long status = 0;
      if (start_upload (r, NULL, &status, &url, err) < 0)
        return mk_error_wrap (err, "blob %s", digest);
    }
  int64_t off = 0;
  if (chunk > 0 && size > chunk)
    while (off < size)
      {
        int64_t n = size - off < chunk ? size - off : chunk;
        char *next = NULL;
        if (send_part (r, "PATCH", url, fd, off, n, true, &ps, 202, &next, err) < 0)
          return mk_error_wrap (err, "blob %s", digest);
        free (url);
        url = next;
        off += n;
      }
  _cleanup_free_ char *put = with_query (url, "digest", digest);
  if (send_part (r, "PUT", put, fd, off, size - off, false, &ps, 201, NULL, err) < 0)
    return mk_error_wrap (err, "blob %s", digest);
  if (progress)
    progress (opaque, size, size);
  return 0;
}

int
mk_registry_put_manifest (struct mk_registry *r, const char *tag, const char *media_type,
                          const char *body, size_t len, char **digest_out, mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/%s/manifests/%s", r->endpoint, r->repo, tag);
  _cleanup_free_ char *what = xasprintf ("PUT manifest %s", tag);
  struct transfer t = {
    .method = "PUT", .limit = MAX_ANSWER, .push = true, .body_buf = body, .body_fd = -1,
    .body_len = len, .req_content_type = media_type,
  };
  _cleanup_free_ char *mine = digest_bytes (body, len);
  int rc = registry_request (r, url, &t, NULL, REQ_REGISTRY_AUTH, NULL, what, err);
  if (rc == 0 && t.status != 201 && t.status != 200)
    rc = mk_error_set (err, 0, "%s: unexpected HTTP status %ld", what, t.status);
  if (rc == 0 && t.dcd && strcmp (t.dcd, mine) != 0)
    rc = mk_error_set (err, 0, "%s: the registry says digest %s, the manifest is %s", what,
                       t.dcd, mine);
  transfer_clear (&t);
  if (rc == 0 && digest_out)
    *digest_out = STEAL (mine);
  return rc;
}

int
mk_registry_check (struct mk_registry *r, mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/", r->endpoint);
  struct transfer t = { .limit = MAX_ANSWER };
  int rc = registry_request (r, url, &t, NULL, REQ_REGISTRY_AUTH, NULL, NULL, err);
  long status = t.status;
  transfer_clear (&t);
  if (rc < 0 && (status == 401 || status == 403))
    {
      mk_error_free (err);
      return mk_error_set (err, 0, "bad credentials for %s (HTTP %ld)", r->domain, status);
    }
  return rc;
}
