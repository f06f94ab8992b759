#include "mocker/ui/progress.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker/ui/format.h"

bool
ui_is_terminal (FILE *f)
{
  return isatty (fileno (f)) == 1;
}

int
ui_terminal_width (FILE *f)
{
  struct winsize ws;
  if (ioctl (fileno (f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 80;
}

char *
ui_progress_bar (long long current, long long total, int width)
{
  _cleanup_free_ char *cur = ui_format_size_prec ((double) current, 4);
  if (total <= 0)
    return xstrdup (cur);
  if (current > total)
    current = total;
  _cleanup_free_ char *tot = ui_format_size_prec ((double) total, 4);
  if (width < 2)
    width = 2;
  int filled = (int) ((double) current / (double) total * width);
  _cleanup_free_ char *bar = xmalloc (width + 3);
  char *p = bar;
  *p++ = '[';
  for (int i = 0; i < width; i++)
    {
      if (i < filled - 1 || (i == filled - 1 && filled == width))
        *p++ = '=';
      else if (i == filled - 1 || (filled == 0 && i == 0 && current > 0))
        *p++ = '>';
      else
        *p++ = ' ';
    }
  *p++ = ']';
  *p = '\0';
  return xasprintf ("%s %9s/%s", bar, cur, tot);
}

char *
ui_progress_line (const char *id, const char *status, long long current, long long total)
{
  _cleanup_free_ char *sid = ui_short_id (id);
  if (current < 0)
    return xasprintf ("%s: %s", sid, status);
  _cleanup_free_ char *bar = ui_progress_bar (current, total, 50);
  return xasprintf ("%s: %s %s", sid, status, bar);
}
