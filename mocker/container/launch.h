/* Starting a container through its monitor (docs/containers.md):
 * spawn mocker-monitor, wait for "created <pid>", wire the network, send
 * "start", wait for "started".  Shared by `run` and `start`. */
#ifndef MOCKER_CONTAINER_LAUNCH_H
#define MOCKER_CONTAINER_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "mocker/container/container.h"

struct store;

struct launch
{
  int sock;        /* to the monitor; -1 when closed */
  pid_t monitor;
  pid_t pid;       /* the container's init */
  int pidfd;       /* for forwarding signals, -1 when unavailable */
  int failure;     /* on failure: Docker's exit code (125, 126, 127) */
  bool no_teardown; /* on failure: the monitor never ran, nothing was torn down */
};

struct launch_opts
{
  bool attach;     /* the monitor copies output to our stdout/stderr */
  bool stdin_open; /* the container (or the pty) reads our stdin */
  bool tty;
};

/* On failure l->failure has the exit code to use; when the monitor already
 * ran its teardown, nothing of the start is left. */
int ctr_launch (struct store *s, const struct container *c, const struct launch_opts *o,
                struct launch *l, mk_error **err);

/* Attached: waits for "exited <code>" and the end of the teardown,
 * forwarding signals to the container (and window-size changes to the
 * monitor).  Returns the container's exit code. */
int ctr_wait_attached (struct launch *l, bool tty);

void ctr_launch_close (struct launch *l);

/* Wires the network of the container whose init is pid, as `run` does
 * between create and start (the bridge address goes to ip, "" for none).
 * `mocker _rewire` runs it for the monitor's restarts. */
int ctr_wire_network (struct store *s, const struct container *c, pid_t pid, char *ip,
                      size_t ip_size, mk_error **err);

#endif
