/* See confirm.h. */
#include "mocker/ui/confirm.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

bool
ui_confirm (const char *warning)
{
  fprintf (stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
  fflush (stderr);
  char line[16] = "";
  if (fgets (line, sizeof line, stdin) == NULL)
    return false;
  /* the answer without surrounding white space (Docker's TrimSpace) */
  char *a = line + strspn (line, " \t\r\n");
  size_t n = strlen (a);
  while (n > 0 && isspace ((unsigned char) a[n - 1]))
    a[--n] = '\0';
  return strcasecmp (a, "y") == 0 || strcasecmp (a, "yes") == 0;
}
