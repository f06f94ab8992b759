/* Go's time.ParseDuration ("30s", "1m30s", "500ms", "0"), as Docker's
 * HEALTHCHECK and --health-* options take durations. */
#ifndef COMMON_DURATION_H
#define COMMON_DURATION_H

/* Nanoseconds, or -1 when s is not a duration. */
long long parse_go_duration (const char *s);

#endif
