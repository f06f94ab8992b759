#include "mocker-runtime/masked.h"

#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/log.h"
#include "mocker-runtime/mounts.h"

int
masked_paths_apply (char *const *paths, mk_error **err)
{
  for (size_t i = 0; paths && paths[i]; i++)
    {
      struct stat st;
      if (stat (paths[i], &st) < 0)
        {
          if (errno == ENOENT || errno == ENOTDIR)
            continue;
          return mk_error_set (err, errno, "linux.maskedPaths[%zu]: `%s`", i, paths[i]);
        }
      int r = S_ISDIR (st.st_mode)
                  ? mount ("tmpfs", paths[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                           NULL)
                  : mount ("/dev/null", paths[i], NULL, MS_BIND, NULL);
      if (r < 0)
        return mk_error_set (err, errno, "linux.maskedPaths[%zu]: mask `%s`", i, paths[i]);
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
