/* The user-facing `mocker network` subcommands (cmd_network_user.c); argv[0]
 * is the subcommand. cmd_network.c dispatches to them. */
#ifndef MOCKER_CMD_NETWORK_H
#define MOCKER_CMD_NETWORK_H

#include "common/error.h"
#include "mocker/mocker.h"

int net_cmd_create (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int net_cmd_ls (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int net_cmd_inspect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int net_cmd_rm (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int net_cmd_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int net_cmd_connect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);
int net_cmd_disconnect (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

#endif
