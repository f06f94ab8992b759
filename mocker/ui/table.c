#include "mocker/ui/table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define MIN_WIDTH 10
#define PADDING 3

struct ui_table
{
  size_t columns;
  size_t rows, cap;
  char **cells; /* rows * columns */
};

struct ui_table *
ui_table_new (size_t columns)
{
  struct ui_table *t = xzalloc (sizeof *t);
  t->columns = columns;
  return t;
}

void
ui_table_add (struct ui_table *t, const char *const *cells)
{
  if (t->rows == t->cap)
    {
      t->cap = t->cap ? t->cap * 2 : 16;
      t->cells = xrealloc (t->cells, t->cap * t->columns * sizeof (char *));
    }
  for (size_t c = 0; c < t->columns; c++)
    t->cells[t->rows * t->columns + c] = xstrdup (cells[c] ? cells[c] : "");
  t->rows++;
}

void
ui_table_addv (struct ui_table *t, ...)
{
  const char **cells = xzalloc (t->columns * sizeof (char *));
  va_list ap;
  va_start (ap, t);
  for (size_t c = 0; c < t->columns; c++)
    cells[c] = va_arg (ap, const char *);
  va_end (ap);
  ui_table_add (t, cells);
  free (cells);
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t
text_width (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char) *s & 0xc0) != 0x80)
      n++;
  return n;
}

void
ui_table_print (const struct ui_table *t, FILE *out)
{
  size_t *width = xzalloc (t->columns * sizeof (size_t));
  for (size_t r = 0; r < t->rows; r++)
    for (size_t c = 0; c < t->columns; c++)
      {
        size_t w = text_width (t->cells[r * t->columns + c]) + PADDING;
        if (w > width[c])
          width[c] = w;
      }
  for (size_t c = 0; c < t->columns; c++)
    if (width[c] < MIN_WIDTH)
      width[c] = MIN_WIDTH;
  for (size_t r = 0; r < t->rows; r++)
    {
      for (size_t c = 0; c < t->columns; c++)
        {
          const char *cell = t->cells[r * t->columns + c];
          fputs (cell, out);
          if (c + 1 < t->columns)
            for (size_t pad = text_width (cell); pad < width[c]; pad++)
              fputc (' ', out);
        }
      fputc ('\n', out);
    }
  free (width);
}

void
ui_table_free (struct ui_table *t)
{
  if (t == NULL)
    return;
  for (size_t i = 0; i < t->rows * t->columns; i++)
    free (t->cells[i]);
  free (t->cells);
  free (t);
}

void
cleanup_ui_tablep (struct ui_table **t)
{
  ui_table_free (*t);
  *t = NULL;
}
