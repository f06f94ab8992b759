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

void
json_copy_str (yajl_val obj, const char *key, char *buf, size_t size)
{
  const char *s = json_get_str (obj, key);
  snprintf (buf, size, "%s", s ? s : "");
}

char **
json_strv (yajl_val v)
{
  if (v == NULL || !YAJL_IS_ARRAY (v))
    return NULL;
  char **out = xzalloc (sizeof *out);
  for (size_t i = 0; i < v->u.array.len; i++)
    if (YAJL_IS_STRING (v->u.array.values[i]))
      strv_push (&out, YAJL_GET_STRING (v->u.array.values[i]));
  return out;
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

/* The generator keeps the first failure of yajl_gen (nesting deeper than
 * YAJL_MAX_DEPTH, a call out of place): every later call does nothing, so
 * no half-written or unbalanced text comes out; json_gen_finish_checked
 * reports it. */
/* yajl_gen refuses to open level YAJL_MAX_DEPTH itself. */
#define GEN_MAX_DEPTH 127
_Static_assert (GEN_MAX_DEPTH == YAJL_MAX_DEPTH - 1, "yajl's generator depth");

struct json_gen
{
  yajl_gen g;
  yajl_gen_status status;
  size_t depth; /* open objects and arrays */
};

json_gen *
json_gen_new (bool pretty)
{
  json_gen *g = xzalloc (sizeof *g);
  g->g = yajl_gen_alloc (NULL);
  if (g->g == NULL)
    abort ();
  yajl_gen_config (g->g, yajl_gen_beautify, pretty ? 1 : 0);
  /* json_str makes every string valid UTF-8; yajl checks again. */
  yajl_gen_config (g->g, yajl_gen_validate_utf8, 1);
  g->status = yajl_gen_status_ok;
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

static const char *
gen_status_text (yajl_gen_status st)
{
  switch (st)
    {
    case yajl_max_depth_exceeded:
      return "nested deeper than " MK_STRINGIFY (GEN_MAX_DEPTH) " levels";
    case yajl_gen_invalid_string: return "a string is not valid UTF-8";
    case yajl_gen_invalid_number: return "an invalid number";
    case yajl_gen_keys_must_be_strings: return "a key that is not a string";
    case yajl_gen_in_error_state:
    case yajl_gen_generation_complete: return "a value out of place";
    default: return "generator error";
    }
}

bool
json_gen_failed (const json_gen *g)
{
  return g->status != yajl_gen_status_ok;
}

int
json_gen_finish_checked (json_gen *g, const char *what, char **out, size_t *len, mk_error **err)
{
  if (json_gen_failed (g) || g->depth != 0)
    {
      const char *why = json_gen_failed (g) ? gen_status_text (g->status) : "unbalanced";
      json_gen_free (g);
      return mk_error_set (err, 0, "%s: cannot write JSON: %s", what, why);
    }
  *out = json_gen_finish (g, len);
  return 0;
}

char *
json_gen_finish (json_gen *g, size_t *len)
{
  if (json_gen_failed (g) || g->depth != 0)
    {
      /* Never hand out broken JSON: a caller that can meet such input
       * uses json_gen_finish_checked. */
      fprintf (stderr, "json_gen_finish: %s\n",
               json_gen_failed (g) ? gen_status_text (g->status) : "unbalanced");
      abort ();
    }
  const unsigned char *buf;
  size_t n;
  yajl_gen_get_buf (g->g, &buf, &n);
  char *s = xstrndup ((const char *) buf, n);
  if (len)
    *len = n;
  json_gen_free (g);
  return s;
}

/* Records the first failure; true when the call went through. */
static bool
gen_ok (json_gen *g, yajl_gen_status st)
{
  if (st != yajl_gen_status_ok && g->status == yajl_gen_status_ok)
    g->status = st;
  return st == yajl_gen_status_ok;
}

static void
gen_open (json_gen *g, bool object)
{
  if (json_gen_failed (g))
    return;
  if (gen_ok (g, object ? yajl_gen_map_open (g->g) : yajl_gen_array_open (g->g)))
    g->depth++;
}

static void
gen_close (json_gen *g, bool object)
{
  if (json_gen_failed (g))
    return;
  if (gen_ok (g, object ? yajl_gen_map_close (g->g) : yajl_gen_array_close (g->g)))
    g->depth--;
}

void json_obj_open (json_gen *g) { gen_open (g, true); }
void json_obj_close (json_gen *g) { gen_close (g, true); }
void json_arr_open (json_gen *g) { gen_open (g, false); }
void json_arr_close (json_gen *g) { gen_close (g, false); }

size_t
json_utf8_valid_prefix (const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *) s;
  size_t i = 0;
  while (i < len)
    {
      unsigned char c = u[i];
      size_t n;
      unsigned cp, min;
      if (c < 0x80)
        {
          i++;
          continue;
        }
      if ((c & 0xE0) == 0xC0)
        n = 2, cp = c & 0x1F, min = 0x80;
      else if ((c & 0xF0) == 0xE0)
        n = 3, cp = c & 0x0F, min = 0x800;
      else if ((c & 0xF8) == 0xF0)
        n = 4, cp = c & 0x07, min = 0x10000;
      else
        return i;
      if (len - i < n)
        return i;
      for (size_t k = 1; k < n; k++)
        {
          if ((u[i + k] & 0xC0) != 0x80)
            return i;
          cp = (cp << 6) | (u[i + k] & 0x3F);
        }
      /* overlong forms, UTF-16 surrogates and beyond U+10FFFF are not UTF-8 */
      if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return i;
      i += n;
    }
  return i;
}

bool
json_utf8_valid (const char *s)
{
  size_t len = strlen (s);
  return json_utf8_valid_prefix (s, len) == len;
}

char *
json_utf8_show (const char *s)
{
  size_t len = strlen (s);
  char *out = xmalloc (len * 4 + 1);
  size_t n = 0;
  for (size_t i = 0; i < len;)
    {
      size_t run = json_utf8_valid_prefix (s + i, len - i);
      memcpy (out + n, s + i, run);
      n += run;
      i += run;
      if (i < len)
        n += sprintf (out + n, "\\x%02x", (unsigned char) s[i++]);
    }
  out[n] = '\0';
  return out;
}

/* Emits s with each invalid byte of it replaced by U+FFFD (what Go's
 * encoding/json does): the text stays valid JSON whatever s holds. */
static void
gen_string (json_gen *g, const char *s, size_t len)
{
  if (json_gen_failed (g))
    return;
  size_t ok = json_utf8_valid_prefix (s, len);
  if (ok == len)
    {
      gen_ok (g, yajl_gen_string (g->g, (const unsigned char *) s, len));
      return;
    }
  _cleanup_free_ char *fixed = xmalloc (len * 3 + 1);
  size_t n = 0;
  for (size_t i = 0; i < len;)
    {
      size_t run = json_utf8_valid_prefix (s + i, len - i);
      memcpy (fixed + n, s + i, run);
      n += run;
      i += run;
      if (i < len)
        {
          memcpy (fixed + n, "\xEF\xBF\xBD", 3);
          n += 3;
          i++;
        }
    }
  gen_ok (g, yajl_gen_string (g->g, (const unsigned char *) fixed, n));
}

void
json_str (json_gen *g, const char *s)
{
  gen_string (g, s, strlen (s));
}

void json_key (json_gen *g, const char *key) { json_str (g, key); }

void
json_int (json_gen *g, long long v)
{
  if (!json_gen_failed (g))
    gen_ok (g, yajl_gen_integer (g->g, v));
}

static void
gen_number (json_gen *g, const char *text, size_t len)
{
  if (!json_gen_failed (g))
    gen_ok (g, yajl_gen_number (g->g, text, len));
}

void
json_uint (json_gen *g, unsigned long long v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", v);
  gen_number (g, buf, n);
}

void
json_double (json_gen *g, double v)
{
  if (!json_gen_failed (g))
    gen_ok (g, yajl_gen_double (g->g, v));
}

void
json_bool (json_gen *g, bool v)
{
  if (!json_gen_failed (g))
    gen_ok (g, yajl_gen_bool (g->g, v));
}

void
json_null (json_gen *g)
{
  if (!json_gen_failed (g))
    gen_ok (g, yajl_gen_null (g->g));
}

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

size_t
json_depth (yajl_val v)
{
  if (v == NULL)
    return 0;
  size_t max = 0;
  if (YAJL_IS_OBJECT (v))
    for (size_t i = 0; i < v->u.object.len; i++)
      {
        size_t d = json_depth (v->u.object.values[i]);
        max = d > max ? d : max;
      }
  else if (YAJL_IS_ARRAY (v))
    for (size_t i = 0; i < v->u.array.len; i++)
      {
        size_t d = json_depth (v->u.array.values[i]);
        max = d > max ? d : max;
      }
  else
    return 0;
  return max + 1;
}

/* The path (a.b[2].c) to the first value whose nesting goes past max
 * levels below v (v itself counting as level 1), or NULL. */
static char *
too_deep_path (yajl_val v, size_t max, const char *prefix)
{
  if (v == NULL || !(YAJL_IS_OBJECT (v) || YAJL_IS_ARRAY (v)))
    return NULL;
  if (max == 0)
    return xstrdup (*prefix ? prefix : "(top)");
  bool obj = YAJL_IS_OBJECT (v);
  size_t n = obj ? v->u.object.len : v->u.array.len;
  for (size_t i = 0; i < n; i++)
    {
      yajl_val c = obj ? v->u.object.values[i] : v->u.array.values[i];
      if (!(YAJL_IS_OBJECT (c) || YAJL_IS_ARRAY (c)))
        continue;
      _cleanup_free_ char *p = obj ? xasprintf ("%s%s%s", prefix, *prefix ? "." : "",
                                                v->u.object.keys[i])
                                   : xasprintf ("%s[%zu]", prefix, i);
      char *found = too_deep_path (c, max - 1, p);
      if (found)
        return found;
    }
  return NULL;
}

int
json_check_depth (yajl_val v, size_t max, const char *what, mk_error **err)
{
  _cleanup_free_ char *path = too_deep_path (v, max, "");
  if (path)
    return mk_error_set (err, 0, "%s: `%s` is nested deeper than %zu levels", what, path, max);
  return 0;
}

static void
tree_emit (json_gen *g, yajl_val v)
{
  if (v == NULL)
    {
      json_null (g);
      return;
    }
  switch (v->type)
    {
    case yajl_t_string: json_str (g, v->u.string); break;
    case yajl_t_number: gen_number (g, v->u.number.r, strlen (v->u.number.r)); break;
    case yajl_t_object:
      json_obj_open (g);
      for (size_t i = 0; i < v->u.object.len; i++)
        {
          json_key (g, v->u.object.keys[i]);
          tree_emit (g, v->u.object.values[i]);
        }
      json_obj_close (g);
      break;
    case yajl_t_array:
      json_arr_open (g);
      for (size_t i = 0; i < v->u.array.len; i++)
        tree_emit (g, v->u.array.values[i]);
      json_arr_close (g);
      break;
    case yajl_t_true: json_bool (g, true); break;
    case yajl_t_false: json_bool (g, false); break;
    default: json_null (g); break;
    }
}

void
json_tree (json_gen *g, yajl_val v)
{
  if (json_gen_failed (g))
    return;
  /* A value deeper than what is left of the generator's depth fails it
   * as a whole, before anything of it is written. */
  if (g->depth + json_depth (v) > GEN_MAX_DEPTH)
    {
      g->status = yajl_max_depth_exceeded;
      return;
    }
  tree_emit (g, v);
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
