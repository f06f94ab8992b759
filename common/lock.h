/* Advisory file locks (flock) for serializing concurrent invocations. */
#ifndef MK_LOCK_H
#define MK_LOCK_H

#include <stdbool.h>
#include "common/error.h"

/* Opens (creating) path and takes an exclusive (or shared) flock, waiting
 * for it. Returns the fd that holds the lock; close it to release. */
int lock_path (const char *path, bool exclusive, mk_error **err);

/* Same on an already open fd (a directory works too). */
int lock_fd (int fd, bool exclusive, const char *what, mk_error **err);

#endif
