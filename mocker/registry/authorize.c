/* The registry's Authorization: a Bearer token asked from the realm a
 * 401 challenge names (anonymously, or with Basic credentials), or Basic
 * credentials themselves; refreshed when a token expires or a request gets
 * 401 again. One refresh at a time, under the registry's lock. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "common/util.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/http_internal.h"

#define MAX_TOKEN_BODY (1 << 20)

static int
fetch_token (struct mk_registry *r, const char *realm, const char *service, const char *scope,
             char **token, long *expires, mk_error **err)
{
  _cleanup_free_ char *url = NULL;
  CURL *esc = curl_easy_init ();
  char *s = service ? curl_easy_escape (esc, service, 0) : NULL;
  char *sc = scope ? curl_easy_escape (esc, scope, 0) : NULL;
  url = xasprintf ("%s%s%s%s%s%s", realm, strchr (realm, '?') ? "&" : "?",
                   s ? "service=" : "", s ? s : "", (s && sc) ? "&" : "", sc ? "scope=" : "");
  if (sc)
    {
      char *u2 = xasprintf ("%s%s", url, sc);
      free (url);
      url = u2;
    }
  curl_free (s);
  curl_free (sc);
  curl_easy_cleanup (esc);

  _cleanup_free_ char *basic = NULL;
  if (r->have_creds < 0)
    {
      r->have_creds = mk_auth_find_credentials (r->cred_domain, &r->creds, err);
      if (r->have_creds < 0)
        return -1;
    }
  if (r->have_creds)
    {
      if (!str_has_prefix (realm, "https://") && !r->insecure
          && !registry_listed_insecure (r->cred_domain))
        return mk_error_set (err, 0, "token realm `%s` is not https: not sending credentials",
                             realm);
      basic = mk_auth_basic_value (&r->creds);
    }

  struct transfer t = { .limit = MAX_TOKEN_BODY };
  _cleanup_free_ char *what = xasprintf ("token from %s", realm);
  int rc = registry_request (r, url, &t, "application/json", 0, basic, what, err);
  if (basic)
    explicit_bzero (basic, strlen (basic));
  if (rc < 0)
    {
      bool refused = t.status == 401 || t.status == 403;
      transfer_clear (&t);
      if (r->have_creds && refused)
        return mk_error_wrap (err, "bad credentials for %s", r->cred_domain);
      return -1;
    }
  rc = mk_auth_parse_token_response (t.buf ? t.buf : "", t.len, token, expires, err);
  transfer_clear (&t);
  if (rc < 0)
    return mk_error_wrap (err, "%s", what);
  return 0;
}

/* Sets the registry's Authorization from a 401's WWW-Authenticate. Under
 * the lock, and only if nobody refreshed since the failed request used
 * generation failed_gen. */
int
registry_auth_from_challenge (struct mk_registry *r, const char *header, unsigned failed_gen,
                     mk_error **err)
{
  struct mk_auth_challenge *ch = NULL;
  size_t n = 0;
  if (mk_www_authenticate_parse (header, &ch, &n, err) < 0)
    return -1;
  int ret = 0;
  pthread_mutex_lock (&r->lock);
  if (r->auth_gen != failed_gen)
    goto out; /* another thread already got a new one */

  const struct mk_auth_challenge *bearer = NULL, *basic = NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (strcmp (ch[i].scheme, "bearer") == 0 && bearer == NULL)
        bearer = &ch[i];
      else if (strcmp (ch[i].scheme, "basic") == 0 && basic == NULL)
        basic = &ch[i];
    }
  if (bearer)
    {
      const char *realm = mk_auth_challenge_param (bearer, "realm");
      const char *service = mk_auth_challenge_param (bearer, "service");
      const char *scope = mk_auth_challenge_param (bearer, "scope");
      _cleanup_free_ char *own_scope = NULL;
      if (realm == NULL || *realm == '\0')
        {
          ret = mk_error_set (err, 0, "Bearer challenge without realm: `%s`", header);
          goto out;
        }
      if (scope == NULL && r->repo[0] != '\0') /* login: no repository, no scope */
        scope = own_scope = xasprintf ("repository:%s:%s", r->repo, r->push ? "pull,push" : "pull");
      char *token = NULL;
      long expires = 0;
      if (fetch_token (r, realm, service, scope, &token, &expires, err) < 0)
        {
          ret = -1;
          goto out;
        }
      free (r->authorization);
      r->authorization = xasprintf ("Bearer %s", token);
      explicit_bzero (token, strlen (token));
      free (token);
      r->auth_expires = time (NULL) + expires;
      char *nr = xstrdup (realm), *ns = service ? xstrdup (service) : NULL;
      char *nsc = scope ? xstrdup (scope) : NULL;
      free (r->realm);
      free (r->service);
      free (r->scope);
      r->realm = nr;
      r->service = ns;
      r->scope = nsc;
    }
  else if (basic)
    {
      if (r->authorization && str_has_prefix (r->authorization, "Basic "))
        {
          ret = mk_error_set (err, 0, "bad credentials for %s", r->cred_domain);
          goto out;
        }
      if (r->have_creds < 0)
        r->have_creds = mk_auth_find_credentials (r->cred_domain, &r->creds, err);
      if (r->have_creds <= 0)
        {
          ret = r->have_creds < 0 ? -1
                                  : mk_error_set (err, 0,
                                                  "%s requires a login (Basic): run `mocker "
                                                  "login %s` or set MOCKER_AUTH",
                                                  r->cred_domain, r->cred_domain);
          goto out;
        }
      free (r->authorization);
      r->authorization = mk_auth_basic_value (&r->creds);
      r->auth_expires = 0;
    }
  else
    {
      ret = mk_error_set (err, 0, "unsupported authentication scheme `%s`", ch[0].scheme);
      goto out;
    }
  r->auth_gen++;
out:
  pthread_mutex_unlock (&r->lock);
  mk_auth_challenges_free (ch, n);
  return ret;
}

void
mk_registry_set_credentials (struct mk_registry *r, const char *user, const char *pass)
{
  pthread_mutex_lock (&r->lock);
  mk_credentials_clear (&r->creds);
  r->creds.user = xstrdup (user);
  r->creds.pass = xstrdup (pass);
  r->have_creds = 1;
  pthread_mutex_unlock (&r->lock);
}

void
mk_registry_set_push (struct mk_registry *r)
{
  r->push = true;
}

/* Current Authorization for the registry's origin, refreshing an expired token. */
char *
registry_current_auth (struct mk_registry *r, unsigned *gen, mk_error **err, int *rc)
{
  *rc = 0;
  pthread_mutex_lock (&r->lock);
  if (r->authorization && r->auth_expires && time (NULL) >= r->auth_expires - 10 && r->realm)
    {
      /* re-run the token request for the last challenge */
      _cleanup_free_ char *ch = xasprintf ("Bearer realm=\"%s\"%s%s%s%s%s%s", r->realm,
                                           r->service ? ",service=\"" : "",
                                           r->service ? r->service : "", r->service ? "\"" : "",
                                           r->scope ? ",scope=\"" : "", r->scope ? r->scope : "",
                                           r->scope ? "\"" : "");
      unsigned g = r->auth_gen;
      pthread_mutex_unlock (&r->lock);
      if (registry_auth_from_challenge (r, ch, g, err) < 0)
        {
          *rc = -1;
          return NULL;
        }
      pthread_mutex_lock (&r->lock);
    }
  char *a = r->authorization ? xstrdup (r->authorization) : NULL;
  *gen = r->auth_gen;
  pthread_mutex_unlock (&r->lock);
  return a;
}
