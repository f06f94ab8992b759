/* Internals shared by http.c (transport) and authorize.c (tokens). */
#ifndef MK_REGISTRY_HTTP_INTERNAL_H
#define MK_REGISTRY_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <curl/curl.h>

#include "common/error.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/http.h"

struct mk_registry
{
  char *domain;    /* as in the reference: "docker.io" */
  char *cred_domain;  /* whose credentials to use: the domain, or the mirror's host */
  char *endpoint;  /* "https://registry-1.docker.io" */
  char *origin;    /* "https://registry-1.docker.io:443", to compare with redirect targets */
  char *repo;      /* "library/ubuntu" */
  bool insecure;
  bool push;          /* tokens ask for pull,push (mk_registry_set_push) */
  bool tls_noverify;  /* a loopback registry over https: its certificate is not checked */
  CURLSH *share;
  pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

  pthread_mutex_t lock;  /* guards what follows */
  char *authorization;   /* "Bearer ..." / "Basic ..." or NULL */
  unsigned auth_gen;     /* bumped at each change */
  time_t auth_expires;   /* 0 = does not expire */
  char *realm, *service, *scope;  /* the last Bearer challenge */
  struct mk_credentials creds;
  int have_creds;  /* -1 = not looked up yet */
  int retries;
};

struct transfer
{
  /* what to do with a 2xx body */
  bool head;          /* a HEAD request: no body */
  mk_blob_sink sink;  /* NULL: collect into buf */
  void *opaque;
  int64_t limit;      /* most bytes accepted */
  int64_t delivered;  /* bytes given to sink so far, across attempts */

  /* the current response */
  long status;
  bool first_write;
  int64_t skip;  /* bytes of this body already delivered by an earlier attempt */
  char *content_type, *dcd, *www_auth, *rl_limit, *rl_remaining, *retry_after, *content_range;
  char *location;  /* absolute redirect target */
  char *upload_location;  /* a 201/202's Location, made absolute (uploads) */

  /* a request with a body or another method (push: upload.c) */
  const char *method;        /* "POST", "PUT", "PATCH"; NULL: GET (HEAD with head) */
  const char *req_content_type;
  const char *req_range;     /* Content-Range of a PATCH chunk, "0-1023" */
  const char *body_buf;      /* the body from memory... */
  int body_fd;               /* ...or from this file (body_buf NULL, fd >= 0) */
  int64_t body_off, body_len;
  int64_t body_pos;          /* bytes of the body sent by this attempt */
  void (*sent) (void *opaque, int64_t n);  /* called as the body goes out */
  void *sent_opaque;
  bool push;                 /* 401/403 reads "push access denied" */
  char *buf;
  size_t len, cap;
  mk_error *abort_err;  /* set by the write callback to stop the transfer */
};
void transfer_clear (struct transfer *t);

enum request_flags
{
  REQ_REGISTRY_AUTH = 1,  /* send/obtain the registry's Authorization */
  REQ_KEEP_ERROR = 2,     /* a non-2xx answer: no error message, t->status says it */
};

/* GET (or HEAD) url with retries and manual redirects; see http.c. */
int registry_request (struct mk_registry *r, const char *start_url, struct transfer *t,
                      const char *accept, int flags, const char *fixed_auth, const char *what,
                      mk_error **err);

/* host[:port] is named in MOCKER_INSECURE_REGISTRIES. */
bool registry_listed_insecure (const char *hostport);
/* host[:port] is `localhost`, in 127.0.0.0/8 or ::1 (`[::1]:5000`): a
 * registry Docker treats as insecure by default (loopback.c). */
bool registry_host_is_loopback (const char *hostport);

/* The Authorization to send to the registry now (NULL: none yet), with its
 * generation; *rc < 0 when refreshing an expired token failed. */
char *registry_current_auth (struct mk_registry *r, unsigned *gen, mk_error **err, int *rc);

/* Sets the Authorization from a 401's WWW-Authenticate, unless another
 * thread already replaced generation failed_gen. */
int registry_auth_from_challenge (struct mk_registry *r, const char *header, unsigned failed_gen,
                                  mk_error **err);

#endif
