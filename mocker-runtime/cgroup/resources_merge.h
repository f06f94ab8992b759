/* LinuxResources helpers for `update` (resources_merge.c). */
#ifndef RT_RESOURCES_MERGE_H
#define RT_RESOURCES_MERGE_H

#include <stdint.h>
#include "common/error.h"
#include "spec/spec.h"

/* "512", "64k", "512m", "1g", "2t" (binary units, an optional trailing b),
 * "-1" = unlimited.  opt names the flag in errors ("--memory: invalid size"). */
int resources_parse_size (const char *opt, const char *s, int64_t *out, mk_error **err);

/* r->memory / r->cpu, made (zeroed) when absent. */
struct spec_memory *resources_memory (struct spec_resources *r);
struct spec_cpu *resources_cpu (struct spec_resources *r);

/* The fields src sets replace those of dst; the others stay.  Strings are
 * copied.  Device rules are not merged (update does not change them). */
void resources_merge (struct spec_resources *dst, const struct spec_resources *src);

#endif
