/* Tables as Docker prints them (Go's tabwriter with minwidth 10, padding
 * 3): every column but the last is padded to max(widest cell + 3, 10). */
#ifndef MOCKER_UI_TABLE_H
#define MOCKER_UI_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct ui_table;

struct ui_table *ui_table_new (size_t columns);
/* Adds a row of `columns` cells (copied; NULL prints as empty). The first
 * row added is the header. */
void ui_table_add (struct ui_table *t, const char *const *cells);
/* Same with the cells as arguments. */
void ui_table_addv (struct ui_table *t, ...);
void ui_table_print (const struct ui_table *t, FILE *out);
void ui_table_free (struct ui_table *t);
void cleanup_ui_tablep (struct ui_table **t);
#define _cleanup_ui_table_ __attribute__ ((cleanup (cleanup_ui_tablep)))

#endif
