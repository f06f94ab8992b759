/* mocker image prune (image_prune.c), called by cmd_image.c. */
#ifndef MOCKER_IMAGE_PRUNE_H
#define MOCKER_IMAGE_PRUNE_H

#include "mocker/mocker.h"

int image_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

#endif
