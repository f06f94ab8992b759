/* mocker system SUBCOMMAND (cmd_system.c): df (system_df.c), prune
 * (system_prune.c), info and events (the top-level commands). */
#ifndef MOCKER_SYSTEM_H
#define MOCKER_SYSTEM_H

#include "mocker/mocker.h"

int system_df (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int system_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

#endif
