#include "spec/read_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"

char *
rd_key (const char *path, const char *key)
{
  if (str_is_empty (path))
    return xstrdup (key);
  return xconcat (path, ".", key, NULL);
}

char *
rd_idx (const char *path, size_t i)
{
  char num[24], *p = num + sizeof num;
  *--p = '\0';
  do
    *--p = (char) ('0' + i % 10);
  while ((i /= 10) != 0);
  return xconcat (path, "[", p, "]", NULL);
}

int
rd_error (rd_ctx *c, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  if (str_is_empty (path))
    return mk_error_set (c->err, 0, "%s: %s", c->what, msg);
  return mk_error_set (c->err, 0, "%s: %s: %s", c->what, path, msg);
}

yajl_val
rd_field (yajl_val obj, const char *key)
{
  yajl_val v = json_get (obj, key);
  if (v == NULL || YAJL_IS_NULL (v))
    return NULL;
  return v;
}

int
rd_val_str (rd_ctx *c, yajl_val v, const char *path, char **out)
{
  if (!YAJL_IS_STRING (v))
    return rd_error (c, path, "expected a string");
  free (*out);
  *out = xstrdup (v->u.string);
  return 0;
}

int
rd_val_bool (rd_ctx *c, yajl_val v, const char *path, bool *out)
{
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return rd_error (c, path, "expected true or false");
  *out = YAJL_IS_TRUE (v);
  return 0;
}

/* The number's own text: only an optional '-' and digits make an integer
 * (yajl keeps the text, so the whole uint64 range survives). */
static const char *
integer_text (yajl_val v)
{
  if (!YAJL_IS_NUMBER (v) || v->u.number.r == NULL)
    return NULL;
  const char *s = v->u.number.r;
  const char *p = s + (*s == '-');
  if (*p == '\0')
    return NULL;
  for (; *p; p++)
    if (*p < '0' || *p > '9')
      return NULL;
  return s;
}

int
rd_val_u64 (rd_ctx *c, yajl_val v, const char *path, uint64_t max, uint64_t *out)
{
  const char *s = integer_text (v);
  if (s == NULL)
    return rd_error (c, path, "must be an integer");
  if (*s == '-')
    {
      if (strspn (s + 1, "0") == strlen (s + 1))
        {
          *out = 0;
          return 0;
        }
      return rd_error (c, path, "must not be negative (got %s)", s);
    }
  errno = 0;
  unsigned long long n = strtoull (s, NULL, 10);
  if (errno == ERANGE || n > max)
    return rd_error (c, path, "out of range (got %s, at most %" PRIu64 ")", s, max);
  *out = n;
  return 0;
}

int
rd_val_i64 (rd_ctx *c, yajl_val v, const char *path, int64_t min, int64_t max, int64_t *out)
{
  const char *s = integer_text (v);
  if (s == NULL)
    return rd_error (c, path, "must be an integer");
  errno = 0;
  long long n = strtoll (s, NULL, 10);
  if (errno == ERANGE || n < min || n > max)
    {
      if (min == 0 && *s == '-')
        return rd_error (c, path, "must not be negative (got %s)", s);
      return rd_error (c, path, "out of range (got %s, expected %" PRId64 " to %" PRId64 ")", s,
                       min, max);
    }
  *out = n;
  return 0;
}

int
rd_val_strv (rd_ctx *c, yajl_val v, const char *path, char ***out)
{
  if (!YAJL_IS_ARRAY (v))
    return rd_error (c, path, "expected an array of strings");
  size_t n = v->u.array.len;
  for (size_t i = 0; i < n; i++)
    if (!YAJL_IS_STRING (v->u.array.values[i]))
      return rd_error (c, path, "expected an array of strings, [%zu] is %s", i,
                       json_type_name (v->u.array.values[i]));
  char **vec = xmalloc ((n + 1) * sizeof *vec);
  for (size_t i = 0; i < n; i++)
    vec[i] = xstrdup (v->u.array.values[i]->u.string);
  vec[n] = NULL;
  strv_free (*out);
  *out = vec;
  return 0;
}

int
rd_val_object (rd_ctx *c, yajl_val v, const char *path)
{
  if (!YAJL_IS_OBJECT (v))
    return rd_error (c, path, "expected an object");
  return 0;
}

int
rd_str (rd_ctx *c, yajl_val obj, const char *path, const char *key, char **out)
{
  yajl_val v = rd_field (obj, key);
  if (v == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  return rd_val_str (c, v, p, out);
}

int
rd_str_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, char **out)
{
  _cleanup_free_ char *p = rd_key (path, key);
  yajl_val v = rd_field (obj, key);
  if (v == NULL)
    return rd_error (c, p, "missing");
  return rd_val_str (c, v, p, out);
}

int
rd_bool (rd_ctx *c, yajl_val obj, const char *path, const char *key, bool *has, bool *out)
{
  yajl_val v = rd_field (obj, key);
  if (has)
    *has = v != NULL;
  if (v == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  return rd_val_bool (c, v, p, out);
}

int
rd_u64 (rd_ctx *c, yajl_val obj, const char *path, const char *key, uint64_t max, bool *has,
        uint64_t *out)
{
  yajl_val v = rd_field (obj, key);
  if (has)
    *has = v != NULL;
  if (v == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  return rd_val_u64 (c, v, p, max, out);
}

int
rd_u64_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, uint64_t max,
            uint64_t *out)
{
  _cleanup_free_ char *p = rd_key (path, key);
  yajl_val v = rd_field (obj, key);
  if (v == NULL)
    return rd_error (c, p, "missing");
  return rd_val_u64 (c, v, p, max, out);
}

int
rd_u32 (rd_ctx *c, yajl_val obj, const char *path, const char *key, bool *has, uint32_t *out)
{
  uint64_t n;
  bool present;
  if (rd_u64 (c, obj, path, key, UINT32_MAX, &present, &n) < 0)
    return -1;
  if (has)
    *has = present;
  if (present)
    *out = n;
  return 0;
}

int
rd_u32_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, uint32_t *out)
{
  uint64_t n;
  if (rd_u64_req (c, obj, path, key, UINT32_MAX, &n) < 0)
    return -1;
  *out = n;
  return 0;
}

int
rd_i64 (rd_ctx *c, yajl_val obj, const char *path, const char *key, int64_t min, int64_t max,
        bool *has, int64_t *out)
{
  yajl_val v = rd_field (obj, key);
  if (has)
    *has = v != NULL;
  if (v == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  return rd_val_i64 (c, v, p, min, max, out);
}

int
rd_i64_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, int64_t min,
            int64_t max, int64_t *out)
{
  _cleanup_free_ char *p = rd_key (path, key);
  yajl_val v = rd_field (obj, key);
  if (v == NULL)
    return rd_error (c, p, "missing");
  return rd_val_i64 (c, v, p, min, max, out);
}

int
rd_strv (rd_ctx *c, yajl_val obj, const char *path, const char *key, char ***out)
{
  yajl_val v = rd_field (obj, key);
  if (v == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  return rd_val_strv (c, v, p, out);
}

int
rd_object (rd_ctx *c, yajl_val obj, const char *path, const char *key, yajl_val *out)
{
  yajl_val v = rd_field (obj, key);
  *out = NULL;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_OBJECT (v))
    {
      _cleanup_free_ char *p = rd_key (path, key);
      return rd_error (c, p, "expected an object");
    }
  *out = v;
  return 0;
}

int
rd_array (rd_ctx *c, yajl_val obj, const char *path, const char *key, yajl_val *out)
{
  yajl_val v = rd_field (obj, key);
  *out = NULL;
  if (v == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (v))
    {
      _cleanup_free_ char *p = rd_key (path, key);
      return rd_error (c, p, "expected an array");
    }
  *out = v;
  return 0;
}

int
rd_map (rd_ctx *c, yajl_val obj, const char *path, const char *key, struct spec_map *out)
{
  yajl_val v;
  if (rd_object (c, obj, path, key, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  for (size_t i = 0; i < v->u.object.len; i++)
    if (!YAJL_IS_STRING (v->u.object.values[i]))
      {
        _cleanup_free_ char *pk = rd_key (p, v->u.object.keys[i]);
        return rd_error (c, pk, "expected a string");
      }
  for (size_t i = 0; i < v->u.object.len; i++)
    spec_map_set (out, v->u.object.keys[i], v->u.object.values[i]->u.string);
  return 0;
}

int
rd_id_mappings (rd_ctx *c, yajl_val obj, const char *path, const char *key,
                struct spec_id_mapping **out, size_t *n)
{
  yajl_val arr;
  if (rd_array (c, obj, path, key, &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *p = rd_key (path, key);
  size_t len = arr->u.array.len;
  _cleanup_free_ struct spec_id_mapping *m = xzalloc (len * sizeof *m);
  for (size_t i = 0; i < len; i++)
    {
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *pi = rd_idx (p, i);
      if (rd_val_object (c, e, pi) < 0
          || rd_u32_req (c, e, pi, "containerID", &m[i].container_id) < 0
          || rd_u32_req (c, e, pi, "hostID", &m[i].host_id) < 0
          || rd_u32_req (c, e, pi, "size", &m[i].size) < 0)
        return -1;
    }
  free (*out);
  *out = STEAL (m);
  *n = len;
  return 0;
}

int
rd_parse (const char *text, size_t len, const char *what, yajl_val *out, mk_error **err)
{
  yajl_val v = NULL;
  if (json_parse (text, len, what, &v, err) < 0)
    return -1;
  if (!YAJL_IS_OBJECT (v))
    {
      const char *type = json_type_name (v);
      yajl_tree_free (v);
      return mk_error_set (err, 0, "%s: expected a JSON object at the top level, got %s", what,
                           type);
    }
  *out = v;
  return 0;
}
