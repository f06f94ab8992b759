/* `--format` as Docker's CLI reads it: "table" (the command's default
 * columns), "table TEMPLATE" (a header row, then tab-aligned columns),
 * "json" ({{json .}}), or any Go template (one line per row). `\t` and
 * `\n` typed literally become a tab and a newline, as in Docker. */
#ifndef MOCKER_UI_FORMATTER_H
#define MOCKER_UI_FORMATTER_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "mocker/template/template.h"

struct ui_formatter;

/* default_table: the template "table" stands for ("table {{.ID}}\t...");
 * headers: a JSON object of field name -> column title (Docker's
 * FullHeader). Parse errors are bad options (exit 125). */
struct ui_formatter *ui_formatter_new (const char *format, const char *default_table,
                                       const char *headers, mk_error **err);
/* A method of the rows (tmpl_add_method), as ps's {{.Label "key"}}. */
void ui_formatter_add_method (struct ui_formatter *f, const char *name, tmpl_method_fn fn,
                              void *opaque);
/* Whether the template mentions the field (or {{json .}}): for costly columns. */
bool ui_formatter_uses (const struct ui_formatter *f, const char *field);
/* Renders one row: printed at once, or kept for the table. */
int ui_formatter_row (struct ui_formatter *f, yajl_val row, mk_error **err);
/* A table's header and aligned rows (nothing for other formats). */
void ui_formatter_finish (struct ui_formatter *f, FILE *out);
void ui_formatter_free (struct ui_formatter *f);
void cleanup_ui_formatterp (struct ui_formatter **f);
#define _cleanup_ui_formatter_ __attribute__ ((cleanup (cleanup_ui_formatterp)))

/* Docker's Go time String() in local time: "2026-11-22 13:51:58 +0000 UTC". */
void ui_format_go_time (time_t t, char *buf, size_t n);

#endif
