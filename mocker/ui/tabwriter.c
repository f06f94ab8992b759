#include "mocker/ui/tabwriter.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define MIN_WIDTH 10
#define PADDING 3

struct cell
{
  const char *text;
  size_t len, width; /* width: UTF-8 code points */
};

struct line
{
  struct cell *cells;
  size_t n;
};

struct tw
{
  struct line *lines;
  size_t n;
  size_t *widths;
  size_t n_widths;
  FILE *out;
};

static size_t
text_width (const char *s, size_t len)
{
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char) s[i] & 0xc0) != 0x80)
      n++;
  return n;
}

static void
write_lines (struct tw *w, size_t line0, size_t line1)
{
  for (size_t i = line0; i < line1; i++)
    {
      const struct line *l = &w->lines[i];
      for (size_t j = 0; j < l->n; j++)
        {
          fwrite (l->cells[j].text, 1, l->cells[j].len, w->out);
          if (j < w->n_widths)
            for (size_t pad = l->cells[j].width; pad < w->widths[j]; pad++)
              fputc (' ', w->out);
        }
      if (i + 1 < w->n)
        fputc ('\n', w->out);
    }
}

/* Go's Writer.format: finds the block of lines that have a cell in the
 * next column, sizes it, and recurses into it. */
static void
format (struct tw *w, size_t line0, size_t line1)
{
  size_t column = w->n_widths;
  for (size_t this = line0; this < line1; this++)
    {
      if (column + 1 >= w->lines[this].n)
        continue;
      write_lines (w, line0, this);
      line0 = this;
      size_t width = MIN_WIDTH;
      for (; this < line1; this++)
        {
          const struct line *l = &w->lines[this];
          if (column + 1 >= l->n)
            break;
          if (l->cells[column].width + PADDING > width)
            width = l->cells[column].width + PADDING;
        }
      w->widths = xrealloc (w->widths, (w->n_widths + 1) * sizeof *w->widths);
      w->widths[w->n_widths++] = width;
      format (w, line0, this);
      w->n_widths--;
      line0 = this;
    }
  write_lines (w, line0, line1);
}

void
ui_tabwrite (const char *text, size_t len, FILE *out)
{
  struct tw w = { .out = out };
  size_t cap = 0;
  const char *p = text, *end = text + len;
  for (;;)
    {
      if (w.n == cap)
        {
          cap = cap ? cap * 2 : 64;
          w.lines = xrealloc (w.lines, cap * sizeof *w.lines);
        }
      struct line *l = &w.lines[w.n++];
      *l = (struct line) { 0 };
      size_t ccap = 0;
      for (;;)
        {
          const char *c = p;
          while (p < end && *p != '\t' && *p != '\n')
            p++;
          if (l->n == ccap)
            {
              ccap = ccap ? ccap * 2 : 8;
              l->cells = xrealloc (l->cells, ccap * sizeof *l->cells);
            }
          l->cells[l->n++] = (struct cell) { c, (size_t) (p - c), text_width (c, (size_t) (p - c)) };
          if (p < end && *p == '\t')
            {
              p++;
              continue;
            }
          break;
        }
      if (p >= end)
        break;
      p++; /* '\n' */
    }
  format (&w, 0, w.n);
  for (size_t i = 0; i < w.n; i++)
    free (w.lines[i].cells);
  free (w.lines);
  free (w.widths);
}
