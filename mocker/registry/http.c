#include "mocker/registry/http.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>

#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/http_internal.h"
#include "mocker/registry/manifest.h"

#define MAX_ATTEMPTS 5         /* one try and four retries */
#define BACKOFF_FIRST_MS 200   /* doubled at each retry */
#define MAX_REDIRECTS 10
#define MAX_MANIFEST (4 << 20)
#define MAX_ERROR_BODY (64 << 10)
#define DOCKER_HUB_ENDPOINT "https://registry-1.docker.io"

/* ---- libcurl plumbing ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void
curl_init_once (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
share_lock (CURL *h, curl_lock_data data, curl_lock_access access, void *u)
{
  (void) h;
  (void) access;
  struct mk_registry *r = u;
  pthread_mutex_lock (&r->share_locks[data]);
}

static void
share_unlock (CURL *h, curl_lock_data data, void *u)
{
  (void) h;
  struct mk_registry *r = u;
  pthread_mutex_unlock (&r->share_locks[data]);
}

/* "scheme://host:port" of url (default port filled in), or NULL. */
static char *
url_origin (const char *url)
{
  CURLU *u = curl_url ();
  char *scheme = NULL, *host = NULL, *port = NULL, *res = NULL;
  if (curl_url_set (u, CURLUPART_URL, url, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_HOST, &host, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
    {
      for (char *p = host; *p; p++)
        *p = tolower ((unsigned char) *p);
      res = xasprintf ("%s://%s:%s", scheme, host, port);
    }
  curl_free (scheme);
  curl_free (host);
  curl_free (port);
  curl_url_cleanup (u);
  return res;
}

bool
registry_listed_insecure (const char *hostport)
{
  const char *list = getenv ("MOCKER_INSECURE_REGISTRIES");
  if (list == NULL)
    return false;
  size_t n = strlen (hostport);
  for (const char *p = list; *p;)
    {
      while (*p == ',' || *p == ' ')
        p++;
      size_t m = strcspn (p, ", ");
      if (m == n && strncmp (p, hostport, n) == 0)
        return true;
      p += m;
    }
  return false;
}

/* The base URL for a domain: docker.io is a name, its API is at
 * registry-1.docker.io (or the mirror). *loopback: an https endpoint on a
 * loopback host, to be probed (open_loopback). */
static char *
endpoint_for (const char *domain, bool insecure, bool *loopback)
{
  *loopback = false;
  const char *mirror = getenv ("MOCKER_REGISTRY_MIRROR");
  const char *host = domain;
  if (strcmp (domain, MK_DOCKER_HUB) == 0)
    {
      if (mirror == NULL || *mirror == '\0')
        return xstrdup (DOCKER_HUB_ENDPOINT);
      if (strstr (mirror, "://"))
        {
          char *e = xstrdup (mirror);
          size_t n = strlen (e);
          while (n > 0 && e[n - 1] == '/')
            e[--n] = '\0';
          return e;
        }
      host = mirror;
    }
  bool plain = insecure || registry_listed_insecure (host);
  *loopback = !plain && registry_host_is_loopback (host);
  return xasprintf ("%s://%s", plain ? "http" : "https", host);
}

static CURLcode perform_once (struct mk_registry *r, struct transfer *t, const char *url,
                              const char *auth, const char *accept, char *errbuf);

/* A registry on loopback is insecure by default, as in Docker: https
 * without checking the certificate, and plain http when the TLS handshake
 * fails (a plain-HTTP registry answers a ClientHello with garbage). One
 * GET /v2/ decides. */
static void
open_loopback (struct mk_registry *r)
{
  r->tls_noverify = true;
  _cleanup_free_ char *url = xasprintf ("%s/v2/", r->endpoint);
  struct transfer t = { .limit = MAX_ERROR_BODY };
  char errbuf[CURL_ERROR_SIZE];
  CURLcode rc = perform_once (r, &t, url, NULL, NULL, errbuf);
  transfer_clear (&t);
  switch (rc)
    {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      break;
    default:
      return; /* https works (or nothing does: the pull reports it) */
    }
  log_debug ("registry %s: TLS failed (%s), using plain HTTP", r->domain,
             errbuf[0] ? errbuf : curl_easy_strerror (rc));
  char *plain = xasprintf ("http://%s", r->endpoint + strlen ("https://"));
  free (r->endpoint);
  r->endpoint = plain;
  free (r->origin);
  r->origin = url_origin (r->endpoint);
  r->insecure = true;
  r->tls_noverify = false;
}

int
mk_registry_open (const struct mk_reference *ref, bool insecure, struct mk_registry **out,
                  mk_error **err)
{
  pthread_once (&curl_once, curl_init_once);
  struct mk_registry *r = xzalloc (sizeof *r);
  r->domain = xstrdup (ref->domain);
  r->repo = xstrdup (ref->path);
  r->insecure = insecure;
  bool loopback;
  r->endpoint = endpoint_for (ref->domain, insecure, &loopback);
  r->origin = url_origin (r->endpoint);
  r->have_creds = -1;
  if (strcmp (ref->domain, MK_DOCKER_HUB) == 0 && strcmp (r->endpoint, DOCKER_HUB_ENDPOINT) != 0)
    {
      /* a mirror never gets Docker Hub's credentials, only its own */
      const char *h = strstr (r->endpoint, "://");
      h = h ? h + 3 : r->endpoint;
      r->cred_domain = xstrndup (h, strcspn (h, "/"));
    }
  else
    r->cred_domain = xstrdup (ref->domain);
  pthread_mutex_init (&r->lock, NULL);
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    pthread_mutex_init (&r->share_locks[i], NULL);
  r->share = curl_share_init ();
  curl_share_setopt (r->share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt (r->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt (r->share, CURLSHOPT_USERDATA, r);
  curl_share_setopt (r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt (r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt (r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  if (r->origin == NULL)
    {
      mk_error_set (err, 0, "registry `%s`: invalid endpoint `%s`", ref->domain, r->endpoint);
      mk_registry_free (r);
      return -1;
    }
  if (loopback)
    open_loopback (r);
  *out = r;
  return 0;
}

void
mk_registry_free (struct mk_registry *r)
{
  if (r == NULL)
    return;
  if (r->share)
    curl_share_cleanup (r->share);
  for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
    pthread_mutex_destroy (&r->share_locks[i]);
  pthread_mutex_destroy (&r->lock);
  mk_credentials_clear (&r->creds);
  if (r->authorization)
    explicit_bzero (r->authorization, strlen (r->authorization));
  free (r->authorization);
  free (r->realm);
  free (r->service);
  free (r->scope);
  free (r->domain);
  free (r->cred_domain);
  free (r->endpoint);
  free (r->origin);
  free (r->repo);
  free (r);
}

void
cleanup_mk_registryp (struct mk_registry **r)
{
  mk_registry_free (*r);
  *r = NULL;
}

const char *
mk_registry_endpoint (const struct mk_registry *r)
{
  return r->endpoint;
}

int
mk_registry_retries (const struct mk_registry *r)
{
  return __atomic_load_n (&r->retries, __ATOMIC_RELAXED);
}

void
mk_http_response_clear (struct mk_http_response *resp)
{
  free (resp->content_type);
  free (resp->docker_content_digest);
  free (resp->body);
  memset (resp, 0, sizeof *resp);
}

/* ---- one transfer ---- */

static void
transfer_reset_response (struct transfer *t)
{
  t->status = 0;
  t->first_write = true;
  t->skip = 0;
  free (t->content_type);
  free (t->dcd);
  free (t->www_auth);
  free (t->rl_limit);
  free (t->rl_remaining);
  free (t->retry_after);
  free (t->content_range);
  free (t->location);
  t->location = NULL;
  free (t->upload_location);
  t->upload_location = NULL;
  t->body_pos = 0;
  t->content_type = t->dcd = t->www_auth = t->rl_limit = t->rl_remaining = t->retry_after
      = t->content_range = NULL;
  t->len = 0;
}

void
transfer_clear (struct transfer *t)
{
  transfer_reset_response (t);
  free (t->buf);
  t->buf = NULL;
  t->cap = 0;
  mk_error_free (&t->abort_err);
}

static size_t
on_header (char *data, size_t size, size_t n, void *u)
{
  struct transfer *t = u;
  size_t len = size * n;
  if (len >= 5 && strncmp (data, "HTTP/", 5) == 0)
    {
      /* a new response (also after a 100 Continue) */
      transfer_reset_response (t);
      const char *sp = memchr (data, ' ', len);
      if (sp)
        t->status = strtol (sp + 1, NULL, 10);
      return len;
    }
  const char *colon = memchr (data, ':', len);
  if (colon == NULL)
    return len;
  size_t klen = colon - data;
  const char *v = colon + 1;
  size_t vlen = len - klen - 1;
  while (vlen > 0 && (*v == ' ' || *v == '\t'))
    v++, vlen--;
  while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
    vlen--;
  static const struct
  {
    const char *name;
    size_t off;
  } keep[] = {
    { "content-type", offsetof (struct transfer, content_type) },
    { "docker-content-digest", offsetof (struct transfer, dcd) },
    { "www-authenticate", offsetof (struct transfer, www_auth) },
    { "ratelimit-limit", offsetof (struct transfer, rl_limit) },
    { "ratelimit-remaining", offsetof (struct transfer, rl_remaining) },
    { "retry-after", offsetof (struct transfer, retry_after) },
    { "content-range", offsetof (struct transfer, content_range) },
    { "location", offsetof (struct transfer, upload_location) },
  };
  for (size_t i = 0; i < ARRAY_SIZE (keep); i++)
    if (strlen (keep[i].name) == klen && strncasecmp (data, keep[i].name, klen) == 0)
      {
        char **slot = (char **) ((char *) t + keep[i].off);
        if (*slot == NULL) /* the first one counts (several WWW-Authenticate: take the first) */
          *slot = xstrndup (v, vlen);
      }
  return len;
}

static bool
is_2xx (long s)
{
  return s >= 200 && s < 300;
}

static void
buf_append (struct transfer *t, const char *data, size_t len)
{
  if (t->len + len + 1 > t->cap)
    {
      t->cap = (t->len + len + 1) * 2;
      t->buf = xrealloc (t->buf, t->cap);
    }
  memcpy (t->buf + t->len, data, len);
  t->len += len;
  t->buf[t->len] = '\0';
}

static size_t
on_body (char *data, size_t size, size_t n, void *u)
{
  struct transfer *t = u;
  size_t len = size * n;
  if (!is_2xx (t->status))
    {
      /* an error or redirect body: keep the start for the message */
      if (t->len < MAX_ERROR_BODY)
        buf_append (t, data, len < MAX_ERROR_BODY - t->len ? len : MAX_ERROR_BODY - t->len);
      return len;
    }
  if (t->first_write)
    {
      t->first_write = false;
      if (t->delivered > 0)
        {
          /* a resumed download: 206 continues where we stopped, 200 starts over */
          long long start = -1;
          if (t->status == 206 && t->content_range
              && sscanf (t->content_range, "bytes %lld-", &start) == 1 && start == t->delivered)
            t->skip = 0;
          else if (t->status == 206)
            {
              mk_error_set (&t->abort_err, 0, "registry answered range request with `%s`",
                            t->content_range ? t->content_range : "(no Content-Range)");
              return 0;
            }
          else
            t->skip = t->delivered;
        }
    }
  if (t->skip > 0)
    {
      size_t drop = (int64_t) len < t->skip ? len : (size_t) t->skip;
      t->skip -= drop;
      data += drop;
      len -= drop;
      if (len == 0)
        return size * n;
    }
  if (t->delivered + (int64_t) len > t->limit)
    {
      mk_error_set (&t->abort_err, 0, "more data than the expected %lld bytes",
                    (long long) t->limit);
      return 0;
    }
  if (t->sink)
    {
      if (t->sink (t->opaque, data, len, &t->abort_err) < 0)
        {
          if (t->abort_err == NULL)
            mk_error_set (&t->abort_err, 0, "download aborted");
          return 0;
        }
    }
  else
    buf_append (t, data, len);
  t->delivered += len;
  return size * n;
}

/* The request body, from memory or from a file (pread: a retry or a
 * redirect sends it again from its start). */
static size_t
on_read (char *out, size_t size, size_t n, void *u)
{
  struct transfer *t = u;
  size_t want = size * n;
  int64_t left = t->body_len - t->body_pos;
  if ((int64_t) want > left)
    want = left;
  if (want == 0)
    return 0;
  if (t->body_buf)
    memcpy (out, t->body_buf + t->body_pos, want);
  else
    {
      ssize_t got = pread (t->body_fd, out, want, t->body_off + t->body_pos);
      if (got <= 0)
        return CURL_READFUNC_ABORT;
      want = got;
    }
  t->body_pos += want;
  if (t->sent)
    t->sent (t->sent_opaque, want);
  return want;
}

/* base + a (possibly relative) Location: absolute (heap), or NULL. */
static char *
resolve_location (const char *base, const char *loc)
{
  CURLU *u = curl_url ();
  char *abs = NULL, *res = NULL;
  if (curl_url_set (u, CURLUPART_URL, base, 0) == CURLUE_OK
      && curl_url_set (u, CURLUPART_URL, loc, 0) == CURLUE_OK
      && curl_url_get (u, CURLUPART_URL, &abs, 0) == CURLUE_OK)
    res = xstrdup (abs);
  curl_free (abs);
  curl_url_cleanup (u);
  return res;
}

static CURLcode
perform_once (struct mk_registry *r, struct transfer *t, const char *url, const char *auth,
              const char *accept, char *errbuf)
{
  errbuf[0] = '\0';
  CURL *c = curl_easy_init ();
  if (c == NULL)
    return CURLE_OUT_OF_MEMORY;
  struct curl_slist *h = NULL;
  _cleanup_free_ char *auth_h = auth ? xasprintf ("Authorization: %s", auth) : NULL;
  _cleanup_free_ char *accept_h = accept ? xasprintf ("Accept: %s", accept) : NULL;
  char range[64];
  if (auth_h)
    h = curl_slist_append (h, auth_h);
  if (accept_h)
    h = curl_slist_append (h, accept_h);
  _cleanup_free_ char *ctype_h
      = t->req_content_type ? xasprintf ("Content-Type: %s", t->req_content_type) : NULL;
  _cleanup_free_ char *range_h
      = t->req_range ? xasprintf ("Content-Range: %s", t->req_range) : NULL;
  if (ctype_h)
    h = curl_slist_append (h, ctype_h);
  if (range_h)
    h = curl_slist_append (h, range_h);
  if (t->method)
    h = curl_slist_append (h, "Expect:"); /* no 100-continue round trip */
  if (t->sink && t->delivered > 0)
    {
      snprintf (range, sizeof range, "Range: bytes=%lld-", (long long) t->delivered);
      h = curl_slist_append (h, range);
    }
  transfer_reset_response (t);
  errbuf[0] = '\0';
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_SHARE, r->share);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_USERAGENT, "mocker/0.1");
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, 30L);
  /* a stalled connection (under 1 byte/s for 30 s) counts as a timeout */
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (c, CURLOPT_ACCEPT_ENCODING, NULL);
  /* bigger reads: fewer wakeups and writes to the unpacker per layer */
  curl_easy_setopt (c, CURLOPT_BUFFERSIZE, 256L << 10);
  if (t->head)
    curl_easy_setopt (c, CURLOPT_NOBODY, 1L);
  if (t->method)
    {
      /* an upload of body_len bytes (maybe 0) sent with this method */
      curl_easy_setopt (c, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, t->method);
      curl_easy_setopt (c, CURLOPT_INFILESIZE_LARGE, (curl_off_t) t->body_len);
      curl_easy_setopt (c, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt (c, CURLOPT_READDATA, t);
    }
  if (r->tls_noverify)
    {
      /* only the registry's own origin, not a blob store it redirects to */
      _cleanup_free_ char *origin = url_origin (url);
      if (origin && strcmp (origin, r->origin) == 0)
        {
          curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 0L);
          curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 0L);
        }
    }
  CURLcode rc = curl_easy_perform (c);
  if (rc == CURLE_OK)
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &t->status);
  if (rc == CURLE_OK && t->status >= 300 && t->status < 400)
    {
      char *loc = NULL;
      curl_easy_getinfo (c, CURLINFO_REDIRECT_URL, &loc);
      if (loc)
        t->location = xstrdup (loc);
    }
  else if (rc == CURLE_OK && t->upload_location)
    {
      char *abs = resolve_location (url, t->upload_location);
      free (t->upload_location);
      t->upload_location = abs;
    }
  curl_slist_free_all (h);
  curl_easy_cleanup (c);
  return rc;
}

static bool
transient_curl_error (CURLcode rc)
{
  switch (rc)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
    }
}

static bool
transient_status (long s)
{
  return s == 408 || s == 500 || s == 502 || s == 503 || s == 504;
}

/* The registry's own words from {"errors":[{"code","message"}]}, else the status. */
static char *
error_text (const struct transfer *t)
{
  if (t->buf && t->len > 0)
    {
      _cleanup_json_ yajl_val root = NULL;
      _cleanup_error_ mk_error *ignored = NULL;
      if (json_parse (t->buf, strlen (t->buf), "error", &root, &ignored) == 0)
        {
          yajl_val errs = json_get (root, "errors");
          if (errs && YAJL_IS_ARRAY (errs) && errs->u.array.len > 0)
            {
              yajl_val e = errs->u.array.values[0];
              const char *msg = json_get_str (e, "message");
              const char *code = json_get_str (e, "code");
              if (msg && *msg)
                return xstrdup (msg);
              if (code)
                return xstrdup (code);
            }
          const char *details = json_get_str (root, "details");
          if (details)
            return xstrdup (details);
        }
    }
  return xasprintf ("HTTP status %ld", t->status);
}

static void
backoff (int attempt)
{
  long ms = BACKOFF_FIRST_MS << (attempt - 1);
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* GET url (absolute) with retries and manual redirects. The body goes to
 * t->sink or t->buf. fixed_auth is sent to url's own origin instead of the
 * registry's authorization (the token request). */
int
registry_request (struct mk_registry *r, const char *start_url, struct transfer *t,
                  const char *accept, int flags, const char *fixed_auth, const char *what,
                  mk_error **err)
{
  _cleanup_free_ char *start_origin = url_origin (start_url);
  _cleanup_free_ char *last = NULL;
  bool reauthed = false;
  char errbuf[CURL_ERROR_SIZE];
  _cleanup_free_ char *pre = what ? xasprintf ("%s: ", what) : xstrdup ("");

  for (int attempt = 1;; attempt++)
    {
      _cleanup_free_ char *url = xstrdup (start_url);
      int redirects = 0;
      bool retry = false;
      while (!retry)
        {
          _cleanup_free_ char *origin = url_origin (url);
          _cleanup_free_ char *auth = NULL;
          unsigned gen = 0;
          if (origin == NULL)
            return mk_error_set (err, 0, "%sinvalid URL `%s`", pre, url);
          if ((flags & REQ_REGISTRY_AUTH) && strcmp (origin, r->origin) == 0)
            {
              int rc;
              auth = registry_current_auth (r, &gen, err, &rc);
              if (rc < 0)
                return -1;
            }
          else if (fixed_auth && start_origin && strcmp (origin, start_origin) == 0)
            auth = xstrdup (fixed_auth);
          /* never send credentials in the clear to another place than asked */

          int64_t before = t->delivered;
          CURLcode rc = perform_once (r, t, url, auth, accept, errbuf);
          if (auth)
            explicit_bzero (auth, strlen (auth));
          if (t->abort_err)
            {
              *err = STEAL (t->abort_err);
              return what ? mk_error_wrap (err, "%s", what) : -1;
            }
          if (t->sink && t->delivered > 0 && t->status == 416)
            return mk_error_set (err, 0, "%struncated: the registry has only %lld of %lld bytes",
                                 pre, (long long) t->delivered, (long long) t->limit);
          if (rc != CURLE_OK)
            {
              free (last);
              last = xasprintf ("%s%s%s", curl_easy_strerror (rc), errbuf[0] ? ": " : "", errbuf);
              if (!transient_curl_error (rc))
                return mk_error_set (err, 0, "%s%s", pre, last);
              if (t->delivered > before)
                attempt = 1; /* progress was made: a fresh set of retries */
              retry = true;
              break;
            }
          long s = t->status;
          if (is_2xx (s))
            {
              if (t->sink && t->delivered < t->limit)
                {
                  free (last);
                  last = xasprintf ("truncated: got %lld of %lld bytes", (long long) t->delivered,
                                    (long long) t->limit);
                  retry = true;
                  break;
                }
              return 0;
            }
          if (s >= 300 && s < 400 && s != 304)
            {
              if (t->location == NULL)
                return mk_error_set (err, 0, "%sHTTP %ld redirect without Location", pre, s);
              if (++redirects > MAX_REDIRECTS)
                return mk_error_set (err, 0, "%stoo many redirects", pre);
              free (url);
              url = STEAL (t->location);
              continue;
            }
          if (s == 401 && (flags & REQ_REGISTRY_AUTH) && strcmp (origin, r->origin) == 0
              && !reauthed && t->www_auth)
            {
              reauthed = true;
              if (registry_auth_from_challenge (r, t->www_auth, gen, err) < 0)
                return what ? mk_error_wrap (err, "%s", what) : -1;
              continue; /* same URL, new authorization */
            }
          _cleanup_free_ char *text = error_text (t);
          if (s == 401 || s == 403)
            {
              if ((flags & REQ_REGISTRY_AUTH) && strcmp (origin, r->origin) == 0)
                return mk_error_set (err, 0,
                                     "%s%s access denied, repository does not exist or may "
                                     "require authorization: %s",
                                     pre, t->push ? "push" : "pull", text);
              return mk_error_set (err, 0, "%s%s", pre, text);
            }
          if (s == 429)
            return mk_error_set (err, 0,
                                 "%sthe registry's rate limit was reached "
                                 "(ratelimit-limit: %s, ratelimit-remaining: %s%s%s): %s",
                                 pre, t->rl_limit ? t->rl_limit : "not given",
                                 t->rl_remaining ? t->rl_remaining : "not given",
                                 t->retry_after ? ", retry after " : "",
                                 t->retry_after ? t->retry_after : "", text);
          if ((flags & REQ_KEEP_ERROR) && s >= 400 && s < 500 && s != 408)
            return 0; /* the caller reads t->status */
          if (transient_status (s))
            {
              free (last);
              last = xasprintf ("HTTP %ld: %s", s, text);
              retry = true;
              break;
            }
          return mk_error_set (err, 0, "%s%s", pre, text);
        }
      if (attempt >= MAX_ATTEMPTS)
        return mk_error_set (err, 0, "%sgiving up after %d attempts: %s", pre, attempt, last);
      __atomic_add_fetch (&r->retries, 1, __ATOMIC_RELAXED);
      log_debug ("%s%s, retrying (attempt %d)", pre, last, attempt + 1);
      backoff (attempt);
    }
}

/* ---- the two operations ---- */

int
mk_registry_get_manifest (struct mk_registry *r, const char *object,
                          struct mk_http_response *resp, mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/%s/manifests/%s", r->endpoint, r->repo, object);
  struct transfer t = { .limit = MAX_MANIFEST };
  memset (resp, 0, sizeof *resp);
  /* no prefix: the caller names the reference, "manifest unknown" reads best */
  if (registry_request (r, url, &t, MK_MANIFEST_ACCEPT, REQ_REGISTRY_AUTH, NULL, NULL, err) < 0)
    {
      transfer_clear (&t);
      return -1;
    }
  resp->status = t.status;
  resp->content_type = STEAL (t.content_type);
  resp->docker_content_digest = STEAL (t.dcd);
  resp->body = t.buf ? STEAL (t.buf) : xstrdup ("");
  resp->len = t.len;
  transfer_clear (&t);
  return 0;
}

int
mk_registry_head_manifest (struct mk_registry *r, const char *object, char **digest,
                           mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/%s/manifests/%s", r->endpoint, r->repo, object);
  struct transfer t = { .head = true, .limit = 0 };
  int rc = registry_request (r, url, &t, MK_MANIFEST_ACCEPT, REQ_REGISTRY_AUTH, NULL, NULL, err);
  if (rc == 0 && (t.dcd == NULL || !mk_reference_valid_digest (t.dcd)))
    rc = mk_error_set (err, 0, "HEAD manifest %s: no Docker-Content-Digest", object);
  if (rc == 0)
    *digest = STEAL (t.dcd);
  transfer_clear (&t);
  return rc;
}

int
mk_registry_get_blob (struct mk_registry *r, const char *digest, int64_t size, mk_blob_sink sink,
                      void *opaque, mk_error **err)
{
  _cleanup_free_ char *url = xasprintf ("%s/v2/%s/blobs/%s", r->endpoint, r->repo, digest);
  _cleanup_free_ char *what = xasprintf ("blob %s", digest);
  struct transfer t = { .sink = sink, .opaque = opaque, .limit = size };
  int rc = registry_request (r, url, &t, NULL, REQ_REGISTRY_AUTH, NULL, what, err);
  transfer_clear (&t);
  return rc;
}
