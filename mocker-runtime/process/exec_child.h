/* The child side of `exec`: from a fork of the runtime (already in the
 * container's pid namespace) to execve of the new process inside the
 * container.  Any failure is written to err_fd (a close-on-exec pipe: the
 * runtime reads EOF when execve succeeded) and the child exits 255. */
#ifndef RT_EXEC_CHILD_H
#define RT_EXEC_CHILD_H

#include "mocker-runtime/cgroup/cgroup_entry.h"
#include "mocker-runtime/seccomp/seccomp_bpf.h"
#include "spec/spec.h"

struct exec_child_args
{
  const struct spec_process *proc;
  const struct seccomp_bpf *seccomp;   /* the container's filter, compiled (may be empty) */
  const struct cgroup_entry *cgroup;   /* NULL: leave the cgroup alone */
  int pidfd;                           /* the container's init */
  int ns_flags;                        /* namespaces to join through pidfd (not pid) */
  int root_fd;                         /* O_PATH of the init's root */
  int console_fd;                      /* process.terminal: where the master goes; -1 */
  bool relayed;                        /* console_fd is the runtime's (exec -t in the foreground) */
  int err_fd;
  int seccomp_listener_sock;           /* a filter with a listener: where it goes; -1 */
  int preserve_fds;
};

void exec_child_main (const struct exec_child_args *a) __attribute__ ((noreturn));

#endif
