/* See rawterm.h. */
#include <stdbool.h>
#include <termios.h>
#include <unistd.h>

#include "mocker/ui/rawterm.h"

static struct termios saved_tio;
static bool tio_saved;

void
ui_terminal_raw (void)
{
  if (tcgetattr (STDIN_FILENO, &saved_tio) < 0)
    return;
  struct termios raw = saved_tio;
  cfmakeraw (&raw);
  raw.c_oflag |= OPOST; /* keep \n -> \r\n for our own messages */
  if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) == 0)
    tio_saved = true;
}

void
ui_terminal_restore (void)
{
  if (tio_saved)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved_tio);
  tio_saved = false;
}
