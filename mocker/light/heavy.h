/* The light binary's children: mocker-heavy (every command) and mocker-net
 * (the network commands only), run by the proxies (docs/architecture.md,
 * "Two binaries"). */
#ifndef MOCKER_LIGHT_HEAVY_H
#define MOCKER_LIGHT_HEAVY_H

#include "common/error.h"

/* $MOCKER_NET, else mocker-net next to our own binary, else
 * ../libexec/mocker/mocker-net from it (mocker_heavy_path: mocker.h). */
const char *mocker_net_path (void);

typedef void (*heavy_line_fn) (char *line, void *opaque);

/* Runs `BIN --root ROOT args...` (args NULL-terminated) to its end: each
 * line of its stdout goes to on_line (may be NULL); its stderr is passed on
 * when it succeeds, its last line is the error when it fails. */
int heavy_run (const char *bin, const char *root, const char *const *args, heavy_line_fn on_line,
               void *opaque, mk_error **err);

#endif
