/* The process `exec` runs: the container's process with the command-line
 * overrides, or --process's object as a whole (exec_process.c). */
#ifndef RT_EXEC_PROCESS_H
#define RT_EXEC_PROCESS_H

#include <stdbool.h>

#include "common/error.h"
#include "spec/spec.h"

struct exec_opts
{
  const char *process_file;
  bool tty;
  const char *console_socket;
  bool detach;
  const char *pid_file;
  char **env;
  const char *cwd;
  const char *user;
  char **caps;
  char **gids;
  bool no_new_privs;
  int preserve_fds;
};

void exec_opts_free (struct exec_opts *o);

/* Takes spec->process (unless --process gave one), sets args (NULL-terminated,
 * ignored with --process), terminal, env (-e replaces a key), cwd, user,
 * additional gids, capabilities and no_new_privs. */
int exec_make_process (struct spec *spec, const struct exec_opts *o, char **args,
                       struct spec_process **out, mk_error **err);

#endif
