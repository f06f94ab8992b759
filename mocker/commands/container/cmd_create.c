/* mocker create [OPTIONS] IMAGE [COMMAND [ARG...]]: `run` without the start
 * (mocker/commands/container/cmd_run.c does both; `mocker start` starts what this made). */
#include "mocker/commands/container/cmd_run.h"

int
cmd_create (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  return cmd_run_or_create (ctx, true, argc, argv, err);
}
