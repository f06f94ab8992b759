/* Logging: plain text to stderr, and optionally to a --log file as text or as
 * one JSON object per line ({"level","msg","time"}), which podman and
 * containerd read back. */
#ifndef MK_LOG_H
#define MK_LOG_H

#include <stdbool.h>
#include <time.h>
#include "common/error.h"

enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

/* prog prefixes stderr lines ("mocker-runtime: ..."). file may be NULL. */
int log_init (const char *prog, const char *file, bool json, bool debug, mk_error **err);
void log_close (void);
/* The --log file's fd, -1 without one (kept open by the container's init until execve). */
int log_file_fd (void);

void log_msg (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
#define log_error(...) log_msg (LOG_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg (LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg (LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg (LOG_DEBUG, __VA_ARGS__)

bool log_debug_enabled (void);

/* RFC 3339 UTC time with microseconds: 2026-11-22T13:51:58.123456Z */
/* t as a UTC calendar time (only the date and time fields are set), without
 * touching the local time zone. */
void utc_time (time_t t, struct tm *out);
void format_rfc3339 (const struct timespec *ts, char *buf, size_t size);

#endif
