/* Download progress lines as Docker draws them:
 *   "[=========>                                         ]  1.2MB/4.3MB" */
#ifndef MOCKER_UI_PROGRESS_H
#define MOCKER_UI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

/* True when f is a terminal (progress bars redraw in place). */
bool ui_is_terminal (FILE *f);
/* Terminal width (columns) of f, or 80 when unknown. */
int ui_terminal_width (FILE *f);

/* The bar (width cells between the brackets) and the "current/total" text;
 * total <= 0 prints only the current size. Heap string. */
char *ui_progress_bar (long long current, long long total, int width);

/* One progress line "<id>: <status> <bar>" (id shortened to 12), heap. */
char *ui_progress_line (const char *id, const char *status, long long current, long long total);

#endif
