#include "mocker/store/refname.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/util.h"
#include "mocker/store/store.h"

#define DOCKER_HUB "docker.io"

/* One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool
valid_component (const char *s, size_t n)
{
  if (n == 0 || !(islower ((unsigned char) s[0]) || isdigit ((unsigned char) s[0])))
    return false;
  for (size_t i = 0; i < n; i++)
    {
      char c = s[i];
      if (islower ((unsigned char) c) || isdigit ((unsigned char) c))
        continue;
      if (c != '.' && c != '_' && c != '-')
        return false;
      size_t j = i;
      while (j < n && (s[j] == '.' || s[j] == '_' || s[j] == '-'))
        j++;
      size_t run = j - i;
      if (j == n)
        return false; /* separator at the end */
      if (c == '.' && run != 1)
        return false;
      if (c == '_' && run > 2)
        return false;
      if (c == '-')
        for (size_t k = i; k < j; k++)
          if (s[k] != '-')
            return false;
      if (c == '_')
        for (size_t k = i; k < j; k++)
          if (s[k] != '_')
            return false;
      i = j - 1;
    }
  return true;
}

static bool
valid_path (const char *p)
{
  if (*p == '\0')
    return false;
  while (*p)
    {
      size_t n = strcspn (p, "/");
      if (!valid_component (p, n))
        return false;
      p += n;
      if (*p == '/')
        {
          p++;
          if (*p == '\0')
            return false;
        }
    }
  return true;
}

/* [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} */
static bool
valid_tag (const char *t)
{
  size_t n = strlen (t);
  if (n == 0 || n > 128 || !(isalnum ((unsigned char) t[0]) || t[0] == '_'))
    return false;
  for (size_t i = 1; i < n; i++)
    if (!(isalnum ((unsigned char) t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
      return false;
  return true;
}

static bool
valid_domain (const char *d)
{
  if (*d == '\0')
    return false;
  for (const char *c = d; *c; c++)
    if (!(isalnum ((unsigned char) *c) || *c == '.' || *c == '-' || *c == ':' || *c == '['
          || *c == ']'))
      return false;
  return true;
}

int
store_ref_normalize (const char *ref, char **out, mk_error **err)
{
  if (str_is_empty (ref))
    return store_fail (err, EINVAL, "invalid reference ``: empty name");
  _cleanup_free_ char *s = xstrdup (ref);
  char *digest = NULL;
  char *at = strchr (s, '@');
  if (at)
    {
      *at = '\0';
      digest = at + 1;
      if (!digest_valid (digest))
        return store_fail (err, EINVAL, "invalid reference `%s`: bad digest", ref);
    }
  char *tag = NULL;
  char *slash = strrchr (s, '/');
  char *colon = strrchr (slash ? slash : s, ':');
  if (colon)
    {
      *colon = '\0';
      tag = colon + 1;
      if (!valid_tag (tag))
        return store_fail (err, EINVAL, "invalid reference `%s`: bad tag `%s`", ref, tag);
    }
  const char *domain = DOCKER_HUB;
  char *path = s;
  char *first = strchr (s, '/');
  if (first)
    {
      *first = '\0';
      bool upper = false;
      for (char *c = s; *c; c++)
        upper |= isupper ((unsigned char) *c) != 0;
      if (strchr (s, '.') || strchr (s, ':') || strcmp (s, "localhost") == 0 || upper)
        {
          domain = strcmp (s, "index.docker.io") == 0 ? DOCKER_HUB : s;
          path = first + 1;
          if (!valid_domain (domain))
            return store_fail (err, EINVAL, "invalid reference `%s`: bad registry `%s`", ref,
                                 domain);
        }
      else
        *first = '/';
    }
  if (strlen (path) == DIGEST_HEX_LEN && digest_is_hex_prefix (path))
    return store_fail (err, EINVAL,
                         "invalid reference `%s`: a repository name cannot be a 64-character hex string",
                         ref);
  if (!valid_path (path))
    return store_fail (err, EINVAL,
                         "invalid reference `%s`: repository name must be lowercase letters, digits and separators",
                         ref);
  bool library = strcmp (domain, DOCKER_HUB) == 0 && strchr (path, '/') == NULL;
  if (digest)
    *out = xasprintf ("%s/%s%s@%s", domain, library ? "library/" : "", path, digest);
  else
    *out = xasprintf ("%s/%s%s:%s", domain, library ? "library/" : "", path, tag ? tag : "latest");
  return 0;
}

char *
store_ref_familiar (const char *normalized)
{
  const char *p = normalized;
  if (str_has_prefix (p, DOCKER_HUB "/"))
    {
      p += strlen (DOCKER_HUB "/");
      if (str_has_prefix (p, "library/"))
        {
          const char *rest = p + strlen ("library/");
          size_t n = strcspn (rest, ":@");
          if (memchr (rest, '/', n) == NULL)
            p = rest;
        }
    }
  return xstrdup (p);
}

void
store_ref_split (const char *ref, char **repo, char **tag)
{
  const char *at = strchr (ref, '@');
  if (at)
    {
      *repo = xstrndup (ref, at - ref);
      *tag = xstrdup (at + 1);
      return;
    }
  const char *slash = strrchr (ref, '/');
  const char *colon = strrchr (slash ? slash : ref, ':');
  if (colon)
    {
      *repo = xstrndup (ref, colon - ref);
      *tag = xstrdup (colon + 1);
    }
  else
    {
      *repo = xstrdup (ref);
      *tag = xstrdup ("latest");
    }
}
