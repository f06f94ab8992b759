/* Internals of the template engine: tokens, the parse tree, values. */
#ifndef MOCKER_TEMPLATE_INTERNAL_H
#define MOCKER_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "mocker/template/template.h"

/* Limits for hostile or mistaken templates: nesting of parentheses and
 * control blocks (the parser recurses), and the text one execution makes. */
#define TMPL_MAX_DEPTH 100
#define TMPL_MAX_OUTPUT (16 << 20)

/* ---- lexer (lexer.c) ---- */
enum tok_kind
{
  T_TEXT, T_LEFT, T_RIGHT, T_FIELD, T_DOT, T_VAR, T_IDENT, T_STRING, T_RAW_STRING,
  T_NUMBER, T_BOOL, T_NIL, T_DECLARE, T_ASSIGN, T_PIPE, T_LPAREN, T_RPAREN, T_COMMA,
  T_IF, T_ELSE, T_END, T_RANGE, T_WITH, T_BREAK, T_CONTINUE, T_EOF,
};

struct token
{
  enum tok_kind kind;
  size_t pos; /* byte offset in the template text */
  size_t len; /* for T_TEXT: bytes kept after trimming */
};

/* Splits text into tokens (ending with T_EOF). Fails with a parse error. */
int tmpl_lex (const char *text, struct token **out, size_t *n, mk_error **err);

/* ---- tree (parser.c) ---- */
enum node_kind
{
  N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH, N_BREAK, N_CONTINUE,
  N_FIELD, N_VAR, N_DOT, N_STRING, N_NUMBER, N_BOOL, N_NIL, N_FUNC, N_PIPE,
};

struct tfunc;
struct pipe;

struct list
{
  struct node **nodes;
  size_t n;
};

struct node
{
  enum node_kind kind;
  size_t pos, len;        /* source text, for error messages */
  char *str;              /* N_TEXT, N_STRING (unquoted); N_VAR: "$name" */
  size_t str_len;
  char **fields;          /* N_FIELD, N_VAR: the chain after it */
  size_t n_fields;
  bool is_int;            /* N_NUMBER */
  long long i;
  double d;
  bool b;                 /* N_BOOL */
  const struct tfunc *fn; /* N_FUNC */
  struct pipe *pipe;      /* N_ACTION, N_IF, N_RANGE, N_WITH, N_PIPE */
  struct list list, else_list;
};

struct cmd
{
  struct node **args;
  size_t n;
};

struct pipe
{
  size_t pos;
  char **decl; /* variable names ("$x") declared or assigned */
  size_t n_decl;
  bool assign; /* `=` rather than `:=` */
  struct cmd *cmds;
  size_t n;
};

/* ---- values (value.c) ---- */
enum tv_kind
{
  TV_MISSING, /* index of an absent key: prints as "" */
  TV_NULL, TV_STR, TV_INT, TV_FLOAT, TV_BOOL,
  TV_JSON,    /* a yajl object or array */
  TV_LIST,    /* strings made by split */
};

struct tv
{
  enum tv_kind kind;
  const char *s;
  long long i;
  double d;
  bool b;
  yajl_val j;
  const char **strv;
  size_t n;
};

struct buf
{
  char *p;
  size_t len, cap;
};
void buf_add (struct buf *b, const char *s, size_t n);
void buf_adds (struct buf *b, const char *s);
void buf_addc (struct buf *b, char c);
void buf_printf (struct buf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Allocations that live for one tmpl_exec call. */
struct arena
{
  void **p;
  size_t n, cap;
};
void *arena_alloc (struct arena *a, size_t size);
char *arena_strndup (struct arena *a, const char *s, size_t n);
void arena_reset (struct arena *a);

struct tv tv_from_json (yajl_val v);
struct tv tv_str (const char *s);
bool tv_truth (const struct tv *v);
/* Go's fmt %v of the value. */
void tv_print (struct buf *b, const struct tv *v);
/* Go's type name, for errors ("string", "map[string]interface {}"...). */
const char *tv_type_name (const struct tv *v);
/* The value as text (its %v when not a string), in the arena. */
const char *tv_to_str (struct arena *a, const struct tv *v);

/* ---- execution (exec.c) and functions (funcs.c) ---- */
struct var
{
  const char *name;
  struct tv v;
};

struct exec
{
  struct tmpl *t;
  struct buf *out;
  struct arena *arena;
  struct var *vars;
  size_t n_vars, cap_vars;
  mk_error **err;
  bool header;
};

/* Fails the execution with Go's "executing" message at node n. */
int tmpl_exec_error (struct exec *x, const struct node *n, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

typedef int (*tfunc_fn) (struct exec *x, const struct node *at, struct tv *args, size_t n,
                         struct tv *out);
struct tfunc
{
  const char *name;
  tfunc_fn fn;
  int min_args, max_args; /* max -1: any */
  bool header_identity;   /* header mode returns the first argument */
  bool lazy;              /* and, or: arguments evaluated by the caller one by one */
};
const struct tfunc *tmpl_func_lookup (const char *name, size_t len);

struct tmethod
{
  char *name;
  tmpl_method_fn fn;
  void *opaque;
};

struct tmpl
{
  char *text;
  struct tmethod *methods;
  size_t n_methods;
  struct list root;
  bool header;
  struct buf out;
  struct arena arena;
  struct var *vars;
  size_t cap_vars;
};

int tmpl_parse_tokens (struct tmpl *t, const struct token *toks, size_t n, mk_error **err);
void tmpl_list_free (struct list *l);
/* Line number (1-based) of a byte offset, for errors. */
size_t tmpl_line_of (const char *text, size_t pos);

#endif
