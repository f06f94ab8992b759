/* process.rlimits: "RLIMIT_NOFILE" & co. to setrlimit(2). */
#ifndef RT_RLIMITS_H
#define RT_RLIMITS_H

#include "common/error.h"
#include "spec/spec.h"

/* The resource number of a name ("RLIMIT_NOFILE"), -1 when unknown. */
int rlimit_from_name (const char *name);
int rlimits_apply (const struct spec_rlimit *r, size_t n, mk_error **err);

#endif
