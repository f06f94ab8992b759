/* Typed getters for the config.json reader.  Every error names the source
 * and the JSON path: "config.json: linux.resources.memory.limit: must be an
 * integer".  A JSON null counts as absent (as Go's encoding/json does, so
 * configs written by Go tools load). */
#ifndef SPEC_READ_UTIL_H
#define SPEC_READ_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "spec/spec.h"

typedef struct rd_ctx
{
  const char *what;  /* "config.json", "process.json" ... */
  mk_error **err;
} rd_ctx;

/* Child paths (heap): rd_key ("process", "args") = "process.args",
 * rd_key ("", "args") = "args", rd_idx ("mounts", 2) = "mounts[2]". */
char *rd_key (const char *path, const char *key);
char *rd_idx (const char *path, size_t i);

/* Sets the error "<what>: <path>: <message>" (no path part when path is
 * empty) and returns -1. */
int rd_error (rd_ctx *c, const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* The member key of obj, NULL when absent or null. */
yajl_val rd_field (yajl_val obj, const char *key);

/* Value level: v is present (not NULL, not null). */
int rd_val_str (rd_ctx *c, yajl_val v, const char *path, char **out);
int rd_val_bool (rd_ctx *c, yajl_val v, const char *path, bool *out);
int rd_val_u64 (rd_ctx *c, yajl_val v, const char *path, uint64_t max, uint64_t *out);
int rd_val_i64 (rd_ctx *c, yajl_val v, const char *path, int64_t min, int64_t max,
                int64_t *out);
int rd_val_strv (rd_ctx *c, yajl_val v, const char *path, char ***out);
int rd_val_object (rd_ctx *c, yajl_val v, const char *path);

/* Member level: an absent (or null) member leaves *out untouched, sets *has
 * (when given) to false and succeeds; the _req variants fail with
 * "<path>.<key>: missing". */
int rd_str (rd_ctx *c, yajl_val obj, const char *path, const char *key, char **out);
int rd_str_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, char **out);
int rd_bool (rd_ctx *c, yajl_val obj, const char *path, const char *key, bool *has, bool *out);
int rd_u64 (rd_ctx *c, yajl_val obj, const char *path, const char *key, uint64_t max,
            bool *has, uint64_t *out);
int rd_u64_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, uint64_t max,
                uint64_t *out);
int rd_u32 (rd_ctx *c, yajl_val obj, const char *path, const char *key, bool *has,
            uint32_t *out);
int rd_u32_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, uint32_t *out);
int rd_i64 (rd_ctx *c, yajl_val obj, const char *path, const char *key, int64_t min,
            int64_t max, bool *has, int64_t *out);
int rd_i64_req (rd_ctx *c, yajl_val obj, const char *path, const char *key, int64_t min,
                int64_t max, int64_t *out);
int rd_strv (rd_ctx *c, yajl_val obj, const char *path, const char *key, char ***out);
/* An object member (type-checked); *out NULL when absent. */
int rd_object (rd_ctx *c, yajl_val obj, const char *path, const char *key, yajl_val *out);
/* An array member (type-checked); *out NULL when absent. */
int rd_array (rd_ctx *c, yajl_val obj, const char *path, const char *key, yajl_val *out);
/* An object of strings (annotations, sysctl, unified). */
int rd_map (rd_ctx *c, yajl_val obj, const char *path, const char *key, struct spec_map *out);
/* uidMappings / gidMappings: [{containerID, hostID, size}]. */
int rd_id_mappings (rd_ctx *c, yajl_val obj, const char *path, const char *key,
                    struct spec_id_mapping **out, size_t *n);

/* Parts of the model read by other files.  rd_process and rd_resources set
 * *out only on success; rd_linux and rd_seccomp set it first and leave a
 * partly filled struct behind on failure, which the enclosing struct spec
 * (freed by its reader) owns. */
int rd_process (rd_ctx *c, yajl_val v, const char *path, struct spec_process **out);
int rd_linux (rd_ctx *c, yajl_val v, const char *path, struct spec_linux **out);
int rd_resources (rd_ctx *c, yajl_val v, const char *path, struct spec_resources **out);
int rd_seccomp (rd_ctx *c, yajl_val v, const char *path, struct spec_seccomp **out);

/* Parses text as JSON and checks the top level is an object. */
int rd_parse (const char *text, size_t len, const char *what, yajl_val *out, mk_error **err);

#endif
