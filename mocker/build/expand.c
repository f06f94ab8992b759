/* Docker's word processing for Dockerfile arguments (dockerfile.h):
 * quotes, the escape character and ${VAR} forms. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/build/dockerfile.h"

struct lexer
{
  const char *s;
  size_t pos;
  char escape;
  df_lookup_fn lookup;
  void *opaque;
  mk_error **err;
  bool failed;
};

struct buf
{
  char *p;
  size_t n, cap;
};

static void
buf_putc (struct buf *b, char c)
{
  if (b->n + 2 > b->cap)
    {
      b->cap = b->cap ? b->cap * 2 : 32;
      b->p = xrealloc (b->p, b->cap);
    }
  b->p[b->n++] = c;
  b->p[b->n] = '\0';
}

static void
buf_puts (struct buf *b, const char *s)
{
  while (s && *s)
    buf_putc (b, *s++);
}

static char *
buf_take (struct buf *b)
{
  return b->p ? b->p : xstrdup ("");
}

static bool
name_char (char c)
{
  return isalnum ((unsigned char) c) || c == '_';
}

static int
fail (struct lexer *lx, const char *what)
{
  if (!lx->failed)
    mk_error_set (lx->err, 0, "%s in `%s`", what, lx->s);
  lx->failed = true;
  return -1;
}

static int process (struct lexer *lx, char stop, struct buf *out);

/* After a '$': a variable, or a literal '$'. */
static int
dollar (struct lexer *lx, struct buf *out)
{
  const char *s = lx->s;
  if (s[lx->pos] != '{')
    {
      size_t start = lx->pos;
      while (name_char (s[lx->pos]))
        lx->pos++;
      if (lx->pos == start)
        {
          buf_putc (out, '$');
          return 0;
        }
      _cleanup_free_ char *name = xstrndup (s + start, lx->pos - start);
      buf_puts (out, lx->lookup (name, lx->opaque));
      return 0;
    }
  lx->pos++;
  size_t start = lx->pos;
  while (name_char (s[lx->pos]))
    lx->pos++;
  if (lx->pos == start)
    return fail (lx, "bad substitution (no variable name after `${`)");
  _cleanup_free_ char *name = xstrndup (s + start, lx->pos - start);
  const char *val = lx->lookup (name, lx->opaque);
  if (s[lx->pos] == '}')
    {
      lx->pos++;
      buf_puts (out, val);
      return 0;
    }
  if (s[lx->pos] == '\0')
    return fail (lx, "missing `}`");
  bool colon = s[lx->pos] == ':';
  if (colon)
    lx->pos++;
  char mod = s[lx->pos];
  if (mod != '-' && mod != '+' && mod != '?')
    return fail (lx, "unsupported modifier in `${...}` (:-, -, :+, +, :? and ? are)");
  lx->pos++;
  struct buf word = { 0 };
  int r = process (lx, '}', &word);
  if (r < 0 || s[lx->pos] != '}')
    {
      free (word.p);
      return fail (lx, "missing `}`");
    }
  lx->pos++;
  bool set = val != NULL && (!colon || *val);
  if (mod == '-')
    buf_puts (out, set ? val : word.p);
  else if (mod == '+')
    buf_puts (out, set ? word.p : "");
  else if (!set)
    {
      if (!lx->failed)
        mk_error_set (lx->err, 0, "%s: %s", name, word.p && *word.p ? word.p : "is not set");
      lx->failed = true;
      free (word.p);
      return -1;
    }
  else
    buf_puts (out, val);
  free (word.p);
  return 0;
}

/* Reads until stop (not consumed) or the end. */
static int
process (struct lexer *lx, char stop, struct buf *out)
{
  const char *s = lx->s;
  while (s[lx->pos] && s[lx->pos] != stop)
    {
      char c = s[lx->pos++];
      if (c == lx->escape)
        {
          if (s[lx->pos] == '\0')
            buf_putc (out, c);
          else
            buf_putc (out, s[lx->pos++]);
        }
      else if (c == '\'')
        {
          while (s[lx->pos] && s[lx->pos] != '\'')
            buf_putc (out, s[lx->pos++]);
          if (s[lx->pos] != '\'')
            return fail (lx, "unexpected end of statement while looking for matching single-quote");
          lx->pos++;
        }
      else if (c == '"')
        {
          while (s[lx->pos] && s[lx->pos] != '"')
            {
              char d = s[lx->pos++];
              if (d == lx->escape && (s[lx->pos] == '"' || s[lx->pos] == '$'
                                      || s[lx->pos] == lx->escape))
                buf_putc (out, s[lx->pos++]);
              else if (d == '$')
                {
                  if (dollar (lx, out) < 0)
                    return -1;
                }
              else
                buf_putc (out, d);
            }
          if (s[lx->pos] != '"')
            return fail (lx, "unexpected end of statement while looking for matching double-quote");
          lx->pos++;
        }
      else if (c == '$')
        {
          if (dollar (lx, out) < 0)
            return -1;
        }
      else
        buf_putc (out, c);
    }
  return 0;
}

char *
df_expand_word (const char *word, char escape, df_lookup_fn lookup, void *opaque,
                mk_error **err)
{
  struct lexer lx = { .s = word, .escape = escape, .lookup = lookup, .opaque = opaque,
                      .err = err };
  struct buf out = { 0 };
  if (process (&lx, '\0', &out) < 0)
    {
      free (out.p);
      return NULL;
    }
  return buf_take (&out);
}

char **
df_split_words (const char *text, char escape)
{
  char **words = xzalloc (sizeof *words);
  struct buf w = { 0 };
  char quote = 0;
  bool in_word = false;
  for (const char *p = text; *p; p++)
    {
      char c = *p;
      if (quote == 0 && isspace ((unsigned char) c))
        {
          if (in_word)
            strv_push (&words, w.p ? w.p : "");
          free (w.p);
          w = (struct buf) { 0 };
          in_word = false;
          continue;
        }
      in_word = true;
      if (c == escape && quote != '\'' && p[1])
        {
          buf_putc (&w, c);
          buf_putc (&w, *++p);
          continue;
        }
      if (quote == 0 && (c == '"' || c == '\''))
        quote = c;
      else if (quote == c)
        quote = 0;
      buf_putc (&w, c);
    }
  if (in_word)
    strv_push (&words, w.p ? w.p : "");
  free (w.p);
  return words;
}

char **
df_expand_words (const char *text, char escape, df_lookup_fn lookup, void *opaque,
                 mk_error **err)
{
  _cleanup_strv_ char **raw = df_split_words (text, escape);
  char **out = xzalloc (sizeof *out);
  for (size_t i = 0; raw[i]; i++)
    {
      _cleanup_free_ char *w = df_expand_word (raw[i], escape, lookup, opaque, err);
      if (w == NULL)
        {
          strv_free (out);
          return NULL;
        }
      if (*w || strchr (raw[i], '"') || strchr (raw[i], '\''))
        strv_push (&out, w);
    }
  return out;
}
