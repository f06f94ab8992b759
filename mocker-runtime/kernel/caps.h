/* process.capabilities through libcap: names ("CAP_CHOWN") to bit masks,
 * the bounding set drop, and the effective/permitted/inheritable/ambient
 * sets.  Capabilities the running kernel does not have are skipped (debug
 * message); names nobody knows are removed with a warning by the runtime
 * before the process is made (caps_drop_unknown), as runc does, or are an
 * error naming the JSON path with --strict-capabilities. */
#ifndef RT_CAPS_H
#define RT_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "common/error.h"
#include "spec/spec.h"

struct cap_sets
{
  uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* "CAP_CHOWN" -> 0.  -1 (error "unknown capability \"X\"") otherwise. */
int caps_from_name (const char *name, int *value, mk_error **err);
/* names: NULL-terminated, may be NULL (empty set).  what names the JSON
 * path in errors ("process.capabilities.bounding"). */
int caps_parse_list (char *const *names, const char *what, uint64_t *out, mk_error **err);
int caps_parse (const struct spec_capabilities *c, struct cap_sets *out, mk_error **err);

/* Removes the names libcap does not know from every set of c (which may be
 * NULL) with one warning "ignoring unknown capabilities: [...]"; strict: fails
 * on the first instead. */
int caps_drop_unknown (struct spec_capabilities *c, bool strict, mk_error **err);
/* Drops from the bounding set every capability not in keep. */
int caps_drop_bounding (uint64_t keep, mk_error **err);
/* Sets effective, permitted, inheritable, then ambient. */
int caps_apply_sets (const struct cap_sets *s, mk_error **err);

#endif
