/* The time values of --since / --until (logs, events, prune's until=), as
 * Docker's CLI reads them (timetypes.GetTimestamp):
 *   a Go duration before now:  "10m", "1h30m", "-5s" (after now); not "0"
 *   RFC 3339 and its shorter forms: "2026-12-04", "2026-12-04T10",
 *     "2026-12-04T10:11", "2026-12-04T10:11:12[.123456789]", each with an
 *     optional zone ("Z", "+01:00"); without one, the local zone
 *   a Unix timestamp: "1733300000", "1733300000.5" (seconds[.fraction])
 * Times are nanoseconds since the epoch. */
#ifndef MOCKER_UI_TIMEARG_H
#define MOCKER_UI_TIMEARG_H

#include <stdbool.h>

#include "common/error.h"

/* value read against now_ns; on failure *err reads "failed to parse value
 * as time or duration: \"x\"" (or names the bad date). */
int ui_parse_timestamp (const char *value, long long now_ns, long long *out_ns, mk_error **err);

/* RFC 3339 as the store writes it ("2026-12-04T10:11:12.123456789Z", any
 * zone or fraction): false when it is not one. */
bool ui_parse_rfc3339 (const char *s, long long *out_ns);

/* CLOCK_REALTIME in nanoseconds. */
long long ui_now_ns (void);

#endif
