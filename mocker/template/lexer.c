/* The template lexer: text between actions, and the tokens inside
 * {{ ... }} (a field chain `.A.B` and a variable with its chain `$x.A`
 * are one token each). Trim markers `{{- ` and ` -}}` shorten the
 * neighbouring text; comments {{/ * ... * /}} (without the spaces) vanish. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/template/internal.h"

struct lexer
{
  const char *text;
  size_t len;
  struct token *toks;
  size_t n, cap;
};

size_t
tmpl_line_of (const char *text, size_t pos)
{
  size_t line = 1;
  for (size_t i = 0; i < pos && text[i]; i++)
    line += text[i] == '\n';
  return line;
}

static int
lex_error (struct lexer *l, size_t pos, mk_error **err, const char *what)
{
  return mk_error_set (err, 0, "template parsing error: template: :%zu: %s",
                       tmpl_line_of (l->text, pos), what);
}

static void
emit (struct lexer *l, enum tok_kind kind, size_t pos, size_t len)
{
  if (l->n == l->cap)
    {
      l->cap = l->cap ? l->cap * 2 : 32;
      l->toks = xrealloc (l->toks, l->cap * sizeof *l->toks);
    }
  l->toks[l->n++] = (struct token) { kind, pos, len };
}

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
is_alnum (char c)
{
  return isalnum ((unsigned char) c) || c == '_' || (unsigned char) c >= 0x80;
}

/* ` -}}` at p (Go wants a space before the marker). */
static bool
at_right_trim (const char *s, size_t p, size_t len)
{
  return p + 3 < len && is_space (s[p]) && strncmp (s + p + 1, "-}}", 3) == 0;
}

static const struct
{
  const char *word;
  enum tok_kind kind;
} keywords[] = {
  { "if", T_IF },       { "else", T_ELSE },   { "end", T_END },     { "range", T_RANGE },
  { "with", T_WITH },   { "break", T_BREAK }, { "continue", T_CONTINUE },
  { "true", T_BOOL },   { "false", T_BOOL },  { "nil", T_NIL },
};

/* Lexes one action's inside from p; returns the offset after its `}}` and
 * whether it ended with a trim marker. */
static int
lex_action (struct lexer *l, size_t p, size_t *end, bool *trim, mk_error **err)
{
  const char *s = l->text;
  size_t len = l->len;
  size_t start = p - 2;
  for (;;)
    {
      if (p >= len)
        return lex_error (l, start, err, "unclosed action");
      if (at_right_trim (s, p, len))
        {
          *trim = true;
          *end = p + 4;
          emit (l, T_RIGHT, p + 1, 3);
          return 0;
        }
      char c = s[p];
      if (is_space (c))
        {
          p++;
          continue;
        }
      if (strncmp (s + p, "}}", 2) == 0)
        {
          *trim = false;
          *end = p + 2;
          emit (l, T_RIGHT, p, 2);
          return 0;
        }
      size_t q = p;
      switch (c)
        {
        case '|': emit (l, T_PIPE, p, 1); p++; continue;
        case '(': emit (l, T_LPAREN, p, 1); p++; continue;
        case ')': emit (l, T_RPAREN, p, 1); p++; continue;
        case ',': emit (l, T_COMMA, p, 1); p++; continue;
        case '=': emit (l, T_ASSIGN, p, 1); p++; continue;
        case ':':
          if (s[p + 1] != '=')
            return lex_error (l, p, err, "expected :=");
          emit (l, T_DECLARE, p, 2);
          p += 2;
          continue;
        case '"':
          /* A backslash escapes the next character, but not a newline: a
           * quoted string ends on its line (Go's rule). */
          for (q = p + 1; q < len && s[q] != '"' && s[q] != '\n'; q++)
            if (s[q] == '\\' && q + 1 < len && s[q + 1] != '\n')
              q++;
          if (q >= len || s[q] != '"')
            return lex_error (l, p, err, "unterminated quoted string");
          emit (l, T_STRING, p, q + 1 - p);
          p = q + 1;
          continue;
        case '`':
          for (q = p + 1; q < len && s[q] != '`'; q++)
            ;
          if (q >= len)
            return lex_error (l, p, err, "unterminated raw quoted string");
          emit (l, T_RAW_STRING, p, q + 1 - p);
          p = q + 1;
          continue;
        default:
          break;
        }
      if (c == '.' || c == '$')
        {
          /* `.`, `.A.B`, `$`, `$x`, `$x.A.B` */
          q = p + 1;
          if (c == '$')
            while (q < len && is_alnum (s[q]))
              q++;
          if (c == '.' && !(q < len && is_alnum (s[q]) && !isdigit ((unsigned char) s[q])))
            {
              emit (l, T_DOT, p, 1);
              p = q;
              continue;
            }
          if (c == '.')
            q = p;
          while (q < len && s[q] == '.' && q + 1 < len && is_alnum (s[q + 1]))
            for (q++; q < len && is_alnum (s[q]); q++)
              ;
          if (q < len && s[q] == '.' && !(q + 1 < len && is_alnum (s[q + 1])))
            return lex_error (l, q, err, "bad character in field chain");
          emit (l, c == '.' ? T_FIELD : T_VAR, p, q - p);
          p = q;
          continue;
        }
      if (isdigit ((unsigned char) c)
          || ((c == '-' || c == '+') && isdigit ((unsigned char) s[p + 1])))
        {
          q = p + 1;
          while (q < len && (isalnum ((unsigned char) s[q]) || s[q] == '.'
                             || ((s[q] == '-' || s[q] == '+')
                                 && (s[q - 1] == 'e' || s[q - 1] == 'E'))))
            q++;
          emit (l, T_NUMBER, p, q - p);
          p = q;
          continue;
        }
      if (is_alnum (c))
        {
          for (q = p; q < len && is_alnum (s[q]); q++)
            ;
          enum tok_kind kind = T_IDENT;
          for (size_t k = 0; k < ARRAY_SIZE (keywords); k++)
            if (strlen (keywords[k].word) == q - p && strncmp (s + p, keywords[k].word, q - p) == 0)
              kind = keywords[k].kind;
          emit (l, kind, p, q - p);
          p = q;
          continue;
        }
      _cleanup_free_ char *msg = xasprintf ("unexpected \"%c\" in command", c);
      return lex_error (l, p, err, msg);
    }
}

int
tmpl_lex (const char *text, struct token **out, size_t *n, mk_error **err)
{
  struct lexer l = { .text = text, .len = strlen (text) };
  size_t p = 0;
  bool trim_left = false;
  while (p <= l.len)
    {
      const char *open = strstr (text + p, "{{");
      size_t a = open ? (size_t) (open - text) : l.len;
      size_t t0 = p, t1 = a;
      bool trim_right = open && text[a + 2] == '-' && is_space (text[a + 3]);
      if (trim_left)
        while (t0 < t1 && is_space (text[t0]))
          t0++;
      if (trim_right)
        while (t1 > t0 && is_space (text[t1 - 1]))
          t1--;
      if (t1 > t0)
        emit (&l, T_TEXT, t0, t1 - t0);
      if (open == NULL)
        break;
      size_t q = a + 2 + (trim_right ? 1 : 0);
      /* a comment, with optional trim markers */
      size_t c = q;
      while (trim_right && c < l.len && is_space (text[c]))
        c++;
      if (strncmp (text + c, "/*", 2) == 0)
        {
          const char *close = strstr (text + c + 2, "*/");
          if (close == NULL)
            {
              free (l.toks);
              return lex_error (&l, a, err, "unclosed comment");
            }
          size_t e = close - text + 2;
          if (at_right_trim (text, e, l.len))
            {
              trim_left = true;
              p = e + 4;
            }
          else if (strncmp (text + e, "}}", 2) == 0)
            {
              trim_left = false;
              p = e + 2;
            }
          else
            {
              free (l.toks);
              return lex_error (&l, a, err, "comment ends before closing delimiter");
            }
          continue;
        }
      emit (&l, T_LEFT, a, 2);
      if (lex_action (&l, q, &p, &trim_left, err) < 0)
        {
          free (l.toks);
          return -1;
        }
    }
  emit (&l, T_EOF, l.len, 0);
  *out = l.toks;
  *n = l.n;
  return 0;
}
