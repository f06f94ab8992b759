/* linux.maskedPaths and linux.readonlyPaths, applied after pivot_root (paths
 * are the container's).  Paths that do not exist are skipped. */
#ifndef RT_MASKED_H
#define RT_MASKED_H

#include "common/error.h"

/* Files get /dev/null bound over them, directories a read-only empty tmpfs. */
int masked_paths_apply (char *const *paths, mk_error **err);
/* Each path is bound onto itself and remounted read-only. */
int readonly_paths_apply (char *const *paths, mk_error **err);

#endif
