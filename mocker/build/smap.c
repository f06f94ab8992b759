/* A small ordered string map (build_internal.h): labels, ports, args. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/build/build_internal.h"

long
smap_find (const struct smap *m, const char *key)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->keys[i], key) == 0)
      return (long) i;
  return -1;
}

void
smap_set (struct smap *m, const char *key, const char *val)
{
  long i = smap_find (m, key);
  if (i >= 0)
    {
      free (m->vals[i]);
      m->vals[i] = val ? xstrdup (val) : NULL;
      return;
    }
  m->keys = xrealloc (m->keys, (m->n + 1) * sizeof *m->keys);
  m->vals = xrealloc (m->vals, (m->n + 1) * sizeof *m->vals);
  m->keys[m->n] = xstrdup (key);
  m->vals[m->n] = val ? xstrdup (val) : NULL;
  m->n++;
}

void
smap_clear (struct smap *m)
{
  for (size_t i = 0; i < m->n; i++)
    {
      free (m->keys[i]);
      free (m->vals[i]);
    }
  free (m->keys);
  free (m->vals);
  *m = (struct smap) { 0 };
}
