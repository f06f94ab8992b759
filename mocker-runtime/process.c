/* STUB (owner: rt-rootfs helper) — replaced by the real implementation. */
#include "mocker-runtime/process.h"
#include "common/util.h"
int process_find_executable (const struct spec_process *p, char **out, mk_error **err)
{ (void) err; *out = xstrdup (p->args[0]); return 0; }
int process_apply_rlimits (const struct spec_process *p, mk_error **err) { (void) p; (void) err; return 0; }
int process_apply_oom_score_adj (const struct spec_process *p, mk_error **err) { (void) p; (void) err; return 0; }
int process_apply_identity (const struct spec_process *p, mk_error **err) { (void) p; (void) err; return 0; }
int process_apply_cwd (const struct spec_process *p, mk_error **err) { (void) p; (void) err; return 0; }
int process_apply_no_new_privs (const struct spec_process *p, mk_error **err) { (void) p; (void) err; return 0; }
