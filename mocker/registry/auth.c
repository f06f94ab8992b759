#include "mocker/registry/auth.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"

/* ---- WWW-Authenticate ---- */

static bool
is_tchar (char c)
{
  return isalnum ((unsigned char) c) || (c && strchr ("!#$%&'*+-.^_`|~", c));
}

static bool
is_token68_char (char c)
{
  return isalnum ((unsigned char) c) || (c && strchr ("-._~+/", c));
}

static const char *
skip_ws (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static const char *
skip_token (const char *p)
{
  while (is_tchar (*p))
    p++;
  return p;
}

static char *
lower_dup (const char *s, size_t n)
{
  char *r = xstrndup (s, n);
  for (char *q = r; *q; q++)
    *q = tolower ((unsigned char) *q);
  return r;
}

static void
add_param (struct mk_auth_challenge *c, char *key, char *value)
{
  c->params = xrealloc (c->params, (c->n_params + 1) * sizeof *c->params);
  c->params[c->n_params].key = key;
  c->params[c->n_params].value = value;
  c->n_params++;
}

/* Is p at "token BWS =" but not a token68 tail ("abc==" followed by end/,)? */
static bool
at_auth_param (const char *p)
{
  const char *e = skip_token (p);
  if (e == p)
    return false;
  e = skip_ws (e);
  return *e == '=';
}

/* Reads a quoted-string starting at the opening quote; *out gets the
 * unescaped content. Returns the position after the closing quote. */
static const char *
read_quoted (const char *p, char **out)
{
  size_t cap = strlen (p) + 1, n = 0;
  char *buf = xmalloc (cap);
  p++;
  while (*p && *p != '"')
    {
      if (*p == '\\' && p[1])
        p++;
      buf[n++] = *p++;
    }
  buf[n] = '\0';
  *out = buf;
  if (*p != '"')
    return NULL;
  return p + 1;
}

int
mk_www_authenticate_parse (const char *header, struct mk_auth_challenge **out, size_t *n,
                           mk_error **err)
{
  struct mk_auth_challenge *list = NULL;
  size_t count = 0;
  const char *p = header;

#define FAIL(...)                                                                                  \
  do                                                                                               \
    {                                                                                              \
      mk_auth_challenges_free (list, count);                                                       \
      return mk_error_set (err, 0, __VA_ARGS__);                                                   \
    }                                                                                              \
  while (0)

  for (;;)
    {
      while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
      if (*p == '\0')
        break;
      const char *e = skip_token (p);
      if (e == p)
        FAIL ("WWW-Authenticate `%s`: expected an auth scheme at offset %zu", header,
              (size_t) (p - header));
      list = xrealloc (list, (count + 1) * sizeof *list);
      struct mk_auth_challenge *c = &list[count++];
      memset (c, 0, sizeof *c);
      c->scheme = lower_dup (p, e - p);
      p = skip_ws (e);

      /* token68 form: "Basic dXNlcjpw==" */
      if (!at_auth_param (p) && is_token68_char (*p))
        {
          const char *t = p;
          while (is_token68_char (*t))
            t++;
          while (*t == '=')
            t++;
          const char *after = skip_ws (t);
          if (*after == '\0' || *after == ',')
            {
              add_param (c, xstrdup (""), xstrndup (p, t - p));
              p = after;
              continue;
            }
        }

      /* #auth-param, until something that starts a new challenge */
      while (at_auth_param (p))
        {
          const char *ke = skip_token (p);
          char *key = lower_dup (p, ke - p);
          p = skip_ws (skip_ws (ke) + 1);
          char *value = NULL;
          if (*p == '"')
            {
              p = read_quoted (p, &value);
              if (p == NULL)
                {
                  free (key);
                  free (value);
                  FAIL ("WWW-Authenticate `%s`: unterminated quoted value", header);
                }
            }
          else
            {
              /* a token by the RFC; be lenient and take up to a comma or space */
              const char *ve = p + strcspn (p, ", \t");
              value = xstrndup (p, ve - p);
              p = ve;
            }
          add_param (c, key, value);
          p = skip_ws (p);
          if (*p == ',')
            {
              p++;
              while (*p == ' ' || *p == '\t' || *p == ',')
                p++;
            }
          else if (*p != '\0')
            FAIL ("WWW-Authenticate `%s`: unexpected `%c` at offset %zu", header, *p,
                  (size_t) (p - header));
        }
    }
#undef FAIL
  if (count == 0)
    return mk_error_set (err, 0, "WWW-Authenticate `%s`: no challenge", header);
  *out = list;
  *n = count;
  return 0;
}

void
mk_auth_challenges_free (struct mk_auth_challenge *c, size_t n)
{
  if (c == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    {
      free (c[i].scheme);
      for (size_t j = 0; j < c[i].n_params; j++)
        {
          free (c[i].params[j].key);
          free (c[i].params[j].value);
        }
      free (c[i].params);
    }
  free (c);
}

const char *
mk_auth_challenge_param (const struct mk_auth_challenge *c, const char *key)
{
  for (size_t i = 0; i < c->n_params; i++)
    if (strcasecmp (c->params[i].key, key) == 0)
      return c->params[i].value;
  return NULL;
}

/* ---- credentials ---- */

void
mk_credentials_clear (struct mk_credentials *c)
{
  if (c->pass)
    explicit_bzero (c->pass, strlen (c->pass));
  free (c->user);
  free (c->pass);
  c->user = c->pass = NULL;
}

static int
split_user_pass (const char *s, size_t n, struct mk_credentials *out)
{
  const char *colon = memchr (s, ':', n);
  if (colon == NULL)
    return -1;
  out->user = xstrndup (s, colon - s);
  out->pass = xstrndup (colon + 1, n - (colon - s) - 1);
  return 0;
}

static char *
home_dir (void)
{
  const char *h = getenv ("HOME");
  if (h && *h)
    return xstrdup (h);
  struct passwd *pw = getpwuid (getuid ());
  return pw ? xstrdup (pw->pw_dir) : NULL;
}

/* Keys under "auths" that may name this domain (Docker writes Hub's as
 * "https://index.docker.io/v1/"). */
bool
mk_auth_key_matches (const char *key, const char *domain)
{
  const char *k = key;
  if (str_has_prefix (k, "https://"))
    k += 8;
  else if (str_has_prefix (k, "http://"))
    k += 7;
  size_t n = strcspn (k, "/");
  if (strlen (domain) == n && strncmp (k, domain, n) == 0)
    return true;
  if (strcmp (domain, "docker.io") == 0)
    return (n == 15 && strncmp (k, "index.docker.io", n) == 0)
           || (n == 20 && strncmp (k, "registry-1.docker.io", n) == 0);
  return false;
}

char *
mk_auth_docker_config_path (void)
{
  const char *dir = getenv ("DOCKER_CONFIG");
  if (dir && *dir)
    return path_join (dir, "config.json");
  _cleanup_free_ char *home = home_dir ();
  return home ? xasprintf ("%s/.docker/config.json", home) : NULL;
}

/* The entry of auths (Docker's config.json shape) for domain in path:
 * 1 found, 0 none (or no file), -1 broken. */
static int
find_in_file (const char *path, const char *domain, struct mk_credentials *out, mk_error **err)
{
  if (path == NULL || !path_exists (path))
    return 0;
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse_file (path, &root, err) < 0)
    return -1;
  yajl_val auths = json_get (root, "auths");
  if (auths == NULL || !YAJL_IS_OBJECT (auths))
    return 0;
  for (size_t i = 0; i < auths->u.object.len; i++)
    {
      if (!mk_auth_key_matches (auths->u.object.keys[i], domain))
        continue;
      yajl_val entry = auths->u.object.values[i];
      const char *b64 = json_get_str (entry, "auth");
      const char *user = json_get_str (entry, "username");
      const char *pass = json_get_str (entry, "password");
      if (b64 && *b64)
        {
          size_t len = strlen (b64);
          _cleanup_free_ unsigned char *raw = xzalloc (len + 4);
          int got = EVP_DecodeBlock (raw, (const unsigned char *) b64, len);
          if (got < 0)
            return mk_error_set (err, 0, "%s: auths.%s.auth: invalid base64", path,
                                 auths->u.object.keys[i]);
          /* EVP_DecodeBlock counts padding bytes as zeros */
          while (len > 0 && b64[len - 1] == '=' && got > 0)
            {
              len--;
              got--;
            }
          int r = split_user_pass ((const char *) raw, got, out);
          explicit_bzero (raw, got);
          if (r < 0)
            return mk_error_set (err, 0, "%s: auths.%s.auth: want base64 of user:password", path,
                                 auths->u.object.keys[i]);
          return 1;
        }
      if (user && pass)
        {
          out->user = xstrdup (user);
          out->pass = xstrdup (pass);
          return 1;
        }
    }
  return 0;
}

int
mk_auth_find_credentials (const char *domain, struct mk_credentials *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  const char *env = getenv ("MOCKER_AUTH");
  if (env && *env)
    {
      if (split_user_pass (env, strlen (env), out) < 0)
        return mk_error_set (err, 0, "MOCKER_AUTH: want user:password");
      return 1;
    }
  /* `mocker login`'s file (Docker's, read by skopeo and podman too), then
   * the older ~/.mocker/auth.json */
  _cleanup_free_ char *docker = mk_auth_docker_config_path ();
  int r = find_in_file (docker, domain, out, err);
  if (r != 0)
    return r;
  _cleanup_free_ char *home = home_dir ();
  if (home == NULL)
    return 0;
  _cleanup_free_ char *path = xasprintf ("%s/.mocker/auth.json", home);
  return find_in_file (path, domain, out, err);
}

char *
mk_auth_basic_value (const struct mk_credentials *c)
{
  _cleanup_free_ char *plain = xasprintf ("%s:%s", c->user, c->pass);
  size_t n = strlen (plain);
  _cleanup_free_ unsigned char *b64 = xmalloc (4 * ((n + 2) / 3) + 1);
  EVP_EncodeBlock (b64, (const unsigned char *) plain, n);
  explicit_bzero (plain, n);
  return xasprintf ("Basic %s", b64);
}

int
mk_auth_parse_token_response (const char *body, size_t len, char **token, long *expires_in,
                              mk_error **err)
{
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse (body, len, "token response", &root, err) < 0)
    return -1;
  const char *t = json_get_str (root, "token");
  if (t == NULL || *t == '\0')
    t = json_get_str (root, "access_token");
  if (t == NULL || *t == '\0')
    return mk_error_set (err, 0, "token response: neither `token` nor `access_token` is set");
  long exp = 60;
  yajl_val e = json_get (root, "expires_in");
  if (e && YAJL_IS_INTEGER (e) && YAJL_GET_INTEGER (e) > 60)
    exp = (long) YAJL_GET_INTEGER (e);
  *token = xstrdup (t);
  *expires_in = exp;
  return 0;
}
