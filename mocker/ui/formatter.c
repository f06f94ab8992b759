#include "mocker/ui/formatter.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/mocker.h"
#include "mocker/template/template.h"
#include "mocker/ui/tabwriter.h"

struct ui_formatter
{
  struct tmpl *t;
  bool table, json_dot;
  yajl_val headers;
  char *rows;
  size_t len, cap;
};

/* Docker's preFormat: strip "table", trim spaces, turn \t and \n into
 * their characters. */
static char *
final_text (const char *format, const char *default_table, bool *table)
{
  const char *f = format;
  *table = str_has_prefix (f, "table");
  if (*table)
    {
      _cleanup_free_ char *trimmed = xstrdup (f + 5);
      if (strspn (trimmed, " ") == strlen (trimmed))
        f = default_table + 5; /* "table" alone: the default columns */
      else
        f += 5;
    }
  else if (strcmp (f, "json") == 0)
    f = "{{json .}}";
  while (*f == ' ')
    f++;
  size_t len = strlen (f);
  while (len > 0 && f[len - 1] == ' ')
    len--;
  char *out = xmalloc (len + 1);
  size_t o = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (f[i] == '\\' && i + 1 < len && (f[i + 1] == 't' || f[i + 1] == 'n'))
        {
          out[o++] = f[i + 1] == 't' ? '\t' : '\n';
          i++;
          continue;
        }
      out[o++] = f[i];
    }
  out[o] = '\0';
  return out;
}

struct ui_formatter *
ui_formatter_new (const char *format, const char *default_table, const char *headers,
                  mk_error **err)
{
  struct ui_formatter *f = xzalloc (sizeof *f);
  _cleanup_free_ char *text = final_text (format, default_table, &f->table);
  f->json_dot = strstr (text, "json .}}") != NULL || strstr (text, "json $}}") != NULL;
  f->t = tmpl_parse (text, err);
  if (f->t == NULL || json_parse (headers, strlen (headers), "headers", &f->headers, err) < 0)
    {
      ui_formatter_free (f);
      mocker_bad_option ();
      return NULL;
    }
  return f;
}

void
ui_formatter_add_method (struct ui_formatter *f, const char *name, tmpl_method_fn fn,
                         void *opaque)
{
  tmpl_add_method (f->t, name, fn, opaque);
}

bool
ui_formatter_uses (const struct ui_formatter *f, const char *field)
{
  return f->json_dot || tmpl_uses_field (f->t, field);
}

static void
keep (struct ui_formatter *f, const char *s, size_t len)
{
  if (f->len + len + 1 > f->cap)
    {
      f->cap = (f->len + len + 1) * 2;
      f->rows = xrealloc (f->rows, f->cap);
    }
  memcpy (f->rows + f->len, s, len);
  f->len += len;
}

int
ui_formatter_row (struct ui_formatter *f, yajl_val row, mk_error **err)
{
  size_t len;
  const char *s = tmpl_exec (f->t, row, &len, err);
  if (s == NULL)
    return mocker_bad_option ();
  if (f->table)
    {
      keep (f, s, len);
      keep (f, "\n", 1);
      return 0;
    }
  fwrite (s, 1, len, stdout);
  fputc ('\n', stdout);
  return 0;
}

void
ui_formatter_finish (struct ui_formatter *f, FILE *out)
{
  if (!f->table)
    return;
  /* the header: the template in header mode over the titles (an error,
   * such as a field without a title, leaves what was rendered, as Docker) */
  tmpl_set_header_mode (f->t, true);
  _cleanup_error_ mk_error *e = NULL;
  size_t hlen = 0;
  const char *h = tmpl_exec (f->t, f->headers, &hlen, &e);
  size_t rows_len = f->len;
  _cleanup_free_ char *all = xmalloc (hlen + 1 + rows_len + 1);
  memcpy (all, h ? h : "", h ? hlen : 0);
  size_t n = h ? hlen : 0;
  all[n++] = '\n';
  if (rows_len)
    memcpy (all + n, f->rows, rows_len);
  n += rows_len;
  ui_tabwrite (all, n, out);
}

void
ui_formatter_free (struct ui_formatter *f)
{
  if (f == NULL)
    return;
  tmpl_free (f->t);
  if (f->headers)
    yajl_tree_free (f->headers);
  free (f->rows);
  free (f);
}

void
cleanup_ui_formatterp (struct ui_formatter **f)
{
  ui_formatter_free (*f);
  *f = NULL;
}

void
ui_format_go_time (time_t t, char *buf, size_t n)
{
  struct tm tm;
  localtime_r (&t, &tm);
  strftime (buf, n, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
}
