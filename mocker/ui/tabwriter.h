/* Go's text/tabwriter as Docker's formatter configures it (minwidth 10,
 * tabwidth 1, padding 3, padchar ' ', no flags): tab-terminated cells of
 * consecutive lines form column blocks, each padded to its widest cell + 3
 * (at least 10); the last cell of a line is not part of a column. */
#ifndef MOCKER_UI_TABWRITER_H
#define MOCKER_UI_TABWRITER_H

#include <stddef.h>
#include <stdio.h>

void ui_tabwrite (const char *text, size_t len, FILE *out);

#endif
