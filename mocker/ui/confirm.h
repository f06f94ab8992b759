/* The y/N question of the prune commands, as Docker's CLI asks it. */
#ifndef MOCKER_UI_CONFIRM_H
#define MOCKER_UI_CONFIRM_H

#include <stdbool.h>

/* Prints warning (it carries its own "WARNING! ..." text and line breaks)
 * and "\nAre you sure you want to continue? [y/N] " on stderr, reads one
 * line of stdin: true for "y" or "yes" in any case (white space around it
 * ignored), false for anything else or EOF. */
bool ui_confirm (const char *warning);

#endif
