/* The one small layer over yajl: parse to a tree with line/column errors,
 * typed lookups, and a generator with short helpers. */
#ifndef MK_JSON_H
#define MK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>
#include <yajl/yajl_gen.h>

#include "common/error.h"

/* Parses text; on failure the error reads
 * "<what>: invalid JSON at line L, column C: <reason>". Free with yajl_tree_free. */
int json_parse (const char *text, size_t len, const char *what, yajl_val *out, mk_error **err);
int json_parse_file (const char *path, yajl_val *out, mk_error **err);

void cleanup_yajl_valp (yajl_val *v);
#define _cleanup_json_ __attribute__ ((cleanup (cleanup_yajl_valp)))

/* A reusable reader of flat JSON objects, one per call (the lines of a
 * json-file log), without building a tree: on_string gets each string member
 * of the top-level object (key and value valid only during the call), on_end
 * the object's end. json_objects_feed returns -1 when the text is not one
 * complete object (nothing after on_end is reported for it). */
typedef struct json_objects json_objects;
typedef void (*json_string_fn) (const char *key, const char *val, size_t len, void *opaque);
typedef void (*json_end_fn) (void *opaque);
json_objects *json_objects_new (json_string_fn on_string, json_end_fn on_end, void *opaque);
void json_objects_free (json_objects *r);
int json_objects_feed (json_objects *r, const char *text, size_t len);

/* Object member lookup (NULL if obj is not an object or key is absent; the
 * last of duplicate keys wins). */
yajl_val json_get (yajl_val obj, const char *key);
/* Convenience: string member or NULL (also NULL when of another type). */
const char *json_get_str (yajl_val obj, const char *key);
/* The string member into buf (truncated to size); "" when there is none. */
void json_copy_str (yajl_val obj, const char *key, char *buf, size_t size);

/* The strings of array v as a string vector (other members skipped; empty
 * when none), or NULL when v is no array. */
char **json_strv (yajl_val v);

/* Name of a value's type for error messages: "string", "array", ... */
const char *json_type_name (yajl_val v);

/* Generator. Strings are written as valid UTF-8 whatever they hold (an
 * invalid byte becomes U+FFFD, as Go's encoding/json does): check values at
 * their entry (json_utf8_valid) where a clear error beats a replacement.
 * Nesting deeper than 127 levels (yajl's limit) fails the generator: every later
 * call does nothing, and json_gen_finish_checked says why. */
typedef struct json_gen json_gen;
json_gen *json_gen_new (bool pretty);
void json_gen_free (json_gen *g);
/* Returns the text (heap, NUL-terminated) and frees the generator.  Aborts
 * when the generator failed: for output whose depth the program controls. */
char *json_gen_finish (json_gen *g, size_t *len);
/* The same for output holding values from outside (json_tree of an image
 * config): "<what>: cannot write JSON: <why>" when the generator failed
 * (the generator is freed either way). */
int json_gen_finish_checked (json_gen *g, const char *what, char **out, size_t *len,
                             mk_error **err);
bool json_gen_failed (const json_gen *g);

/* Whether s is valid UTF-8 (no overlong forms, no surrogates); the length
 * of the longest valid prefix of s[0..len). */
bool json_utf8_valid (const char *s);
size_t json_utf8_valid_prefix (const char *s, size_t len);
/* s for an error message: each invalid byte as \xNN (heap). */
char *json_utf8_show (const char *s);
/* How deep a config from outside (an image config) may nest: room is left
 * under YAJL_MAX_DEPTH for the documents that embed its values. */
#define JSON_CONFIG_MAX_DEPTH 64

/* Levels of objects and arrays in v (0 for a scalar). */
size_t json_depth (yajl_val v);
/* Fails with "<what>: `a.b[2]` is nested deeper than <max> levels" naming the
 * first value that goes past max levels (v itself is level 1). */
int json_check_depth (yajl_val v, size_t max, const char *what, mk_error **err);

void json_obj_open (json_gen *g);
void json_obj_close (json_gen *g);
void json_arr_open (json_gen *g);
void json_arr_close (json_gen *g);
void json_key (json_gen *g, const char *key);
void json_str (json_gen *g, const char *s);
void json_int (json_gen *g, long long v);
void json_uint (json_gen *g, unsigned long long v); /* full uint64 range */
void json_double (json_gen *g, double v);
void json_bool (json_gen *g, bool v);
void json_null (json_gen *g);
void json_kv_str (json_gen *g, const char *key, const char *s); /* skipped when s is NULL */
void json_kv_int (json_gen *g, const char *key, long long v);
void json_kv_bool (json_gen *g, const char *key, bool v);
/* An array of strings, or null when v is NULL. */
void json_kv_strv (json_gen *g, const char *key, char *const *v);
/* Re-emits a parsed tree value as is (strings as json_str writes them); a
 * value that would go past the generator's depth fails it. */
void json_tree (json_gen *g, yajl_val v);

#endif
