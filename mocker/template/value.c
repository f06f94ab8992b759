/* Template values: JSON scalars become Go-like values; objects and arrays
 * stay yajl nodes. Printing follows Go's fmt %v of decoded JSON
 * (map[k:v] with sorted keys, [a b]), output buffers and the per-call arena. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/template/internal.h"

void
buf_add (struct buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 256;
      while (b->cap < b->len + n + 1)
        b->cap *= 2;
      b->p = xrealloc (b->p, b->cap);
    }
  memcpy (b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void
buf_adds (struct buf *b, const char *s)
{
  buf_add (b, s, strlen (s));
}

void
buf_addc (struct buf *b, char c)
{
  buf_add (b, &c, 1);
}

void
buf_printf (struct buf *b, const char *fmt, ...)
{
  char small[128];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if ((size_t) n < sizeof small)
    {
      buf_add (b, small, n);
      return;
    }
  char *big = xmalloc (n + 1);
  va_start (ap, fmt);
  vsnprintf (big, n + 1, fmt, ap);
  va_end (ap);
  buf_add (b, big, n);
  free (big);
}

void *
arena_alloc (struct arena *a, size_t size)
{
  if (a->n == a->cap)
    {
      a->cap = a->cap ? a->cap * 2 : 16;
      a->p = xrealloc (a->p, a->cap * sizeof *a->p);
    }
  return a->p[a->n++] = xzalloc (size ? size : 1);
}

char *
arena_strndup (struct arena *a, const char *s, size_t n)
{
  char *p = arena_alloc (a, n + 1);
  memcpy (p, s, n);
  return p;
}

void
arena_reset (struct arena *a)
{
  for (size_t i = 0; i < a->n; i++)
    free (a->p[i]);
  a->n = 0;
}

struct tv
tv_str (const char *s)
{
  return (struct tv) { .kind = TV_STR, .s = s };
}

struct tv
tv_from_json (yajl_val v)
{
  if (v == NULL || YAJL_IS_NULL (v))
    return (struct tv) { .kind = TV_NULL };
  if (YAJL_IS_STRING (v))
    return tv_str (v->u.string);
  if (YAJL_IS_TRUE (v) || YAJL_IS_FALSE (v))
    return (struct tv) { .kind = TV_BOOL, .b = YAJL_IS_TRUE (v) };
  if (YAJL_IS_INTEGER (v))
    return (struct tv) { .kind = TV_INT, .i = YAJL_GET_INTEGER (v), .d = (double) YAJL_GET_INTEGER (v) };
  if (YAJL_IS_NUMBER (v))
    return (struct tv) { .kind = TV_FLOAT, .d = YAJL_IS_DOUBLE (v) ? YAJL_GET_DOUBLE (v) : strtod (v->u.number.r, NULL) };
  return (struct tv) { .kind = TV_JSON, .j = v };
}

bool
tv_truth (const struct tv *v)
{
  switch (v->kind)
    {
    case TV_MISSING:
    case TV_NULL: return false;
    case TV_STR: return v->s[0] != '\0';
    case TV_INT: return v->i != 0;
    case TV_FLOAT: return v->d != 0;
    case TV_BOOL: return v->b;
    case TV_LIST: return v->n > 0;
    case TV_JSON:
      return YAJL_IS_OBJECT (v->j) ? v->j->u.object.len > 0 : v->j->u.array.len > 0;
    }
  return false;
}

/* Go's %v of a float64: shortest text that reads back, exponent form
 * below 1e-4 and from 1e21. */
static void
print_float (struct buf *b, double d)
{
  if (isinf (d))
    {
      buf_adds (b, d > 0 ? "+Inf" : "-Inf");
      return;
    }
  if (isnan (d))
    {
      buf_adds (b, "NaN");
      return;
    }
  double a = fabs (d);
  if (a != 0 && (a < 1e-4 || a >= 1e21))
    {
      char s[40];
      for (int prec = 0; prec < 17; prec++)
        {
          snprintf (s, sizeof s, "%.*e", prec, d);
          if (strtod (s, NULL) == d)
            break;
        }
      /* Go writes e+06 as e+06 and e-05 as e-05: the same as C */
      buf_adds (b, s);
      return;
    }
  char s[64];
  for (int prec = 0; prec < 18; prec++)
    {
      snprintf (s, sizeof s, "%.*f", prec, d);
      if (strtod (s, NULL) == d)
        break;
    }
  buf_adds (b, s);
}

static int
cmp_keys (const void *a, const void *b)
{
  const char *const *x = a, *const *y = b;
  return strcmp (*x, *y);
}

void
tv_print (struct buf *b, const struct tv *v)
{
  switch (v->kind)
    {
    case TV_MISSING: return;
    case TV_NULL: buf_adds (b, "<nil>"); return;
    case TV_STR: buf_adds (b, v->s); return;
    case TV_INT: buf_printf (b, "%lld", v->i); return;
    case TV_FLOAT: print_float (b, v->d); return;
    case TV_BOOL: buf_adds (b, v->b ? "true" : "false"); return;
    case TV_LIST:
      buf_addc (b, '[');
      for (size_t i = 0; i < v->n; i++)
        {
          if (i)
            buf_addc (b, ' ');
          buf_adds (b, v->strv[i]);
        }
      buf_addc (b, ']');
      return;
    case TV_JSON:
      break;
    }
  if (YAJL_IS_ARRAY (v->j))
    {
      buf_addc (b, '[');
      for (size_t i = 0; i < v->j->u.array.len; i++)
        {
          if (i)
            buf_addc (b, ' ');
          struct tv e = tv_from_json (v->j->u.array.values[i]);
          tv_print (b, &e);
        }
      buf_addc (b, ']');
      return;
    }
  /* an object, keys sorted as Go prints maps */
  size_t n = v->j->u.object.len;
  const char **keys = xmalloc ((n ? n : 1) * sizeof *keys);
  memcpy (keys, v->j->u.object.keys, n * sizeof *keys);
  qsort (keys, n, sizeof *keys, cmp_keys);
  buf_adds (b, "map[");
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        buf_addc (b, ' ');
      buf_adds (b, keys[i]);
      buf_addc (b, ':');
      struct tv e = tv_from_json (json_get (v->j, keys[i]));
      tv_print (b, &e);
    }
  buf_addc (b, ']');
  free (keys);
}

const char *
tv_type_name (const struct tv *v)
{
  switch (v->kind)
    {
    case TV_MISSING:
    case TV_NULL: return "<nil>";
    case TV_STR: return "string";
    case TV_INT: return "int";
    case TV_FLOAT: return "float64";
    case TV_BOOL: return "bool";
    case TV_LIST: return "[]string";
    case TV_JSON: return YAJL_IS_OBJECT (v->j) ? "map[string]interface {}" : "[]interface {}";
    }
  return "?";
}

const char *
tv_to_str (struct arena *a, const struct tv *v)
{
  if (v->kind == TV_STR)
    return v->s;
  struct buf b = { 0 };
  tv_print (&b, v);
  char *s = arena_strndup (a, b.p ? b.p : "", b.len);
  free (b.p);
  return s;
}
