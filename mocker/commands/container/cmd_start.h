/* Starting one container as `mocker start` does (cmd_start.c), for
 * `restart` too. */
#ifndef MOCKER_CMD_START_H
#define MOCKER_CMD_START_H

#include <stdbool.h>

#include "common/error.h"
#include "mocker/mocker.h"

/* Returns 0 (detached: the reference is printed unless quiet), the
 * container's exit code (attach), or -1. */
int start_one (struct mocker_ctx *ctx, struct store *s, const char *ref, bool attach,
               bool interactive, bool quiet, mk_error **err);

#endif
