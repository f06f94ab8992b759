/* See confirm.h. */
#include "mocker/ui/confirm.h"

#include <stdio.h>
#include <strings.h>

bool
ui_confirm (const char *warning)
{
  fprintf (stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
  fflush (stderr);
  char line[16] = "";
  return fgets (line, sizeof line, stdin) != NULL
         && (strcasecmp (line, "y\n") == 0 || strcasecmp (line, "yes\n") == 0);
}
