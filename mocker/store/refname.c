#include "mocker/store/refname.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/registry/reference.h"
#include "mocker/store/store.h"

#define DOCKER_HUB "docker.io"

int
store_ref_normalize (const char *ref, char **out, mk_error **err)
{
  _cleanup_reference_ struct mk_reference *r = NULL;
  if (mk_reference_parse (ref, &r, err) < 0)
    return -1;
  *out = mk_reference_string (r);
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
