#include "mocker-runtime/process/exec_lookup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/mount/paths.h"

const char *
exec_env_path (char *const *env)
{
  const char *found = NULL;
  for (size_t i = 0; env && env[i]; i++)
    if (str_has_prefix (env[i], "PATH="))
      found = env[i] + 5; /* the last one wins, as in execve's environment */
  return found;
}

/* 0: an executable file; else the errno that explains why not. */
static int
check_executable (int rootfd, const char *path)
{
  int fd = root_open (rootfd, path, O_PATH);
  if (fd < 0)
    return errno;
  struct stat st;
  int r = fstat (fd, &st) < 0 ? errno : 0;
  close (fd);
  if (r)
    return r;
  if (S_ISDIR (st.st_mode))
    return EISDIR;
  if (!S_ISREG (st.st_mode) || (st.st_mode & 0111) == 0)
    return EACCES;
  return 0;
}

int
exec_lookup (int rootfd, const char *name, const char *path_env, const char *cwd,
             char **out, mk_error **err)
{
  if (str_is_empty (name))
    return mk_error_set (err, 0, "process.args[0]: empty");

  if (strchr (name, '/'))
    {
      _cleanup_free_ char *full = name[0] == '/' ? xstrdup (name)
                                                  : path_join (cwd ? cwd : "/", name);
      int e = check_executable (rootfd, full);
      if (e == ENOENT || e == ENOTDIR)
        return mk_error_set (err, 0, "exec: \"%s\": stat %s: %s", name, name, strerror (e));
      if (e)
        return mk_error_set (err, 0, "exec: \"%s\": %s", name, strerror (e));
      *out = xstrdup (name);
      return 0;
    }

  _cleanup_free_ char *copy = xstrdup (path_env ? path_env : EXEC_DEFAULT_PATH);
  int denied = 0;
  char *save = NULL;
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      /* Relative entries would depend on the cwd: the default PATH has
       * none, and a configured one rarely does. */
      if (dir[0] != '/')
        continue;
      _cleanup_free_ char *cand = path_join (dir, name);
      int e = check_executable (rootfd, cand);
      if (e == 0)
        {
          *out = STEAL (cand);
          return 0;
        }
      if (e == EACCES || e == EISDIR)
        denied = e;
    }
  if (denied)
    return mk_error_set (err, 0, "exec: \"%s\": %s", name, strerror (denied));
  return mk_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}
