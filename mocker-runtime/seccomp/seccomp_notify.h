/* Seccomp user notification (SCMP_ACT_NOTIFY) with a seccomp agent, the
 * runtime-spec's linux.seccomp.listenerPath.
 *
 * The process that loads the filter (the container's init, or exec's child)
 * gets a listener fd from seccomp(2) and sends it at once to the runtime over
 * a socketpair made for it (SCM_RIGHTS), then closes its copy: the container
 * never holds it.  The runtime connects to listenerPath (AF_UNIX,
 * SOCK_STREAM) and sends the container process state JSON, with the
 * listener as fds[0] ("seccompFd") in the first sendmsg, then closes the
 * connection.  A syscall under a notify rule waits for the agent's answer;
 * the loader goes on at once. */
#ifndef RT_SECCOMP_NOTIFY_H
#define RT_SECCOMP_NOTIFY_H

#include <sys/types.h>

#include "common/error.h"
#include "mocker-runtime/state/state.h"
#include "spec/spec.h"

/* Loader side: sends listener over sock (one byte, SCM_RIGHTS). */
int seccomp_notify_send_listener (int sock, int listener, mk_error **err);

/* Runtime side: waits for the listener; *listener = -1 when the loader went
 * away first (it failed before loading: its own error says why). */
int seccomp_notify_recv_listener (int sock, int *listener, mk_error **err);

/* The container process state for the agent: pid is the process the filter
 * is on, st and status the container's state ("creating" for the init,
 * "running" for exec).  Returns the JSON (heap). */
char *seccomp_notify_state_json (const struct spec_seccomp *s, pid_t pid,
                                 const struct rt_state *st, const char *status);

/* Connects to s->listener_path and sends the state JSON with listener. */
int seccomp_notify_agent (const struct spec_seccomp *s, int listener, pid_t pid,
                          const struct rt_state *st, const char *status, mk_error **err);

#endif
