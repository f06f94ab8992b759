/* The template evaluator: walks the tree over a yajl value. Errors read as
 * Go's: template: :LINE:COL: executing "" at <NODE>: WHY. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/template/internal.h"

enum flow
{
  FLOW_ERROR = -1,
  FLOW_NEXT = 0,
  FLOW_BREAK,
  FLOW_CONTINUE,
};

int
tmpl_exec_error (struct exec *x, const struct node *n, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  const char *text = x->t->text;
  size_t col = n->pos;
  for (size_t i = 0; i < n->pos; i++)
    if (text[i] == '\n')
      col = n->pos - i - 1;
  return mk_error_set (x->err, 0, "template: :%zu:%zu: executing \"\" at <%.*s>: %s",
                       tmpl_line_of (text, n->pos), col, (int) n->len, text + n->pos, msg);
}

static void
var_push (struct exec *x, const char *name, struct tv v)
{
  if (x->n_vars == x->cap_vars)
    {
      x->cap_vars = x->cap_vars ? x->cap_vars * 2 : 16;
      x->vars = xrealloc (x->vars, x->cap_vars * sizeof *x->vars);
    }
  x->vars[x->n_vars++] = (struct var) { name, v };
}

static struct var *
var_find (struct exec *x, const char *name)
{
  for (size_t i = x->n_vars; i-- > 0;)
    if (strcmp (x->vars[i].name, name) == 0)
      return &x->vars[i];
  return NULL;
}

/* .A.B on v. */
static int
walk_fields (struct exec *x, const struct node *n, struct tv v, struct tv *out)
{
  for (size_t i = 0; i < n->n_fields; i++)
    {
      const char *f = n->fields[i];
      if (v.kind == TV_JSON && YAJL_IS_OBJECT (v.j))
        {
          yajl_val child = json_get (v.j, f);
          bool present = false;
          for (size_t k = 0; k < v.j->u.object.len && !present; k++)
            present = strcmp (v.j->u.object.keys[k], f) == 0;
          if (!present)
            return tmpl_exec_error (x, n, "map has no entry for key \"%s\"", f);
          v = tv_from_json (child);
          continue;
        }
      if (v.kind == TV_NULL || v.kind == TV_MISSING)
        return tmpl_exec_error (x, n, "nil pointer evaluating interface {}.%s", f);
      return tmpl_exec_error (x, n, "can't evaluate field %s in type %s", f, tv_type_name (&v));
    }
  *out = v;
  return 0;
}

static int eval_pipe (struct exec *x, const struct pipe *pp, struct tv dot, struct tv *out);

static int call_func (struct exec *x, const struct node *fn_node, struct node *const *args,
                      size_t n, struct tv dot, const struct tv *final, struct tv *out);

static int
eval_arg (struct exec *x, const struct node *n, struct tv dot, struct tv *out)
{
  switch (n->kind)
    {
    case N_DOT: *out = dot; return 0;
    case N_NIL: *out = (struct tv) { .kind = TV_NULL }; return 0;
    case N_BOOL: *out = (struct tv) { .kind = TV_BOOL, .b = n->b }; return 0;
    case N_STRING: *out = tv_str (n->str); return 0;
    case N_NUMBER:
      *out = n->is_int ? (struct tv) { .kind = TV_INT, .i = n->i, .d = n->d }
                       : (struct tv) { .kind = TV_FLOAT, .d = n->d };
      return 0;
    case N_FIELD: return walk_fields (x, n, dot, out);
    case N_VAR:
      {
        struct var *v = var_find (x, n->str);
        if (v == NULL)
          return tmpl_exec_error (x, n, "undefined variable \"%s\"", n->str);
        return walk_fields (x, n, v->v, out);
      }
    case N_PIPE:
      {
        struct tv v;
        if (eval_pipe (x, n->pipe, dot, &v) < 0)
          return -1;
        return walk_fields (x, n, v, out); /* (pipeline).Field */
      }
    case N_FUNC: return call_func (x, n, NULL, 0, dot, NULL, out);
    default: return tmpl_exec_error (x, n, "can't evaluate this node");
    }
}

#define MAX_ARGS 16

static int
call_func (struct exec *x, const struct node *fn_node, struct node *const *args, size_t n,
           struct tv dot, const struct tv *final, struct tv *out)
{
  const struct tfunc *f = fn_node->fn;
  size_t total = n + (final ? 1 : 0);
  if ((int) total < f->min_args || (f->max_args >= 0 && (int) total > f->max_args))
    {
      if (f->min_args == f->max_args)
        return tmpl_exec_error (x, fn_node, "wrong number of args for %s: want %d got %zu",
                                f->name, f->min_args, total);
      return tmpl_exec_error (x, fn_node, "wrong number of args for %s: want at least %d got %zu",
                              f->name, f->min_args, total);
    }
  if (total > MAX_ARGS)
    return tmpl_exec_error (x, fn_node, "too many arguments for %s", f->name);
  if (f->lazy)
    {
      /* and / or: stop at the first argument that decides */
      bool is_and = strcmp (f->name, "and") == 0;
      struct tv v = { 0 };
      for (size_t i = 0; i < total; i++)
        {
          if (i < n)
            {
              if (eval_arg (x, args[i], dot, &v) < 0)
                return -1;
            }
          else
            v = *final;
          if (tv_truth (&v) != is_and)
            break;
        }
      *out = v;
      return 0;
    }
  struct tv vals[MAX_ARGS];
  for (size_t i = 0; i < n; i++)
    if (eval_arg (x, args[i], dot, &vals[i]) < 0)
      return -1;
  if (final)
    vals[n] = *final;
  if (x->header && f->header_identity)
    {
      *out = vals[0];
      return 0;
    }
  if (f->fn (x, fn_node, vals, total, out) < 0)
    return -1;
  /* A string a function made is held to the output's limit too: values that
   * feed themselves ({{$ := printf "%v %v" $ $}}) grow without bound. */
  if (out->kind == TV_STR && out->s && strlen (out->s) > TMPL_MAX_OUTPUT)
    return tmpl_exec_error (x, fn_node, "%s: result longer than %d MiB", f->name,
                            TMPL_MAX_OUTPUT >> 20);
  return 0;
}

static const struct tmethod *
method_of (const struct exec *x, const struct node *n)
{
  if ((n->kind != N_FIELD && n->kind != N_VAR) || n->n_fields == 0)
    return NULL;
  for (size_t i = 0; i < x->t->n_methods; i++)
    if (strcmp (x->t->methods[i].name, n->fields[n->n_fields - 1]) == 0)
      return &x->t->methods[i];
  return NULL;
}

/* `.Name ARG...`: a method the caller registered (tmpl_add_method). */
static int
call_method (struct exec *x, const struct tmethod *m, const struct cmd *c, struct tv dot,
             const struct tv *final, struct tv *out)
{
  const struct node *first = c->args[0];
  size_t n = c->n - 1 + (final ? 1 : 0);
  if (n > MAX_ARGS)
    return tmpl_exec_error (x, first, "too many arguments for %s", m->name);
  const char *args[MAX_ARGS];
  for (size_t i = 1; i < c->n; i++)
    {
      struct tv v;
      if (eval_arg (x, c->args[i], dot, &v) < 0)
        return -1;
      args[i - 1] = tv_to_str (x->arena, &v);
    }
  if (final)
    args[n - 1] = tv_to_str (x->arena, final);
  _cleanup_error_ mk_error *e = NULL;
  char *text = m->fn (args, n, x->header, m->opaque, &e);
  if (text == NULL)
    return tmpl_exec_error (x, first, "error calling %s: %s", m->name,
                            e && e->msg ? e->msg : "failed");
  *out = tv_str (arena_strndup (x->arena, text, strlen (text)));
  free (text);
  return 0;
}

static int
eval_cmd (struct exec *x, const struct cmd *c, struct tv dot, const struct tv *final,
          struct tv *out)
{
  const struct node *first = c->args[0];
  if (first->kind == N_FUNC)
    return call_func (x, first, c->args + 1, c->n - 1, dot, final, out);
  const struct tmethod *m = (c->n > 1 || final) ? method_of (x, first) : NULL;
  if (m)
    return call_method (x, m, c, dot, final, out);
  if (c->n > 1 || final)
    return tmpl_exec_error (x, c->n > 1 ? c->args[1] : first,
                            "can't give argument to non-function %.*s", (int) first->len,
                            x->t->text + first->pos);
  return eval_arg (x, first, dot, out);
}

static int
eval_pipe_value (struct exec *x, const struct pipe *pp, struct tv dot, struct tv *out)
{
  struct tv v = { 0 };
  for (size_t i = 0; i < pp->n; i++)
    {
      struct tv prev = v;
      if (eval_cmd (x, &pp->cmds[i], dot, i ? &prev : NULL, &v) < 0)
        return -1;
    }
  *out = v;
  return 0;
}

/* A pipeline with its declarations ($x := / $x =). */
static int
eval_pipe (struct exec *x, const struct pipe *pp, struct tv dot, struct tv *out)
{
  if (eval_pipe_value (x, pp, dot, out) < 0)
    return -1;
  for (size_t i = 0; i < pp->n_decl; i++)
    {
      if (pp->assign)
        {
          struct var *v = var_find (x, pp->decl[i]);
          if (v == NULL)
            return mk_error_set (x->err, 0, "template: :%zu: undefined variable \"%s\"",
                                 tmpl_line_of (x->t->text, pp->pos), pp->decl[i]);
          v->v = *out;
        }
      else
        var_push (x, pp->decl[i], *out);
    }
  return 0;
}

static enum flow exec_list (struct exec *x, const struct list *l, struct tv dot);

static int
cmp_keys (const void *a, const void *b)
{
  const char *const *p = a, *const *q = b;
  return strcmp (*p, *q);
}

static enum flow
exec_range (struct exec *x, const struct node *n, struct tv dot)
{
  struct tv v;
  if (eval_pipe_value (x, n->pipe, dot, &v) < 0)
    return FLOW_ERROR;
  size_t count = 0;
  const char **keys = NULL;
  if (v.kind == TV_LIST)
    count = v.n;
  else if (v.kind == TV_JSON && YAJL_IS_ARRAY (v.j))
    count = v.j->u.array.len;
  else if (v.kind == TV_JSON)
    {
      count = v.j->u.object.len;
      keys = arena_alloc (x->arena, count * sizeof *keys);
      memcpy (keys, v.j->u.object.keys, count * sizeof *keys);
      qsort (keys, count, sizeof *keys, cmp_keys);
    }
  else if (v.kind != TV_NULL && v.kind != TV_MISSING)
    {
      const struct cmd *last = &n->pipe->cmds[n->pipe->n - 1];
      tmpl_exec_error (x, last->args[0], "range can't iterate over %s", tv_to_str (x->arena, &v));
      return FLOW_ERROR;
    }
  size_t mark = x->n_vars;
  if (count == 0)
    {
      enum flow f = exec_list (x, &n->else_list, dot);
      x->n_vars = mark;
      return f;
    }
  for (size_t i = 0; i < count; i++)
    {
      struct tv key, elem;
      if (v.kind == TV_LIST)
        {
          key = (struct tv) { .kind = TV_INT, .i = (long long) i, .d = (double) i };
          elem = tv_str (v.strv[i]);
        }
      else if (keys)
        {
          key = tv_str (keys[i]);
          elem = tv_from_json (json_get (v.j, keys[i]));
        }
      else
        {
          key = (struct tv) { .kind = TV_INT, .i = (long long) i, .d = (double) i };
          elem = tv_from_json (v.j->u.array.values[i]);
        }
      x->n_vars = mark;
      if (n->pipe->n_decl == 1)
        var_push (x, n->pipe->decl[0], elem);
      else if (n->pipe->n_decl == 2)
        {
          var_push (x, n->pipe->decl[0], key);
          var_push (x, n->pipe->decl[1], elem);
        }
      enum flow f = exec_list (x, &n->list, elem);
      if (f == FLOW_ERROR)
        return f;
      if (f == FLOW_BREAK)
        break;
    }
  x->n_vars = mark;
  return FLOW_NEXT;
}

static enum flow
exec_node (struct exec *x, const struct node *n, struct tv dot)
{
  struct tv v;
  size_t mark = x->n_vars;
  enum flow f;
  if (x->out->len > TMPL_MAX_OUTPUT)
    {
      tmpl_exec_error (x, n, "output longer than %d MiB", TMPL_MAX_OUTPUT >> 20);
      return FLOW_ERROR;
    }
  switch (n->kind)
    {
    case N_TEXT:
      buf_add (x->out, n->str, n->str_len);
      return FLOW_NEXT;
    case N_ACTION:
      if (eval_pipe (x, n->pipe, dot, &v) < 0)
        return FLOW_ERROR;
      if (n->pipe->n_decl == 0)
        tv_print (x->out, &v);
      return FLOW_NEXT;
    case N_IF:
    case N_WITH:
      if (eval_pipe (x, n->pipe, dot, &v) < 0)
        return FLOW_ERROR;
      if (tv_truth (&v))
        f = exec_list (x, &n->list, n->kind == N_WITH ? v : dot);
      else
        f = exec_list (x, &n->else_list, dot);
      x->n_vars = mark;
      return f;
    case N_RANGE:
      return exec_range (x, n, dot);
    case N_BREAK:
      return FLOW_BREAK;
    case N_CONTINUE:
      return FLOW_CONTINUE;
    default:
      tmpl_exec_error (x, n, "unexpected node");
      return FLOW_ERROR;
    }
}

static enum flow
exec_list (struct exec *x, const struct list *l, struct tv dot)
{
  for (size_t i = 0; i < l->n; i++)
    {
      enum flow f = exec_node (x, l->nodes[i], dot);
      if (f != FLOW_NEXT)
        return f;
    }
  return FLOW_NEXT;
}

struct tmpl *
tmpl_parse (const char *text, mk_error **err)
{
  struct tmpl *t = xzalloc (sizeof *t);
  t->text = xstrdup (text);
  _cleanup_free_ struct token *toks = NULL;
  size_t n;
  if (tmpl_lex (t->text, &toks, &n, err) < 0 || tmpl_parse_tokens (t, toks, n, err) < 0)
    {
      tmpl_free (t);
      return NULL;
    }
  return t;
}

void
tmpl_free (struct tmpl *t)
{
  if (t == NULL)
    return;
  tmpl_list_free (&t->root);
  for (size_t i = 0; i < t->n_methods; i++)
    {
      free (t->methods[i].name);
    }
  free (t->methods);
  free (t->text);
  free (t->out.p);
  arena_reset (&t->arena);
  free (t->arena.p);
  free (t->vars);
  free (t);
}

void
tmpl_add_method (struct tmpl *t, const char *name, tmpl_method_fn fn, void *opaque)
{
  t->methods = xrealloc (t->methods, (t->n_methods + 1) * sizeof *t->methods);
  t->methods[t->n_methods++] = (struct tmethod) { xstrdup (name), fn, opaque };
}

void
cleanup_tmplp (struct tmpl **t)
{
  tmpl_free (*t);
  *t = NULL;
}

void
tmpl_set_header_mode (struct tmpl *t, bool on)
{
  t->header = on;
}

const char *
tmpl_exec (struct tmpl *t, yajl_val data, size_t *len, mk_error **err)
{
  t->out.len = 0;
  buf_add (&t->out, "", 0);
  arena_reset (&t->arena);
  struct exec x = {
    .t = t, .out = &t->out, .arena = &t->arena, .vars = t->vars, .cap_vars = t->cap_vars,
    .err = err, .header = t->header,
  };
  struct tv root = tv_from_json (data);
  var_push (&x, "$", root);
  enum flow f = exec_list (&x, &t->root, root);
  t->vars = x.vars;
  t->cap_vars = x.cap_vars;
  if (f == FLOW_ERROR)
    return NULL;
  if (len)
    *len = t->out.len;
  return t->out.p;
}

int
tmpl_exec_file (struct tmpl *t, yajl_val data, FILE *out, mk_error **err)
{
  size_t len;
  const char *s = tmpl_exec (t, data, &len, err);
  if (s == NULL)
    return -1;
  fwrite (s, 1, len, out);
  return 0;
}

static bool
list_uses_field (const struct list *l, const char *name);

static bool
pipe_uses_field (const struct pipe *pp, const char *name)
{
  for (size_t i = 0; pp && i < pp->n; i++)
    for (size_t j = 0; j < pp->cmds[i].n; j++)
      {
        const struct node *a = pp->cmds[i].args[j];
        for (size_t k = 0; k < a->n_fields; k++)
          if (strcmp (a->fields[k], name) == 0)
            return true;
        if (a->kind == N_PIPE && pipe_uses_field (a->pipe, name))
          return true;
      }
  return false;
}

static bool
list_uses_field (const struct list *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    {
      const struct node *n = l->nodes[i];
      if (pipe_uses_field (n->pipe, name) || list_uses_field (&n->list, name)
          || list_uses_field (&n->else_list, name))
        return true;
    }
  return false;
}

bool
tmpl_uses_field (const struct tmpl *t, const char *name)
{
  return list_uses_field (&t->root, name);
}
