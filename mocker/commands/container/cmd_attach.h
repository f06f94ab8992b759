/* The client side of `mocker attach` (cmd_attach.c), shared with `start -a`
 * of a running container. */
#ifndef MOCKER_CMD_ATTACH_H
#define MOCKER_CMD_ATTACH_H

#include <stdbool.h>

#include "common/error.h"
#include "mocker/container/container.h"
#include "mocker/container/detach_keys.h"

struct attach_opts
{
  bool no_stdin;
  bool sig_proxy;
  struct detach_keys keys;
};

/* Attaches to the running container c until it exits (its exit code) or
 * the detach keys are typed (0); -1 with err set when it cannot (Docker's
 * messages for a stopped, paused or restarting container). */
int attach_running (struct container *c, const struct attach_opts *o, mk_error **err);

#endif
