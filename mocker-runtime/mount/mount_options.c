#include "mocker-runtime/mount/mount_options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/linux_compat.h"
#include "common/util.h"

enum opt_kind { OPT_SET, OPT_CLEAR, OPT_PROPAGATION, OPT_IGNORE, OPT_REC_SET, OPT_REC_CLEAR,
                OPT_REC_ATIME };

struct opt
{
  const char *name;
  enum opt_kind kind;
  unsigned long flag;
};

static const struct opt opt_table[] = {
  { "defaults", OPT_IGNORE, 0 },
  { "ro", OPT_SET, MS_RDONLY },
  { "rw", OPT_CLEAR, MS_RDONLY },
  { "nosuid", OPT_SET, MS_NOSUID },
  { "suid", OPT_CLEAR, MS_NOSUID },
  { "nodev", OPT_SET, MS_NODEV },
  { "dev", OPT_CLEAR, MS_NODEV },
  { "noexec", OPT_SET, MS_NOEXEC },
  { "exec", OPT_CLEAR, MS_NOEXEC },
  { "relatime", OPT_SET, MS_RELATIME },
  { "norelatime", OPT_CLEAR, MS_RELATIME },
  { "strictatime", OPT_SET, MS_STRICTATIME },
  { "nostrictatime", OPT_CLEAR, MS_STRICTATIME },
  { "noatime", OPT_SET, MS_NOATIME },
  { "atime", OPT_CLEAR, MS_NOATIME },
  { "nodiratime", OPT_SET, MS_NODIRATIME },
  { "diratime", OPT_CLEAR, MS_NODIRATIME },
  { "sync", OPT_SET, MS_SYNCHRONOUS },
  { "async", OPT_CLEAR, MS_SYNCHRONOUS },
  { "dirsync", OPT_SET, MS_DIRSYNC },
  { "mand", OPT_SET, MS_MANDLOCK },
  { "nomand", OPT_CLEAR, MS_MANDLOCK },
  { "remount", OPT_SET, MS_REMOUNT },
  { "bind", OPT_SET, MS_BIND },
  { "rbind", OPT_SET, MS_BIND | MS_REC },
  { "nosymfollow", OPT_SET, MS_NOSYMFOLLOW },
  { "symfollow", OPT_CLEAR, MS_NOSYMFOLLOW },
  { "private", OPT_PROPAGATION, MS_PRIVATE },
  { "rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC },
  { "shared", OPT_PROPAGATION, MS_SHARED },
  { "rshared", OPT_PROPAGATION, MS_SHARED | MS_REC },
  { "slave", OPT_PROPAGATION, MS_SLAVE },
  { "rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC },
  { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE },
  { "runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },
  /* Recursive variants (runtime-spec 1.1), MOUNT_ATTR_* values. */
  { "rro", OPT_REC_SET, MOUNT_ATTR_RDONLY },
  { "rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY },
  { "rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID },
  { "rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID },
  { "rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV },
  { "rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV },
  { "rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC },
  { "rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME },
  { "rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
  { "rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
  { "rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME },
  { "rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME },
  { "ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
  { "rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
  /* crun's "copy the image's content into the tmpfs": not supported, and
   * harmless to drop (the tmpfs is just empty). */
  { "tmpcopyup", OPT_IGNORE, 0 },
};

static const struct opt *
opt_find (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (opt_table); i++)
    if (strcmp (opt_table[i].name, name) == 0)
      return &opt_table[i];
  return NULL;
}

unsigned long
mount_propagation_flag (const char *name)
{
  const struct opt *o = name ? opt_find (name) : NULL;
  return o && o->kind == OPT_PROPAGATION ? o->flag : 0;
}

void
mount_options_clear (struct mount_options *o)
{
  free (o->data);
  memset (o, 0, sizeof *o);
}

int
mount_options_parse (char *const *options, struct mount_options *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  size_t data_len = 0;
  for (size_t i = 0; options && options[i]; i++)
    {
      const char *name = options[i];
      const struct opt *o = opt_find (name);
      if (o == NULL)
        {
          if (*name == '\0')
            continue;
          /* Not a flag: the file system's own option (mode=755, size=64k ...). */
          size_t n = strlen (name);
          out->data = xrealloc (out->data, data_len + n + 2);
          if (data_len > 0)
            out->data[data_len++] = ',';
          memcpy (out->data + data_len, name, n + 1);
          data_len += n;
          continue;
        }
      switch (o->kind)
        {
        case OPT_SET:
          out->flags |= o->flag;
          if (o->flag & MS_BIND)
            out->bind = true;
          break;
        case OPT_CLEAR:
          out->flags &= ~o->flag;
          break;
        case OPT_PROPAGATION:
          if (out->n_propagation == MOUNT_MAX_PROPAGATION)
            {
              mount_options_clear (out);
              return mk_error_set (err, 0, "too many propagation options (at most %d)",
                                   MOUNT_MAX_PROPAGATION);
            }
          out->propagation[out->n_propagation++] = o->flag;
          break;
        case OPT_REC_SET:
          out->rec_set |= o->flag;
          out->rec_clr &= ~o->flag;
          break;
        case OPT_REC_CLEAR:
          out->rec_clr |= o->flag;
          out->rec_set &= ~o->flag;
          break;
        case OPT_REC_ATIME:
          /* The atime mode is one field: clear it all, set the one asked. */
          out->rec_clr |= MOUNT_ATTR__ATIME;
          out->rec_set = (out->rec_set & ~MOUNT_ATTR__ATIME) | o->flag;
          break;
        case OPT_IGNORE:
          break;
        }
    }
  return 0;
}
