#include "common/json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "common/fs.h"
#include "common/util.h"

/* yajl_tree_parse reports no position, so on failure the text is parsed
 * again with a plain handle to find where it stopped. */
static void
locate_error (const char *text, size_t len, size_t *line, size_t *col)
{
  yajl_handle h = yajl_alloc (NULL, NULL, NULL);
  size_t at = len;
  if (yajl_parse (h, (const unsigned char *) text, len) != yajl_status_ok)
    {
      /* The count includes the offending character: point at it. */
      at = yajl_get_bytes_consumed (h);
      if (at > 0)
        at--;
    }
  else if (yajl_complete_parse (h) != yajl_status_ok)
    at = len;
  yajl_free (h);
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < at && i < len; i++)
    {
      if (text[i] == '\n')
        {
          (*line)++;
          *col = 1;
        }
      else
        (*col)++;
    }
}

/* Deeper nesting than this is refused before parsing: no real document
 * comes near it, and yajl frees trees recursively. */
#define JSON_MAX_DEPTH 1000
#define MK_STRINGIFY_(x) #x
#define MK_STRINGIFY(x) MK_STRINGIFY_ (x)

/* What yajl's tree would get wrong, found before parsing: nesting deeper
 * than JSON_MAX_DEPTH, and "\u0000" in a string (yajl's tree keeps strings
 * as C strings, so "/a\u0000b" would silently become "/a").  Returns the
 * reason and where (line/column), or NULL when the text is fine. */
static const char *
prescan (const char *text, size_t len, size_t *line, size_t *col)
{
  size_t depth = 0;
  bool in_string = false;
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < len; i++)
    {
      char ch = text[i];
      if (in_string)
        {
          if (ch == '\\')
            {
              if (len - i >= 6 && text[i + 1] == 'u' && memcmp (text + i + 2, "0000", 4) == 0)
                return "a string contains \\u0000";
              i++;
              (*col)++;
            }
          else if (ch == '"')
            in_string = false;
        }
      else if (ch == '"')
        in_string = true;
      else if (ch == '[' || ch == '{')
        {
          if (++depth > JSON_MAX_DEPTH)
            return "nested deeper than " MK_STRINGIFY (JSON_MAX_DEPTH);
        }
      else if ((ch == ']' || ch == '}') && depth > 0)
        depth--;
      if (ch == '\n')
        {
          (*line)++;
          *col = 1;
        }
      else
        (*col)++;
    }
  return NULL;
}

int
json_parse (const char *text, size_t len, const char *what, yajl_val *out, mk_error **err)
{
  char errbuf[256] = "";
  if (len == 0)
    return mk_error_set (err, 0, "%s: invalid JSON at line 1, column 1: empty input", what);
  if (memchr (text, '\0', len) != NULL)
    return mk_error_set (err, 0, "%s: invalid JSON: contains a NUL byte", what);
  size_t line, col;
  const char *problem = prescan (text, len, &line, &col);
  if (problem)
    return mk_error_set (err, 0, "%s: invalid JSON at line %zu, column %zu: %s", what, line, col,
                         problem);
  /* yajl_tree_parse wants a C string; text need not be one. */
  _cleanup_free_ char *copy = xstrndup (text, len);
  yajl_val v = yajl_tree_parse (copy, errbuf, sizeof errbuf);
  if (v == NULL)
    {
      locate_error (copy, len, &line, &col);
      /* yajl's message spans lines (it draws a caret); keep its first line. */
      char *nl = strchr (errbuf, '\n');
      if (nl)
        *nl = '\0';
      const char *reason = errbuf;
      if (str_has_prefix (reason, "parse error: "))
        reason += strlen ("parse error: ");
      return mk_error_set (err, 0, "%s: invalid JSON at line %zu, column %zu: %s", what, line, col,
                           *reason ? reason : "syntax error");
    }
  *out = v;
  return 0;
}

int
json_parse_file (const char *path, yajl_val *out, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (read_file_at (AT_FDCWD, path, 64 << 20, &text, &len, err) < 0)
    return -1;
  return json_parse (text, len, path, out, err);
}

void
cleanup_yajl_valp (yajl_val *v)
{
  if (*v)
    yajl_tree_free (*v);
}

yajl_val
json_get (yajl_val obj, const char *key)
{
  if (obj == NULL || !YAJL_IS_OBJECT (obj))
    return NULL;
  /* A key given twice: the last one wins, as in Go's encoding/json (what
   * runc and most writers of these files use). */
  for (size_t i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.keys[i - 1], key) == 0)
      return obj->u.object.values[i - 1];
  return NULL;
}

const char *
json_get_str (yajl_val obj, const char *key)
{
  yajl_val v = json_get (obj, key);
  return v && YAJL_IS_STRING (v) ? v->u.string : NULL;
}

const char *
json_type_name (yajl_val v)
{
  if (v == NULL)
    return "nothing";
  switch (v->type)
    {
    case yajl_t_string: return "a string";
    case yajl_t_number: return "a number";
    case yajl_t_object: return "an object";
    case yajl_t_array: return "an array";
    case yajl_t_true:
    case yajl_t_false: return "a boolean";
    case yajl_t_null: return "null";
    default: return "an unknown value";
    }
}

struct json_gen
{
  yajl_gen g;
};

json_gen *
json_gen_new (bool pretty)
{
  json_gen *g = xmalloc (sizeof *g);
  g->g = yajl_gen_alloc (NULL);
  if (g->g == NULL)
    abort ();
  yajl_gen_config (g->g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (g->g, yajl_gen_validate_utf8, 0);
  return g;
}

void
json_gen_free (json_gen *g)
{
  if (g == NULL)
    return;
  yajl_gen_free (g->g);
  free (g);
}

char *
json_gen_finish (json_gen *g, size_t *len)
{
  const unsigned char *buf;
  size_t n;
  yajl_gen_get_buf (g->g, &buf, &n);
  char *s = xstrndup ((const char *) buf, n);
  if (len)
    *len = n;
  json_gen_free (g);
  return s;
}

void json_obj_open (json_gen *g) { yajl_gen_map_open (g->g); }
void json_obj_close (json_gen *g) { yajl_gen_map_close (g->g); }
void json_arr_open (json_gen *g) { yajl_gen_array_open (g->g); }
void json_arr_close (json_gen *g) { yajl_gen_array_close (g->g); }

void
json_str (json_gen *g, const char *s)
{
  yajl_gen_string (g->g, (const unsigned char *) s, strlen (s));
}

void json_key (json_gen *g, const char *key) { json_str (g, key); }
void json_int (json_gen *g, long long v) { yajl_gen_integer (g->g, v); }

void
json_uint (json_gen *g, unsigned long long v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", v);
  yajl_gen_number (g->g, buf, n);
}

void json_double (json_gen *g, double v) { yajl_gen_double (g->g, v); }
void json_bool (json_gen *g, bool v) { yajl_gen_bool (g->g, v); }
void json_null (json_gen *g) { yajl_gen_null (g->g); }

void
json_kv_str (json_gen *g, const char *key, const char *s)
{
  if (s == NULL)
    return;
  json_key (g, key);
  json_str (g, s);
}

void
json_kv_int (json_gen *g, const char *key, long long v)
{
  json_key (g, key);
  json_int (g, v);
}

void
json_kv_bool (json_gen *g, const char *key, bool v)
{
  json_key (g, key);
  json_bool (g, v);
}

void
json_kv_strv (json_gen *g, const char *key, char *const *v)
{
  json_key (g, key);
  if (v == NULL)
    {
      json_null (g);
      return;
    }
  json_arr_open (g);
  for (size_t i = 0; v[i]; i++)
    json_str (g, v[i]);
  json_arr_close (g);
}

void
json_tree (json_gen *g, yajl_val v)
{
  if (v == NULL)
    {
      json_null (g);
      return;
    }
  switch (v->type)
    {
    case yajl_t_string: json_str (g, v->u.string); break;
    case yajl_t_number:
      yajl_gen_number (g->g, v->u.number.r, strlen (v->u.number.r));
      break;
    case yajl_t_object:
      json_obj_open (g);
      for (size_t i = 0; i < v->u.object.len; i++)
        {
          json_key (g, v->u.object.keys[i]);
          json_tree (g, v->u.object.values[i]);
        }
      json_obj_close (g);
      break;
    case yajl_t_array:
      json_arr_open (g);
      for (size_t i = 0; i < v->u.array.len; i++)
        json_tree (g, v->u.array.values[i]);
      json_arr_close (g);
      break;
    case yajl_t_true: json_bool (g, true); break;
    case yajl_t_false: json_bool (g, false); break;
    default: json_null (g); break;
    }
}

/* ---- flat objects, streamed ---- */

struct json_objects
{
  yajl_handle h;
  json_string_fn on_string;
  json_end_fn on_end;
  void *opaque;
  int depth;
  bool ended;
  char key[64];
};

static int
objects_start_map (void *c)
{
  struct json_objects *r = c;
  r->depth++;
  return 1;
}

static int
objects_end_map (void *c)
{
  struct json_objects *r = c;
  if (--r->depth == 0)
    {
      r->ended = true;
      r->on_end (r->opaque);
    }
  return 1;
}

static int
objects_key (void *c, const unsigned char *k, size_t len)
{
  struct json_objects *r = c;
  /* Longer keys are nobody's member of interest: kept cut, never matched. */
  snprintf (r->key, sizeof r->key, "%.*s", (int) len, (const char *) k);
  return 1;
}

static int
objects_string (void *c, const unsigned char *v, size_t len)
{
  struct json_objects *r = c;
  if (r->depth == 1)
    r->on_string (r->key, (const char *) v, len, r->opaque);
  return 1;
}

static const yajl_callbacks objects_callbacks = {
  .yajl_start_map = objects_start_map,
  .yajl_end_map = objects_end_map,
  .yajl_map_key = objects_key,
  .yajl_string = objects_string,
};

static yajl_handle
objects_handle (struct json_objects *r)
{
  yajl_handle h = yajl_alloc (&objects_callbacks, NULL, r);
  yajl_config (h, yajl_allow_multiple_values, 1);
  return h;
}

json_objects *
json_objects_new (json_string_fn on_string, json_end_fn on_end, void *opaque)
{
  struct json_objects *r = xzalloc (sizeof *r);
  r->on_string = on_string;
  r->on_end = on_end;
  r->opaque = opaque;
  r->h = objects_handle (r);
  return r;
}

void
json_objects_free (json_objects *r)
{
  if (r == NULL)
    return;
  yajl_free (r->h);
  free (r);
}

int
json_objects_feed (json_objects *r, const char *text, size_t len)
{
  r->depth = 0;
  r->ended = false;
  if (yajl_parse (r->h, (const unsigned char *) text, len) == yajl_status_ok && r->ended
      && r->depth == 0)
    return 0;
  /* Broken or incomplete: a fresh parser for the next one (yajl keeps the
   * error, or the half-read value, in its handle). */
  yajl_free (r->h);
  r->h = objects_handle (r);
  return -1;
}
