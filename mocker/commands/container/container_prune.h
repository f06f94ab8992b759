/* Removing every stopped container (container prune, system prune). */
#ifndef MOCKER_CONTAINER_PRUNE_H
#define MOCKER_CONTAINER_PRUNE_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "mocker/mocker.h"
#include "mocker/ui/filter.h"

/* The filter keys prune takes: until, label, label! (Docker's). */
extern const char *const container_prune_filter_keys[];

/* label=K[=V] must all hold, label!=K[=V] must all fail (Docker's prune
 * filters), on a JSON object of labels (NULL: none). */
bool prune_labels_match (const struct ui_filter *f, yajl_val labels);

/* Checks the filter's values (an until time that does not parse is a bad
 * option, exit 125) and reads until as nanoseconds (0 when absent). */
int container_prune_check (const struct ui_filter *f, const char *cmd, long long *until,
                           mk_error **err);

/* Removes every container that is not running (created or exited; a
 * restarting or starting one stays), created before until (0: any) and
 * matching the label filters, as `rm` does (its anonymous volumes stay, as
 * Docker's prune). Their full ids go to *deleted (NULL-terminated, heap),
 * the bytes of their writable layers to *reclaimed. A container that
 * cannot be removed is skipped with a warning. */
int container_prune_run (struct store *s, const struct ui_filter *f, long long until,
                         char ***deleted, long long *reclaimed, mk_error **err);

/* mocker container prune [-f] [--filter K=V] */
int container_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err);

#endif
