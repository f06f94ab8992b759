/* `volume ls`: Docker's rows and filters over the store's volumes.
 *
 * A row is what Docker's volumeContext marshals (keys sorted):
 * Availability, Group, Status ("N/A": no cluster volumes), Driver and Scope
 * ("local"), Labels ("k=v,..."), Links and Size ("N/A": ls computes no
 * usage, as Docker's), Mountpoint, Name.
 * Filters (Docker's daemon): name (regular expression, Docker's Match),
 * driver (exact), label (key or key=value, every one must hold), dangling
 * (true/1: no container uses it, false/0: some container does). */
#ifndef MOCKER_VOLUME_LIST_H
#define MOCKER_VOLUME_LIST_H

#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "mocker/ui/filter.h"

struct store;

extern const char *const volume_filter_keys[];
/* The JSON object of Docker's column titles (ui_formatter headers). */
extern const char volume_ls_headers[];
#define VOLUME_LS_TABLE "table {{.Driver}}\t{{.Name}}"

/* Checks the values (dangling: true, false, 1 or 0): a bad one is a bad option. */
int volume_filter_check (const struct ui_filter *f, mk_error **err);
/* The row of one volume that passes the filters (NULL: it does not, or it
 * vanished meanwhile). A dangling filter needs the volume lock held. */
yajl_val volume_row (struct store *s, const char *name, const struct ui_filter *f);

#endif
