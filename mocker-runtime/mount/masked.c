#include "mocker-runtime/mount/masked.h"

#include <errno.h>
#include <sys/mount.h>

#include "common/log.h"
#include "mocker-runtime/mount/mounts.h"

/* Each path is tried as a file first (most masked paths are files, or do not
 * exist): binding /dev/null onto a directory fails with ENOTDIR, and only then
 * is it masked as a directory. This costs no stat of each path (a /proc lookup
 * each). All masked directories share one empty read-only tmpfs: the first is
 * mounted, the others are bind mounts of it, which keep its flags. */
int
masked_paths_apply (char *const *paths, mk_error **err)
{
  const unsigned long dir_flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  const char *first_dir = NULL;
  for (size_t i = 0; paths && paths[i]; i++)
    {
      if (mount ("/dev/null", paths[i], NULL, MS_BIND, NULL) == 0)
        continue;
      if (errno == ENOENT)
        continue;
      if (errno != ENOTDIR)
        return mk_error_set (err, errno, "linux.maskedPaths[%zu]: mask `%s`", i, paths[i]);
      int r = first_dir ? mount (first_dir, paths[i], NULL, MS_BIND, NULL)
                        : mount ("tmpfs", paths[i], "tmpfs", dir_flags, NULL);
      if (r < 0)
        {
          /* ENOTDIR again: a component of the path is not a directory. */
          if (errno == ENOTDIR || errno == ENOENT)
            continue;
          return mk_error_set (err, errno, "linux.maskedPaths[%zu]: mask `%s`", i, paths[i]);
        }
      if (first_dir == NULL)
        first_dir = paths[i];
    }
  return 0;
}

int
readonly_paths_apply (char *const *paths, mk_error **err)
{
  for (size_t i = 0; paths && paths[i]; i++)
    {
      if (mount (paths[i], paths[i], NULL, MS_BIND | MS_REC, NULL) < 0)
        {
          if (errno == ENOENT)
            continue;
          return mk_error_set (err, errno, "linux.readonlyPaths[%zu]: bind `%s`", i, paths[i]);
        }
      if (mount_remount_add (paths[i], MS_RDONLY, paths[i], err) < 0)
        return mk_error_wrap (err, "linux.readonlyPaths[%zu]", i);
    }
  return 0;
}
