/* The template parser: tokens to a tree of lists, actions and control
 * nodes (if / range / with, each with an else list; `else if` nests an if
 * in the else list). Function names are resolved here, as Go does
 * ("function \"x\" not defined" is a parse error). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/template/internal.h"

struct parser
{
  const char *text;
  const struct token *toks;
  size_t n, i;
  int range_depth;
  int depth; /* parentheses and control blocks open */
  mk_error **err;
};

static int
parse_error (struct parser *p, size_t pos, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
parse_error (struct parser *p, size_t pos, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  /* Quoted template text (a raw string may hold a newline): one line. */
  for (char *c = msg; *c; c++)
    if (*c == '\n' || *c == '\r')
      *c = ' ';
  return mk_error_set (p->err, 0, "template parsing error: template: :%zu: %s",
                       tmpl_line_of (p->text, pos), msg);
}

static const struct token *
peek (struct parser *p)
{
  return &p->toks[p->i];
}

static const struct token *
next (struct parser *p)
{
  const struct token *t = &p->toks[p->i];
  if (t->kind != T_EOF)
    p->i++;
  return t;
}

static void
list_add (struct list *l, struct node *n)
{
  l->nodes = xrealloc (l->nodes, (l->n + 1) * sizeof *l->nodes);
  l->nodes[l->n++] = n;
}

static struct node *
node_new (enum node_kind kind, const struct token *t)
{
  struct node *n = xzalloc (sizeof *n);
  n->kind = kind;
  n->pos = t->pos;
  n->len = t->len;
  return n;
}

static void pipe_free (struct pipe *pp);

static void
node_free (struct node *n)
{
  if (n == NULL)
    return;
  free (n->str);
  for (size_t i = 0; i < n->n_fields; i++)
    free (n->fields[i]);
  free (n->fields);
  pipe_free (n->pipe);
  tmpl_list_free (&n->list);
  tmpl_list_free (&n->else_list);
  free (n);
}

void
tmpl_list_free (struct list *l)
{
  for (size_t i = 0; i < l->n; i++)
    node_free (l->nodes[i]);
  free (l->nodes);
  l->nodes = NULL;
  l->n = 0;
}

static void
pipe_free (struct pipe *pp)
{
  if (pp == NULL)
    return;
  for (size_t i = 0; i < pp->n_decl; i++)
    free (pp->decl[i]);
  free (pp->decl);
  for (size_t i = 0; i < pp->n; i++)
    {
      for (size_t j = 0; j < pp->cmds[i].n; j++)
        node_free (pp->cmds[i].args[j]);
      free (pp->cmds[i].args);
    }
  free (pp->cmds);
  free (pp);
}

/* "a.b.c" (after the leading . or $name) into fields. */
static void
split_chain (struct node *n, const char *s, size_t len)
{
  size_t i = 0;
  while (i < len)
    {
      if (s[i] == '.')
        i++;
      size_t j = i;
      while (j < len && s[j] != '.')
        j++;
      n->fields = xrealloc (n->fields, (n->n_fields + 1) * sizeof *n->fields);
      n->fields[n->n_fields++] = xstrndup (s + i, j - i);
      i = j;
    }
}

/* Go's quoted string: \" \\ \n \t \r \a \b \f \v \xHH \uHHHH (ASCII) and \NNN. */
static int
unquote (struct parser *p, const struct token *t, struct node *n)
{
  const char *s = p->text + t->pos + 1;
  size_t len = t->len - 2;
  char *out = xmalloc (len + 1);
  size_t o = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] != '\\')
        {
          out[o++] = s[i];
          continue;
        }
      char c = s[++i];
      switch (c)
        {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case 'r': out[o++] = '\r'; break;
        case 'a': out[o++] = '\a'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'v': out[o++] = '\v'; break;
        case '\\': out[o++] = '\\'; break;
        case '"': out[o++] = '"'; break;
        case 'x':
          if (i + 2 < len + 1)
            {
              char hex[3] = { s[i + 1], s[i + 2], 0 };
              char *end;
              long v = strtol (hex, &end, 16);
              if (*end == '\0' && hex[0] && hex[1])
                {
                  out[o++] = (char) v;
                  i += 2;
                  break;
                }
            }
          /* fall through */
        default:
          free (out);
          return parse_error (p, t->pos, "invalid syntax in quoted string %.*s", (int) t->len,
                              p->text + t->pos);
        }
    }
  out[o] = '\0';
  n->str = out;
  n->str_len = o;
  return 0;
}

static struct pipe *parse_pipe (struct parser *p, enum tok_kind end, bool allow_decl);

static struct node *
parse_operand (struct parser *p)
{
  const struct token *t = next (p);
  struct node *n = NULL;
  switch (t->kind)
    {
    case T_DOT:
      return node_new (N_DOT, t);
    case T_NIL:
      return node_new (N_NIL, t);
    case T_BOOL:
      n = node_new (N_BOOL, t);
      n->b = p->text[t->pos] == 't';
      return n;
    case T_FIELD:
      n = node_new (N_FIELD, t);
      split_chain (n, p->text + t->pos, t->len);
      return n;
    case T_VAR:
      {
        n = node_new (N_VAR, t);
        const char *s = p->text + t->pos;
        size_t name_len = 1;
        while (name_len < t->len && s[name_len] != '.')
          name_len++;
        n->str = xstrndup (s, name_len);
        split_chain (n, s + name_len, t->len - name_len);
        return n;
      }
    case T_STRING:
      n = node_new (N_STRING, t);
      if (unquote (p, t, n) < 0)
        {
          node_free (n);
          return NULL;
        }
      return n;
    case T_RAW_STRING:
      n = node_new (N_STRING, t);
      n->str = xstrndup (p->text + t->pos + 1, t->len - 2);
      n->str_len = t->len - 2;
      return n;
    case T_NUMBER:
      {
        n = node_new (N_NUMBER, t);
        _cleanup_free_ char *s = xstrndup (p->text + t->pos, t->len);
        char *end;
        errno = 0;
        long long v = strtoll (s, &end, 0);
        if (*end == '\0' && errno == 0)
          {
            n->is_int = true;
            n->i = v;
            n->d = (double) v;
            return n;
          }
        errno = 0;
        n->d = strtod (s, &end);
        if (*end != '\0' || errno != 0)
          {
            node_free (n);
            parse_error (p, t->pos, "bad number syntax: \"%s\"", s);
            return NULL;
          }
        return n;
      }
    case T_IDENT:
      n = node_new (N_FUNC, t);
      n->fn = tmpl_func_lookup (p->text + t->pos, t->len);
      if (n->fn == NULL)
        {
          parse_error (p, t->pos, "function \"%.*s\" not defined", (int) t->len,
                       p->text + t->pos);
          node_free (n);
          return NULL;
        }
      return n;
    case T_LPAREN:
      if (p->depth >= TMPL_MAX_DEPTH)
        {
          parse_error (p, t->pos, "nested deeper than %d levels", TMPL_MAX_DEPTH);
          return NULL;
        }
      n = node_new (N_PIPE, t);
      p->depth++;
      n->pipe = parse_pipe (p, T_RPAREN, false);
      p->depth--;
      if (n->pipe == NULL)
        {
          node_free (n);
          return NULL;
        }
      n->len = p->toks[p->i - 1].pos + 1 - t->pos;
      if (peek (p)->kind == T_FIELD && peek (p)->pos == t->pos + n->len)
        {
          /* (pipeline).Field.Chain */
          const struct token *f = next (p);
          split_chain (n, p->text + f->pos, f->len);
          n->len += f->len;
        }
      return n;
    case T_EOF:
      parse_error (p, t->pos, "unclosed action");
      return NULL;
    default:
      parse_error (p, t->pos, "unexpected \"%.*s\" in operand", (int) t->len, p->text + t->pos);
      return NULL;
    }
}

/* Commands separated by `|` up to the end token (consumed). */
static struct pipe *
parse_pipe (struct parser *p, enum tok_kind end, bool allow_decl)
{
  struct pipe *pp = xzalloc (sizeof *pp);
  pp->pos = peek (p)->pos;
  /* declarations: $x := ..., $i, $e := ..., $x = ... */
  if (allow_decl && peek (p)->kind == T_VAR)
    {
      size_t save = p->i;
      char *names[2] = { NULL, NULL };
      size_t nn = 0;
      for (;;)
        {
          const struct token *v = next (p);
          if (v->kind != T_VAR || memchr (p->text + v->pos, '.', v->len) || nn == 2)
            break;
          names[nn++] = xstrndup (p->text + v->pos, v->len);
          if (peek (p)->kind == T_COMMA)
            {
              next (p);
              continue;
            }
          if (peek (p)->kind == T_DECLARE || peek (p)->kind == T_ASSIGN)
            {
              pp->assign = next (p)->kind == T_ASSIGN;
              pp->decl = xmalloc (nn * sizeof *pp->decl);
              memcpy (pp->decl, names, nn * sizeof *names);
              pp->n_decl = nn;
              nn = 0;
            }
          break;
        }
      for (size_t k = 0; k < nn; k++)
        free (names[k]);
      if (pp->n_decl == 0)
        p->i = save;
    }
  for (;;)
    {
      pp->cmds = xrealloc (pp->cmds, (pp->n + 1) * sizeof *pp->cmds);
      struct cmd *c = &pp->cmds[pp->n++];
      *c = (struct cmd) { 0 };
      for (;;)
        {
          enum tok_kind k = peek (p)->kind;
          if (k == end || k == T_PIPE)
            break;
          if (k == T_RIGHT || k == T_RPAREN || k == T_EOF)
            {
              parse_error (p, peek (p)->pos, k == T_EOF ? "unclosed action"
                                             : "unexpected \"%.*s\" in operand",
                           (int) peek (p)->len, p->text + peek (p)->pos);
              pipe_free (pp);
              return NULL;
            }
          struct node *arg = parse_operand (p);
          if (arg == NULL)
            {
              pipe_free (pp);
              return NULL;
            }
          c->args = xrealloc (c->args, (c->n + 1) * sizeof *c->args);
          c->args[c->n++] = arg;
        }
      if (c->n == 0)
        {
          parse_error (p, peek (p)->pos, pp->n == 1 && pp->n_decl == 0 ? "missing value for command"
                                                                      : "missing command");
          pipe_free (pp);
          return NULL;
        }
      if (next (p)->kind == end)
        break;
    }
  return pp;
}

/* Parses nodes until {{end}} or {{else}} (returned in *stop, consumed up
 * to its keyword) or the end of input. */
static int parse_list (struct parser *p, struct list *l, enum tok_kind *stop, size_t *stop_pos);

static struct node *parse_control_in (struct parser *p, enum node_kind kind,
                                      const struct token *kw);

static struct node *
parse_control (struct parser *p, enum node_kind kind, const struct token *kw)
{
  if (p->depth >= TMPL_MAX_DEPTH)
    {
      parse_error (p, kw->pos, "nested deeper than %d levels", TMPL_MAX_DEPTH);
      return NULL;
    }
  p->depth++;
  struct node *n = parse_control_in (p, kind, kw);
  p->depth--;
  return n;
}

static struct node *
parse_control_in (struct parser *p, enum node_kind kind, const struct token *kw)
{
  struct node *n = node_new (kind, kw);
  if (kind == N_RANGE)
    p->range_depth++;
  n->pipe = parse_pipe (p, T_RIGHT, true);
  enum tok_kind stop;
  size_t stop_pos;
  if (n->pipe == NULL || parse_list (p, &n->list, &stop, &stop_pos) < 0)
    goto fail;
  if (kind == N_RANGE)
    p->range_depth--;
  if (stop == T_EOF)
    {
      parse_error (p, stop_pos, "unexpected EOF");
      goto fail_nodepth;
    }
  if (stop == T_ELSE)
    {
      /* {{else if ...}} / {{else with ...}}: a nested control ending at our {{end}} */
      enum tok_kind k = peek (p)->kind;
      if ((k == T_IF && kind == N_IF) || (k == T_WITH && kind == N_WITH))
        {
          const struct token *kw2 = next (p);
          struct node *inner = parse_control (p, kind, kw2);
          if (inner == NULL)
            goto fail_nodepth;
          list_add (&n->else_list, inner);
          return n;
        }
      if (next (p)->kind != T_RIGHT)
        {
          parse_error (p, stop_pos, "unexpected token in else");
          goto fail_nodepth;
        }
      if (parse_list (p, &n->else_list, &stop, &stop_pos) < 0)
        goto fail_nodepth;
      if (stop != T_END)
        {
          parse_error (p, stop_pos, stop == T_EOF ? "unexpected EOF" : "expected end; found {{else}}");
          goto fail_nodepth;
        }
    }
  if (next (p)->kind != T_RIGHT)
    {
      parse_error (p, stop_pos, "unexpected token in end");
      goto fail_nodepth;
    }
  return n;
fail:
  if (kind == N_RANGE)
    p->range_depth--;
fail_nodepth:
  node_free (n);
  return NULL;
}

static int
parse_list (struct parser *p, struct list *l, enum tok_kind *stop, size_t *stop_pos)
{
  for (;;)
    {
      const struct token *t = next (p);
      if (t->kind == T_EOF)
        {
          *stop = T_EOF;
          *stop_pos = t->pos;
          return 0;
        }
      if (t->kind == T_TEXT)
        {
          struct node *n = node_new (N_TEXT, t);
          n->str = xstrndup (p->text + t->pos, t->len);
          n->str_len = t->len;
          list_add (l, n);
          continue;
        }
      /* T_LEFT */
      const struct token *kw = peek (p);
      struct node *n = NULL;
      switch (kw->kind)
        {
        case T_END:
        case T_ELSE:
          next (p);
          *stop = kw->kind;
          *stop_pos = kw->pos;
          return 0;
        case T_IF:
          next (p);
          n = parse_control (p, N_IF, kw);
          break;
        case T_RANGE:
          next (p);
          n = parse_control (p, N_RANGE, kw);
          break;
        case T_WITH:
          next (p);
          n = parse_control (p, N_WITH, kw);
          break;
        case T_BREAK:
        case T_CONTINUE:
          next (p);
          if (p->range_depth == 0)
            return parse_error (p, kw->pos, "{{%s}} outside {{range}}",
                                kw->kind == T_BREAK ? "break" : "continue");
          if (next (p)->kind != T_RIGHT)
            return parse_error (p, kw->pos, "unexpected token in {{%s}}",
                                kw->kind == T_BREAK ? "break" : "continue");
          n = node_new (kw->kind == T_BREAK ? N_BREAK : N_CONTINUE, kw);
          break;
        default:
          n = node_new (N_ACTION, kw);
          n->pipe = parse_pipe (p, T_RIGHT, true);
          if (n->pipe == NULL)
            {
              node_free (n);
              n = NULL;
            }
          break;
        }
      if (n == NULL)
        return -1;
      list_add (l, n);
    }
}

int
tmpl_parse_tokens (struct tmpl *t, const struct token *toks, size_t n, mk_error **err)
{
  struct parser p = { .text = t->text, .toks = toks, .n = n, .err = err };
  enum tok_kind stop;
  size_t stop_pos;
  if (parse_list (&p, &t->root, &stop, &stop_pos) < 0)
    return -1;
  if (stop != T_EOF)
    return parse_error (&p, stop_pos, "unexpected {{%s}}", stop == T_END ? "end" : "else");
  return 0;
}
