/* run and create share their options and everything up to the container
 * being made (mocker/commands/container/cmd_run.c). */
#ifndef MOCKER_CMD_RUN_H
#define MOCKER_CMD_RUN_H

#include <stdbool.h>

#include "common/error.h"
#include "mocker/mocker.h"

/* `mocker run` (create_only false) or `mocker create`: argv as the command got it. */
int cmd_run_or_create (struct mocker_ctx *ctx, bool create_only, int argc, char **argv,
                       mk_error **err);

#endif
