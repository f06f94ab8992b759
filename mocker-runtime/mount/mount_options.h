/* The mount options of config.json ("ro", "nosuid", "rbind", "mode=755" ...)
 * turned into mount(2) flags, separate propagation changes, and the data
 * string the file system gets (every option that is not a flag). */
#ifndef RT_MOUNT_OPTIONS_H
#define RT_MOUNT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"

#define MOUNT_MAX_PROPAGATION 4

struct mount_options
{
  unsigned long flags;     /* MS_* for the mount call: MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC ... */
  unsigned long propagation[MOUNT_MAX_PROPAGATION]; /* each applied by its own mount call */
  size_t n_propagation;
  bool bind;               /* "bind" or "rbind" */
  /* Recursive options ("rro", "rnosuid" ...): MOUNT_ATTR_* for mount_setattr
   * with AT_RECURSIVE, after the mount. */
  unsigned long long rec_set, rec_clr;
  char *data;              /* unknown options joined with ',', NULL when none (heap) */
};

/* options: NULL-terminated, may be NULL.  Fails only for too many
 * propagation options. */
int mount_options_parse (char *const *options, struct mount_options *out, mk_error **err);
void mount_options_clear (struct mount_options *o);

/* Propagation flag for a name ("rprivate" -> MS_PRIVATE|MS_REC), 0 if unknown. */
unsigned long mount_propagation_flag (const char *name);

/* Flags that a bind mount only gets from a second MS_REMOUNT|MS_BIND call. */
#define MOUNT_BIND_REMOUNT_FLAGS \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME \
   | MS_STRICTATIME | MS_NOSYMFOLLOW)

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#endif
