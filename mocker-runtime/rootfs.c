/* STUB (owner: rt-rootfs helper) — replaced by the real implementation. */
#include "mocker-runtime/rootfs.h"
int rootfs_setup (const struct spec *spec, const char *rootfs, bool no_pivot, mk_error **err)
{ (void) spec; (void) rootfs; (void) no_pivot; return mk_error_set (err, 0, "rootfs_setup: not implemented"); }
int rootfs_finalize (const struct spec *spec, mk_error **err)
{ (void) spec; (void) err; return 0; }
