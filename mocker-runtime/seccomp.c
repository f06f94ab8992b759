/* STUB (owner: rt-cgroup helper) — replaced by the real implementation. */
#include "mocker-runtime/seccomp.h"
int seccomp_apply (const struct spec_seccomp *s, mk_error **err)
{ if (s == NULL) return 0; return mk_error_set (err, 0, "seccomp: not implemented"); }
