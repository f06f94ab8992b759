/* .dockerignore patterns (dockerignore.h). */
#include "mocker/build/dockerignore.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

struct pattern
{
  char *text;
  bool exception;
};

struct dockerignore
{
  struct pattern *p;
  size_t n;
  bool exceptions;
};

char *
dockerignore_clean (const char *path)
{
  bool abs = path[0] == '/';
  _cleanup_free_ char *copy = xstrdup (path);
  char **parts = xzalloc (sizeof *parts);
  size_t n = 0;
  char *save = NULL;
  for (char *t = strtok_r (copy, "/", &save); t; t = strtok_r (NULL, "/", &save))
    {
      if (strcmp (t, ".") == 0)
        continue;
      if (strcmp (t, "..") == 0)
        {
          if (n > 0 && strcmp (parts[n - 1], "..") != 0)
            {
              free (parts[--n]);
              parts[n] = NULL;
              continue;
            }
          if (abs)
            continue;
        }
      strv_push (&parts, t);
      n++;
    }
  size_t len = 2;
  for (size_t i = 0; i < n; i++)
    len += strlen (parts[i]) + 1;
  char *out = xzalloc (len);
  if (abs)
    strcat (out, "/");
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        strcat (out, "/");
      strcat (out, parts[i]);
    }
  if (*out == '\0')
    strcat (out, ".");
  strv_free (parts);
  return out;
}

struct dockerignore *
dockerignore_new (const char *text)
{
  struct dockerignore *d = xzalloc (sizeof *d);
  if (text == NULL)
    return d;
  _cleanup_free_ char *copy = xstrdup (text);
  char *save = NULL;
  for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      /* Docker: a line starting with # is a comment; blanks are trimmed. */
      if (line[0] == '#')
        continue;
      while (isspace ((unsigned char) *line))
        line++;
      size_t n = strlen (line);
      while (n > 0 && isspace ((unsigned char) line[n - 1]))
        line[--n] = '\0';
      if (n == 0)
        continue;
      bool exception = false;
      if (line[0] == '!')
        {
          exception = true;
          line++;
          while (isspace ((unsigned char) *line))
            line++;
          if (*line == '\0')
            continue;
        }
      char *clean = dockerignore_clean (line);
      char *pat = clean;
      if (pat[0] == '/' && pat[1])
        pat++;
      d->p = xrealloc (d->p, (d->n + 1) * sizeof *d->p);
      d->p[d->n++] = (struct pattern) { .text = xstrdup (pat), .exception = exception };
      d->exceptions |= exception;
      free (clean);
    }
  return d;
}

void
dockerignore_free (struct dockerignore *d)
{
  if (d == NULL)
    return;
  for (size_t i = 0; i < d->n; i++)
    free (d->p[i].text);
  free (d->p);
  free (d);
}

void
cleanup_dockerignorep (struct dockerignore **d)
{
  dockerignore_free (*d);
}

bool
dockerignore_has_exceptions (const struct dockerignore *d)
{
  return d && d->exceptions;
}

/* [...] at p (after the '['): *matched tells whether c is in the class;
 * returns the position after the ']' or NULL for a bad class. */
static const char *
match_class (const char *p, char c, bool *matched)
{
  bool negate = false;
  if (*p == '^' || *p == '!')
    {
      negate = true;
      p++;
    }
  bool in = false;
  bool first = true;
  while (*p && (*p != ']' || first))
    {
      first = false;
      char lo = *p++;
      if (lo == '\\' && *p)
        lo = *p++;
      char hi = lo;
      if (*p == '-' && p[1] && p[1] != ']')
        {
          p++;
          hi = *p++;
          if (hi == '\\' && *p)
            hi = *p++;
        }
      if (c >= lo && c <= hi)
        in = true;
    }
  if (*p != ']')
    return NULL;
  *matched = in != negate;
  return p + 1;
}

static bool
match_here (const char *p, const char *s)
{
  while (*p)
    {
      if (p[0] == '*' && p[1] == '*')
        {
          p += 2;
          if (*p == '/')
            p++;
          if (*p == '\0')
            return true; /* `**` at the end: everything */
          /* Docker compiles this to "(.*" "/)?": the rest here, or after any slash further on. */
          if (match_here (p, s))
            return true;
          for (const char *q = s; *q; q++)
            if (*q == '/' && match_here (p, q + 1))
              return true;
          return false;
        }
      if (*p == '*')
        {
          p++;
          for (const char *q = s;; q++)
            {
              if (match_here (p, q))
                return true;
              if (*q == '\0' || *q == '/')
                return false;
            }
        }
      if (*s == '\0')
        return false;
      if (*p == '?')
        {
          if (*s == '/')
            return false;
          p++;
          s++;
          continue;
        }
      if (*p == '[')
        {
          bool m = false;
          const char *next = match_class (p + 1, *s, &m);
          if (next == NULL || !m || *s == '/')
            return false;
          p = next;
          s++;
          continue;
        }
      if (*p == '\\' && p[1])
        p++;
      if (*p != *s)
        return false;
      p++;
      s++;
    }
  return *s == '\0';
}

bool
dockerignore_match (const char *pattern, const char *path)
{
  return match_here (pattern, path);
}

bool
dockerignore_excluded (const struct dockerignore *d, const char *path)
{
  if (d == NULL || d->n == 0)
    return false;
  _cleanup_free_ char *clean = dockerignore_clean (path);
  bool matched = false;
  for (size_t i = 0; i < d->n; i++)
    {
      const struct pattern *pt = &d->p[i];
      if (pt->exception && !matched)
        continue;
      bool m = match_here (pt->text, clean);
      /* A pattern matching a parent directory matches what is below it. */
      for (char *slash = strchr (clean, '/'); !m && slash; slash = strchr (slash + 1, '/'))
        {
          *slash = '\0';
          m = match_here (pt->text, clean);
          *slash = '/';
        }
      if (m)
        matched = !pt->exception;
    }
  return matched;
}
