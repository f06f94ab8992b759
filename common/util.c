#include "common/util.h"

#include <stdint.h>
#include <math.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void __attribute__ ((noreturn))
oom (void)
{
  static const char msg[] = "out of memory\n";
  if (write (2, msg, sizeof msg - 1) < 0)
    { /* nothing left to do */ }
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xzalloc (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *ptr, size_t size)
{
  void *p = realloc (ptr, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (p == NULL)
    oom ();
  return p;
}

char *
xvasprintf (const char *fmt, va_list ap)
{
  char *s;
  if (vasprintf (&s, fmt, ap) < 0)
    oom ();
  return s;
}

char *
xconcat (const char *first, ...)
{
  va_list ap;
  size_t len = 0;
  va_start (ap, first);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    len += strlen (s);
  va_end (ap);
  char *out = xmalloc (len + 1), *p = out;
  va_start (ap, first);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    {
      size_t n = strlen (s);
      memcpy (p, s, n);
      p += n;
    }
  va_end (ap);
  *p = '\0';
  return out;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = xvasprintf (fmt, ap);
  va_end (ap);
  return s;
}

void
cleanup_freep (void *p)
{
  free (*(void **) p);
}

void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

void
cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

void
cleanup_closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

void
cleanup_strvp (char ***v)
{
  strv_free (*v);
}

size_t
strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

void
strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

char **
strv_dup (char *const *v)
{
  size_t n = strv_len (v);
  char **out = xmalloc ((n + 1) * sizeof *out);
  for (size_t i = 0; i < n; i++)
    out[i] = xstrdup (v[i]);
  out[n] = NULL;
  return out;
}

void
strv_push (char ***v, const char *s)
{
  size_t n = strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof **v);
  (*v)[n] = xstrdup (s);
  (*v)[n + 1] = NULL;
}

bool
str_has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

bool
str_has_suffix (const char *s, const char *suffix)
{
  size_t ls = strlen (s), lx = strlen (suffix);
  return ls >= lx && strcmp (s + ls - lx, suffix) == 0;
}

bool
str_is_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

/* Only digits (and a leading '-' for the signed form): strtoll alone
 * would also take leading blanks and '+', and strtoull silently negates
 * " -1" into 18446744073709551615. */
static bool
is_decimal (const char *s, bool allow_minus)
{
  if (allow_minus && *s == '-')
    s++;
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

bool
parse_int64 (const char *s, long long *out)
{
  if (str_is_empty (s) || !is_decimal (s, true))
    return false;
  errno = 0;
  long long v = strtoll (s, NULL, 10);
  if (errno != 0)
    return false;
  *out = v;
  return true;
}

bool
parse_uint64 (const char *s, unsigned long long *out)
{
  if (str_is_empty (s) || !is_decimal (s, false))
    return false;
  errno = 0;
  unsigned long long v = strtoull (s, NULL, 10);
  if (errno != 0)
    return false;
  *out = v;
  return true;
}

const char *
getopt_failed_arg (char **argv)
{
  int i = optind - 1;
  if (i > 0 && argv[i] == NULL)
    i--;
  return i > 0 && argv[i] ? argv[i] : "";
}

/* "512m", "1g", "1048576", "64k", "100b" -> bytes. */
int
parse_bytes (const char *s, int64_t *out, mk_error **err)
{
  char *end = NULL;
  errno = 0;
  double v = strtod (s, &end);
  if (end == s || errno || v < 0 || !isfinite (v))
    return mk_error_set (err, 0, "invalid size `%s`", s);
  double mult = 1;
  if (*end)
    {
      switch (*end | 0x20)
        {
        case 'b': mult = 1; break;
        case 'k': mult = 1024.0; break;
        case 'm': mult = 1024.0 * 1024; break;
        case 'g': mult = 1024.0 * 1024 * 1024; break;
        default: return mk_error_set (err, 0, "invalid size `%s`: unknown unit", s);
        }
      end++;
      if (*end == 'b' || *end == 'B')
        end++;
      if (*end)
        return mk_error_set (err, 0, "invalid size `%s`", s);
    }
  if (v * mult >= 9.2e18)
    return mk_error_set (err, 0, "invalid size `%s`: too large", s);
  *out = (int64_t) (v * mult);
  return 0;
}
