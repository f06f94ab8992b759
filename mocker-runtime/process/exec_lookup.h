/* Finding the program to execute: args[0] as is when it has a '/', else the
 * first executable regular file named so in the PATH directories, all of
 * it resolved inside the root given by rootfd (the container's, after
 * pivot_root: "/"). */
#ifndef RT_EXEC_LOOKUP_H
#define RT_EXEC_LOOKUP_H

#include "common/error.h"

#define EXEC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* path_env: the PATH value (NULL: the default); cwd: for names like "./x".
 * Errors, runc's wording:
 *   exec: "X": executable file not found in $PATH
 *   exec: "X": stat X: no such file or directory
 *   exec: "X": permission denied   (exists, but no execute bit / not a file) */
int exec_lookup (int rootfd, const char *name, const char *path_env, const char *cwd,
                 char **out, mk_error **err);

/* The value of PATH in a NULL-terminated environment, NULL when absent. */
const char *exec_env_path (char *const *env);

#endif
