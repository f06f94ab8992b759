/* Set of the symlinks a layer made (design in layer_symlinks.h): open
 * addressing on an FNV-1a hash, grown at half load. */
#include "mocker/store/layer_symlinks.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"

struct layer_symlinks
{
  char **slot;
  size_t cap; /* a power of two */
  size_t n;
};

static uint64_t
hash_n (const char *p, size_t len)
{
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char) p[i]) * 1099511628211ULL;
  return h;
}

/* The slot holding p[0..len) or the empty slot where it would go. */
static char **
find_slot (struct layer_symlinks *s, const char *p, size_t len)
{
  size_t i = hash_n (p, len) & (s->cap - 1);
  for (;; i = (i + 1) & (s->cap - 1))
    {
      char *e = s->slot[i];
      if (e == NULL || (strncmp (e, p, len) == 0 && e[len] == '\0'))
        return &s->slot[i];
    }
}

struct layer_symlinks *
layer_symlinks_new (void)
{
  struct layer_symlinks *s = xzalloc (sizeof *s);
  s->cap = 64;
  s->slot = xzalloc (s->cap * sizeof *s->slot);
  return s;
}

void
layer_symlinks_free (struct layer_symlinks *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->cap; i++)
    free (s->slot[i]);
  free (s->slot);
  free (s);
}

void
cleanup_layer_symlinksp (struct layer_symlinks **s)
{
  layer_symlinks_free (*s);
  *s = NULL;
}

char *
layer_path_normalize (const char *name)
{
  char *out = xmalloc (strlen (name) + 1);
  size_t n = 0;
  for (const char *c = name; *c;)
    {
      size_t len = strcspn (c, "/");
      if (len > 0 && !(len == 1 && c[0] == '.'))
        {
          if (n > 0)
            out[n++] = '/';
          memcpy (out + n, c, len);
          n += len;
        }
      c += len;
      while (*c == '/')
        c++;
    }
  out[n] = '\0';
  return out;
}

void
layer_symlinks_add (struct layer_symlinks *s, const char *norm)
{
  char **slot = find_slot (s, norm, strlen (norm));
  if (*slot)
    return;
  *slot = xstrdup (norm);
  if (++s->n * 2 <= s->cap)
    return;
  struct layer_symlinks bigger = { .cap = s->cap * 2 };
  bigger.slot = xzalloc (bigger.cap * sizeof *bigger.slot);
  for (size_t i = 0; i < s->cap; i++)
    if (s->slot[i])
      *find_slot (&bigger, s->slot[i], strlen (s->slot[i])) = s->slot[i];
  free (s->slot);
  s->slot = bigger.slot;
  s->cap = bigger.cap;
}

static bool
is_link_n (struct layer_symlinks *s, const char *p, size_t len)
{
  if (s->n == 0 || *find_slot (s, p, len) == NULL)
    return false;
  _cleanup_free_ char *path = xstrndup (p, len);
  struct stat st;
  return lstat (path, &st) == 0 && S_ISLNK (st.st_mode);
}

bool
layer_symlinks_is_link (struct layer_symlinks *s, const char *norm)
{
  return is_link_n (s, norm, strlen (norm));
}

char *
layer_symlinks_through (struct layer_symlinks *s, const char *norm)
{
  if (s->n == 0)
    return NULL;
  for (const char *c = strchr (norm, '/'); c; c = strchr (c + 1, '/'))
    if (is_link_n (s, norm, c - norm))
      return xstrndup (norm, c - norm);
  return NULL;
}
