/* The container lifecycle the subcommands call.  Every verb takes the id's
 * lock (the state directory, see state.h) for its whole duration, so
 * concurrent commands on one id run one after the other. */
#ifndef RT_CONTAINER_H
#define RT_CONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "mocker-runtime/state/state.h"

struct create_opts
{
  const char *root;
  const char *id;
  const char *bundle;          /* NULL = current directory */
  const char *pid_file;        /* NULL = none */
  const char *console_socket;  /* NULL = none */
  bool no_pivot;
  bool no_new_keyring;
  bool systemd_cgroup;
  bool strict_caps;
  int preserve_fds;
  bool attached;               /* run: the init waits for container_start_attached */
  bool foreground;             /* run without -d: a terminal is relayed by the runtime */
  /* Blocked when the program may run before container_create returns (an
   * early init, init_early.h); the caller unblocks them once it handles them. */
  const sigset_t *hold_signals;
};

struct container
{
  char *root;
  char *id;
  int lock_fd;      /* the locked state dir; -1 once released */
  int sync_fd;      /* attached: talks to the init until it execs */
  int console_fd;   /* foreground terminal: the pty master arrives here (terminal.h); -1 */
  pid_t pid;
  struct rt_state *st;
  bool exec_early;  /* the init executed the program within container_create */
};

void container_free (struct container *c);
void cleanup_containerp (struct container **c);
#define _cleanup_container_ __attribute__ ((cleanup (cleanup_containerp)))

/* create: on success the container is `created` (its init blocks before
 * execve); the pid file is written.  On failure nothing is left. */
int container_create (const struct create_opts *o, struct container **out, mk_error **err);

/* run: releases an attached container's init (startContainer hooks, execve),
 * runs poststart hooks and drops the lock. */
int container_start_attached (struct container *c, mk_error **err);

/* Kills an attached container that failed to start, removes everything. */
void container_abort (struct container *c);

int container_start (const char *root, const char *id, mk_error **err);
int container_kill (const char *root, const char *id, int sig, bool all, mk_error **err);
int container_delete (const char *root, const char *id, bool force, mk_error **err);

#endif
