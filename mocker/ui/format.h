/* Human formats as Docker prints them (github.com/docker/go-units):
 * sizes in decimal units ("4.26MB"), durations ("2 hours"), and the
 * "… ago" of CREATED columns. */
#ifndef MOCKER_UI_FORMAT_H
#define MOCKER_UI_FORMAT_H

#include <stddef.h>
#include <time.h>
#include <yajl/yajl_tree.h>

/* 3 significant digits, units of 1000: "0B", "512B", "1.5kB", "4.26MB",
 * "1.23GB" (what `docker images` shows). */
char *ui_format_size (double bytes);
/* Same with precision significant digits (Docker's HumanSize uses 4). */
char *ui_format_size_prec (double bytes, int precision);
/* go-units BytesSize: 4 significant digits, units of 1024: "3.833GiB"
 * (stats' memory, info's Total Memory). */
char *ui_format_binary_size (double bytes);

/* go-units HumanDuration: "Less than a second", "1 second", "5 seconds",
 * "About a minute", "3 minutes", "About an hour", "2 hours", "3 days",
 * "2 weeks", "3 months", "2 years". */
char *ui_format_duration (double seconds);

/* "2 hours ago" for a past time (now given for testability; a time in
 * the future counts as now). */
char *ui_format_ago (time_t then, time_t now);

/* Docker's Labels column: "k=v,k2=v2" of a JSON object ("" for none). */
char *ui_format_labels (yajl_val labels);

/* Truncates an id for display: strips "sha256:", keeps 12 hex digits. */
char *ui_short_id (const char *id);

#endif
