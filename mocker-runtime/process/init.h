/* The container's init: the child side of clone3, from the new namespaces to
 * execve of the user's program.  It reports every failure to the runtime
 * over the sync socket (the runtime prints it and fails), see sync.h. */
#ifndef RT_INIT_H
#define RT_INIT_H

#include <stdbool.h>

#include "mocker-runtime/cgroup/cgroup_entry.h"
#include "mocker-runtime/kernel/namespaces.h"
#include "mocker-runtime/seccomp/seccomp_bpf.h"
#include "spec/spec.h"

struct init_args
{
  const struct spec *spec;
  const char *rootfs;          /* absolute host path */
  const struct ns_plan *ns;
  int sync_fd;
  int fifo_fd;                 /* O_PATH fd of exec.fifo (create); -1: wait for SYNC_START (run) */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;            /* fds 3 .. 3+N-1 stay open in the container */
  const char *console_socket;  /* process.terminal: the caller's socket (already connected: console_fd) */
  int console_fd;              /* process.terminal: the pty master is sent here (terminal.h) */
  const struct seccomp_bpf *seccomp; /* linux.seccomp compiled by the runtime (seccomp_bpf.h) */
  int seccomp_listener_sock;   /* a filter with a listener: where it goes (seccomp_notify.h); -1 */
  const char *id;
  const struct cgroup_entry *cgroup;  /* joined first thing */
  /* Set: the init shares the runtime's memory until execve (init_early.c):
   * no handshake, and *exec_reached = 1 just before execve. */
  volatile int *exec_reached;
};

void init_main (const struct init_args *a) __attribute__ ((noreturn));

#endif
