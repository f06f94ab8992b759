#include "mocker/registry/reference.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define NAME_MAX_TOTAL 255

static bool
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum (char c)
{
  return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool
valid_path_component (const char *s, size_t n)
{
  size_t i = 0;
  if (n == 0 || !is_lower_alnum (s[0]))
    return false;
  while (i < n)
    {
      while (i < n && is_lower_alnum (s[i]))
        i++;
      if (i == n)
        return true;
      /* a separator, then at least one alnum */
      if (s[i] == '.')
        i++;
      else if (s[i] == '_')
        {
          i++;
          if (i < n && s[i] == '_')
            i++;
        }
      else if (s[i] == '-')
        while (i < n && s[i] == '-')
          i++;
      else
        return false;
      if (i == n || !is_lower_alnum (s[i]))
        return false;
    }
  return true;
}

static bool
valid_path (const char *path)
{
  const char *p = path;
  for (;;)
    {
      const char *slash = strchr (p, '/');
      size_t n = slash ? (size_t) (slash - p) : strlen (p);
      if (!valid_path_component (p, n))
        return false;
      if (slash == NULL)
        return true;
      p = slash + 1;
    }
}

/* host component: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? joined by '.',
 * or a bracketed IPv6 address, then an optional :port. */
static bool
valid_domain (const char *d)
{
  const char *p = d;
  if (*p == '[')
    {
      const char *end = strchr (p, ']');
      if (end == NULL || end == p + 1)
        return false;
      for (const char *q = p + 1; q < end; q++)
        if (!isxdigit ((unsigned char) *q) && *q != ':' && *q != '.')
          return false;
      p = end + 1;
    }
  else
    {
      for (;;)
        {
          size_t n = 0;
          while (is_alnum (p[n]) || p[n] == '-')
            n++;
          if (n == 0 || !is_alnum (p[0]) || !is_alnum (p[n - 1]))
            return false;
          p += n;
          if (*p != '.')
            break;
          p++;
        }
    }
  if (*p == ':')
    {
      p++;
      if (!isdigit ((unsigned char) *p))
        return false;
      while (isdigit ((unsigned char) *p))
        p++;
    }
  return *p == '\0';
}

int
mk_reference_valid_tag (const char *tag)
{
  size_t n = strlen (tag);
  if (n == 0 || n > 128)
    return 0;
  if (!is_alnum (tag[0]) && tag[0] != '_')
    return 0;
  for (size_t i = 1; i < n; i++)
    if (!is_alnum (tag[i]) && tag[i] != '_' && tag[i] != '.' && tag[i] != '-')
      return 0;
  return 1;
}

static bool
all_lower_hex (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

int
mk_reference_valid_digest (const char *digest)
{
  return str_has_prefix (digest, "sha256:") && strlen (digest) == 7 + 64
         && all_lower_hex (digest + 7, 64);
}

static int
invalid (mk_error **err, const char *s, const char *reason)
{
  return mk_error_set (err, 0, "invalid reference \"%s\": %s", s, reason);
}

void
mk_reference_free (struct mk_reference *r)
{
  if (r == NULL)
    return;
  free (r->domain);
  free (r->path);
  free (r->tag);
  free (r->digest);
  free (r);
}

void
cleanup_mk_referencep (struct mk_reference **r)
{
  mk_reference_free (*r);
  *r = NULL;
}

/* The first component names a registry only if it looks like a host. */
static bool
looks_like_domain (const char *s, size_t n)
{
  return memchr (s, '.', n) || memchr (s, ':', n) || (n == 9 && memcmp (s, "localhost", 9) == 0)
         || (n > 0 && s[0] == '[');
}

int
mk_reference_parse (const char *s, struct mk_reference **out, mk_error **err)
{
  if (s == NULL || *s == '\0')
    return invalid (err, "", "empty reference");
  if (strlen (s) == 64 && all_lower_hex (s, 64))
    return invalid (err, s, "cannot use a 64-character hexadecimal string as a repository name");

  _cleanup_reference_ struct mk_reference *r = xzalloc (sizeof *r);
  _cleanup_free_ char *name = xstrdup (s);

  char *at = strchr (name, '@');
  if (at)
    {
      *at = '\0';
      const char *d = at + 1;
      if (strchr (d, ':') == NULL)
        return invalid (err, s, "digest must be algorithm:hex");
      if (!str_has_prefix (d, "sha256:"))
        return invalid (err, s, "unsupported digest algorithm (only sha256)");
      if (!mk_reference_valid_digest (d))
        return invalid (err, s, "invalid sha256 digest (want 64 lowercase hex digits)");
      r->digest = xstrdup (d);
    }

  /* A tag is after the last ':' that follows the last '/'. */
  char *slash = strrchr (name, '/');
  char *colon = strrchr (slash ? slash : name, ':');
  if (colon)
    {
      *colon = '\0';
      const char *tag = colon + 1;
      if (!mk_reference_valid_tag (tag))
        return invalid (err, s, "invalid tag (want [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
      if (r->digest == NULL)
        r->tag = xstrdup (tag);
    }
  if (*name == '\0')
    return invalid (err, s, "missing repository name");

  const char *remainder = name;
  char *first = strchr (name, '/');
  if (first && looks_like_domain (name, first - name))
    {
      r->domain = xstrndup (name, first - name);
      remainder = first + 1;
      if (!valid_domain (r->domain))
        return invalid (err, s, "invalid registry host");
      if (strcmp (r->domain, "index.docker.io") == 0)
        {
          free (r->domain);
          r->domain = xstrdup (MK_DOCKER_HUB);
        }
    }
  else
    r->domain = xstrdup (MK_DOCKER_HUB);

  if (*remainder == '\0')
    return invalid (err, s, "missing repository name");
  for (const char *p = remainder; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      return invalid (err, s, "repository name must be lowercase");
  if (!valid_path (remainder))
    return invalid (err, s,
                    "invalid repository name (components of [a-z0-9] separated by '.', '_', "
                    "'__' or '-', joined by '/')");

  if (strcmp (r->domain, MK_DOCKER_HUB) == 0 && strchr (remainder, '/') == NULL)
    r->path = xasprintf ("library/%s", remainder);
  else
    r->path = xstrdup (remainder);
  if (strlen (r->domain) + 1 + strlen (r->path) > NAME_MAX_TOTAL)
    return invalid (err, s, "repository name longer than 255 characters");

  if (r->tag == NULL && r->digest == NULL)
    r->tag = xstrdup ("latest");
  *out = STEAL (r);
  return 0;
}

char *
mk_reference_name (const struct mk_reference *r)
{
  return xasprintf ("%s/%s", r->domain, r->path);
}

static char *
with_object (char *name, const struct mk_reference *r)
{
  char *s = r->digest ? xasprintf ("%s@%s", name, r->digest) : xasprintf ("%s:%s", name, r->tag);
  free (name);
  return s;
}

char *
mk_reference_string (const struct mk_reference *r)
{
  return with_object (mk_reference_name (r), r);
}

char *
mk_reference_familiar_name (const struct mk_reference *r)
{
  if (strcmp (r->domain, MK_DOCKER_HUB) != 0)
    return mk_reference_name (r);
  if (str_has_prefix (r->path, "library/") && strchr (r->path + 8, '/') == NULL)
    return xstrdup (r->path + 8);
  return xstrdup (r->path);
}

char *
mk_reference_familiar (const struct mk_reference *r)
{
  return with_object (mk_reference_familiar_name (r), r);
}

const char *
mk_reference_object (const struct mk_reference *r)
{
  return r->digest ? r->digest : r->tag;
}
