/* Docker's confirmation prompt of the prune commands. */
#ifndef MOCKER_UI_CONFIRM_H
#define MOCKER_UI_CONFIRM_H

#include <stdbool.h>

/* Prints "WARNING\nAre you sure you want to continue? [y/N] " on stderr and
 * reads one line of stdin: true on "y" or "yes" (any case), false on
 * anything else or EOF. */
bool ui_confirm (const char *warning);

#endif
