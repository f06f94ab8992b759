/* The template functions: Go's builtins (and or not eq ne lt le gt ge len
 * index print printf println) and Docker's (json join split lower upper
 * title truncate pad). and/or are evaluated lazily by exec.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/template/internal.h"

static int
fn_not (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) x, (void) at, (void) n;
  *out = (struct tv) { .kind = TV_BOOL, .b = !tv_truth (&a[0]) };
  return 0;
}

static bool
is_num (const struct tv *v)
{
  return v->kind == TV_INT || v->kind == TV_FLOAT;
}

/* <0, 0, >0; -2 with an error when the two cannot be compared. */
static int
compare (struct exec *x, const struct node *at, const struct tv *a, const struct tv *b,
         bool ordered, int *res)
{
  if (is_num (a) && is_num (b))
    {
      if (a->kind == TV_INT && b->kind == TV_INT)
        *res = a->i < b->i ? -1 : a->i > b->i;
      else
        *res = a->d < b->d ? -1 : a->d > b->d;
      return 0;
    }
  if (a->kind == TV_STR && b->kind == TV_STR)
    {
      *res = strcmp (a->s, b->s);
      return 0;
    }
  if (!ordered)
    {
      bool anil = a->kind == TV_NULL || a->kind == TV_MISSING;
      bool bnil = b->kind == TV_NULL || b->kind == TV_MISSING;
      if (a->kind == TV_BOOL && b->kind == TV_BOOL)
        {
          *res = a->b != b->b;
          return 0;
        }
      if (anil || bnil)
        {
          *res = !(anil && bnil);
          return 0;
        }
      if (a->kind == b->kind && a->kind != TV_JSON && a->kind != TV_LIST)
        {
          *res = 1;
          return 0;
        }
      if (a->kind == TV_JSON || a->kind == TV_LIST)
        return tmpl_exec_error (x, at, "error calling eq: non-comparable type %s",
                                tv_type_name (a));
      return tmpl_exec_error (x, at, "error calling eq: incompatible types for comparison");
    }
  return tmpl_exec_error (x, at, "error calling %s: %s", x->t->text[at->pos] == 'l' ? "lt" : "gt",
                          a->kind == b->kind ? "invalid type for comparison"
                                             : "incompatible types for comparison");
}

static int
fn_eq (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  bool eq = false;
  for (size_t i = 1; i < n && !eq; i++)
    {
      int r;
      if (compare (x, at, &a[0], &a[i], false, &r) < 0)
        return -1;
      eq = r == 0;
    }
  *out = (struct tv) { .kind = TV_BOOL, .b = eq };
  return 0;
}

static int
fn_ne (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  if (fn_eq (x, at, a, n, out) < 0)
    return -1;
  out->b = !out->b;
  return 0;
}

static int
ordered (struct exec *x, const struct node *at, struct tv *a, struct tv *out, bool (*ok) (int))
{
  int r;
  if (compare (x, at, &a[0], &a[1], true, &r) < 0)
    return -1;
  *out = (struct tv) { .kind = TV_BOOL, .b = ok (r) };
  return 0;
}

static bool is_lt (int r) { return r < 0; }
static bool is_le (int r) { return r <= 0; }
static bool is_gt (int r) { return r > 0; }
static bool is_ge (int r) { return r >= 0; }

#define ORDERED_FN(name)                                                                    \
  static int fn_##name (struct exec *x, const struct node *at, struct tv *a, size_t n,     \
                        struct tv *out)                                                     \
  {                                                                                         \
    (void) n;                                                                               \
    return ordered (x, at, a, out, is_##name);                                              \
  }
ORDERED_FN (lt)
ORDERED_FN (le)
ORDERED_FN (gt)
ORDERED_FN (ge)

static int
fn_len (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  long long len;
  if (a[0].kind == TV_STR)
    len = (long long) strlen (a[0].s);
  else if (a[0].kind == TV_LIST)
    len = (long long) a[0].n;
  else if (a[0].kind == TV_JSON)
    len = (long long) (YAJL_IS_OBJECT (a[0].j) ? a[0].j->u.object.len : a[0].j->u.array.len);
  else
    return tmpl_exec_error (x, at, "error calling len: len of type %s", tv_type_name (&a[0]));
  *out = (struct tv) { .kind = TV_INT, .i = len, .d = (double) len };
  return 0;
}

static int
fn_index (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  struct tv v = a[0];
  for (size_t i = 1; i < n; i++)
    {
      const struct tv *k = &a[i];
      if (v.kind == TV_JSON && YAJL_IS_OBJECT (v.j))
        {
          if (k->kind != TV_STR)
            return tmpl_exec_error (x, at, "error calling index: value has type %s; should be string",
                                    tv_type_name (k));
          bool present = false;
          for (size_t j = 0; j < v.j->u.object.len && !present; j++)
            present = strcmp (v.j->u.object.keys[j], k->s) == 0;
          v = present ? tv_from_json (json_get (v.j, k->s)) : (struct tv) { .kind = TV_MISSING };
          continue;
        }
      size_t len;
      if (v.kind == TV_LIST)
        len = v.n;
      else if (v.kind == TV_JSON)
        len = v.j->u.array.len;
      else if (v.kind == TV_NULL || v.kind == TV_MISSING)
        return tmpl_exec_error (x, at, "error calling index: index of untyped nil");
      else
        return tmpl_exec_error (x, at, "error calling index: can't index item of type %s",
                                tv_type_name (&v));
      if (k->kind != TV_INT)
        return tmpl_exec_error (x, at, "error calling index: cannot index slice/array with type %s",
                                tv_type_name (k));
      if (k->i < 0 || (size_t) k->i >= len)
        return tmpl_exec_error (x, at, "error calling index: index out of range: %lld", k->i);
      v = v.kind == TV_LIST ? tv_str (v.strv[k->i]) : tv_from_json (v.j->u.array.values[k->i]);
    }
  *out = v;
  return 0;
}

static struct tv
arena_tv_str (struct exec *x, const char *s, size_t len)
{
  return tv_str (arena_strndup (x->arena, s, len));
}

/* fmt.Sprint: a space between operands when neither is a string. */
static int
fn_print (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) at;
  struct buf b = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0 && a[i].kind != TV_STR && a[i - 1].kind != TV_STR)
        buf_addc (&b, ' ');
      tv_print (&b, &a[i]);
    }
  *out = arena_tv_str (x, b.p ? b.p : "", b.len);
  free (b.p);
  return 0;
}

static int
fn_println (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) at;
  struct buf b = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0)
        buf_addc (&b, ' ');
      tv_print (&b, &a[i]);
    }
  buf_addc (&b, '\n');
  *out = arena_tv_str (x, b.p, b.len);
  free (b.p);
  return 0;
}

/* strconv.Quote for ASCII control characters and UTF-8 text. */
static void
quote (struct buf *b, const char *s)
{
  buf_addc (b, '"');
  for (; *s; s++)
    {
      unsigned char c = (unsigned char) *s;
      switch (c)
        {
        case '"': buf_adds (b, "\\\""); break;
        case '\\': buf_adds (b, "\\\\"); break;
        case '\n': buf_adds (b, "\\n"); break;
        case '\t': buf_adds (b, "\\t"); break;
        case '\r': buf_adds (b, "\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            buf_printf (b, "\\x%02x", c);
          else
            buf_addc (b, (char) c);
        }
    }
  buf_addc (b, '"');
}

/* One printf operand's text padded to the width ('-': on the right, '0':
 * zeros after any sign). */
static void
pad_field (struct buf *b, const char *text, size_t len, bool minus, bool zero, long width)
{
  size_t w = width > 0 ? (size_t) width : 0;
  size_t fill = len < w ? w - len : 0;
  if (minus)
    {
      buf_add (b, text, len);
      for (size_t i = 0; i < fill; i++)
        buf_addc (b, ' ');
      return;
    }
  if (zero && (text[0] == '-' || text[0] == '+'))
    {
      buf_addc (b, text[0]);
      text++;
      len--;
    }
  for (size_t i = 0; i < fill; i++)
    buf_addc (b, zero ? '0' : ' ');
  buf_add (b, text, len);
}

/* printf: verbs %v %s %d %q %f %e %g %x %t %%, with the flags - + 0, a
 * width and a precision (Go's "%!d(MISSING)" for a missing operand,
 * "%!d(string=x)" for a wrong one). */
static int
fn_printf (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  if (a[0].kind != TV_STR)
    return tmpl_exec_error (x, at, "error calling printf: format is %s, not string",
                            tv_type_name (&a[0]));
  const char *f = a[0].s;
  size_t arg = 1;
  struct buf b = { 0 };
  for (; *f; f++)
    {
      if (*f != '%')
        {
          buf_addc (&b, *f);
          continue;
        }
      f++;
      bool minus = false, zero = false, plus = false;
      for (; *f && strchr ("-+# 0", *f); f++)
        {
          minus |= *f == '-';
          zero |= *f == '0';
          plus |= *f == '+';
        }
      long width = 0, prec = -1;
      for (; isdigit ((unsigned char) *f); f++)
        width = width < 10000 ? width * 10 + (*f - '0') : width;
      if (*f == '.')
        for (prec = 0, f++; isdigit ((unsigned char) *f); f++)
          prec = prec < 1000 ? prec * 10 + (*f - '0') : prec;
      if (*f == '\0')
        {
          buf_adds (&b, "%!(NOVERB)");
          break;
        }
      char verb = *f;
      if (verb == '%')
        {
          buf_addc (&b, '%');
          continue;
        }
      if (arg >= n)
        {
          buf_printf (&b, "%%!%c(MISSING)", verb);
          continue;
        }
      struct tv *v = &a[arg++];
      struct buf tmp = { 0 };
      bool ok = true;
      switch (verb)
        {
        case 'd':
          if (v->kind == TV_INT)
            buf_printf (&tmp, plus ? "%+lld" : "%lld", v->i);
          else
            ok = false;
          break;
        case 'x':
          if (v->kind == TV_INT)
            buf_printf (&tmp, "%s%llx", v->i < 0 ? "-" : "",
                        v->i < 0 ? -(unsigned long long) v->i : (unsigned long long) v->i);
          else if (v->kind == TV_STR)
            for (const char *p = v->s; *p; p++)
              buf_printf (&tmp, "%02x", (unsigned char) *p);
          else
            ok = false;
          break;
        case 'f':
        case 'e':
        case 'g':
          if (!is_num (v))
            ok = false;
          else if (verb == 'f')
            buf_printf (&tmp, plus ? "%+.*f" : "%.*f", prec < 0 ? 6 : (int) prec, v->d);
          else if (verb == 'e')
            buf_printf (&tmp, plus ? "%+.*e" : "%.*e", prec < 0 ? 6 : (int) prec, v->d);
          else if (prec < 0)
            tv_print (&tmp, &(struct tv) { .kind = TV_FLOAT, .d = v->d });
          else
            buf_printf (&tmp, "%.*g", (int) prec, v->d);
          break;
        case 't':
          if (v->kind == TV_BOOL)
            buf_adds (&tmp, v->b ? "true" : "false");
          else
            ok = false;
          break;
        case 'q':
          if (v->kind == TV_STR)
            quote (&tmp, v->s);
          else
            ok = false;
          break;
        case 's':
        case 'v':
          if (verb == 's' && v->kind != TV_STR && v->kind != TV_LIST && v->kind != TV_JSON)
            ok = false;
          else
            {
              tv_print (&tmp, v);
              if (prec >= 0 && tmp.len > (size_t) prec)
                tmp.len = (size_t) prec;
            }
          break;
        default:
          ok = false;
        }
      if (ok)
        pad_field (&b, tmp.p ? tmp.p : "", tmp.len, minus, zero && verb != 's' && verb != 'q',
                   width);
      else
        {
          buf_printf (&b, "%%!%c(%s=", verb, tv_type_name (v));
          tv_print (&b, v);
          buf_addc (&b, ')');
        }
      free (tmp.p);
    }
  *out = arena_tv_str (x, b.p ? b.p : "", b.len);
  free (b.p);
  return 0;
}

static void
json_value (json_gen *g, const struct tv *v)
{
  switch (v->kind)
    {
    case TV_MISSING:
    case TV_NULL: json_null (g); return;
    case TV_STR: json_str (g, v->s); return;
    case TV_INT: json_int (g, v->i); return;
    case TV_FLOAT: json_double (g, v->d); return;
    case TV_BOOL: json_bool (g, v->b); return;
    case TV_JSON: json_tree (g, v->j); return;
    case TV_LIST:
      json_arr_open (g);
      for (size_t i = 0; i < v->n; i++)
        json_str (g, v->strv[i]);
      json_arr_close (g);
      return;
    }
}

static int
fn_json (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  json_gen *g = json_gen_new (false);
  json_value (g, &a[0]);
  char *text;
  size_t len;
  _cleanup_error_ mk_error *e = NULL;
  if (json_gen_finish_checked (g, "json", &text, &len, &e) < 0)
    return tmpl_exec_error (x, at, "error calling json: %s", e->msg);
  *out = arena_tv_str (x, text, len);
  free (text);
  return 0;
}

static int
want_str (struct exec *x, const struct node *at, const char *fn, const struct tv *v, int argn)
{
  if (v->kind == TV_STR)
    return 0;
  return tmpl_exec_error (x, at, "wrong type for value; expected string; got %s (argument %d of %s)",
                          tv_type_name (v), argn, fn);
}

static int
want_int (struct exec *x, const struct node *at, const char *fn, const struct tv *v, int argn)
{
  if (v->kind == TV_INT)
    return 0;
  return tmpl_exec_error (x, at, "wrong type for value; expected int; got %s (argument %d of %s)",
                          tv_type_name (v), argn, fn);
}

static int
fn_join (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  if (want_str (x, at, "join", &a[1], 2) < 0)
    return -1;
  const struct tv *l = &a[0];
  if (!(l->kind == TV_LIST || (l->kind == TV_JSON && YAJL_IS_ARRAY (l->j)) || l->kind == TV_NULL))
    return tmpl_exec_error (x, at, "wrong type for value; expected []string; got %s",
                            tv_type_name (l));
  struct buf b = { 0 };
  size_t len = l->kind == TV_LIST ? l->n : l->kind == TV_JSON ? l->j->u.array.len : 0;
  for (size_t i = 0; i < len; i++)
    {
      if (i)
        buf_adds (&b, a[1].s);
      struct tv e = l->kind == TV_LIST ? tv_str (l->strv[i]) : tv_from_json (l->j->u.array.values[i]);
      tv_print (&b, &e);
    }
  *out = arena_tv_str (x, b.p ? b.p : "", b.len);
  free (b.p);
  return 0;
}

static int
fn_split (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  if (want_str (x, at, "split", &a[0], 1) < 0 || want_str (x, at, "split", &a[1], 2) < 0)
    return -1;
  const char *s = a[0].s, *sep = a[1].s;
  size_t seplen = strlen (sep), count = 0, cap = 8;
  const char **v = xmalloc (cap * sizeof *v);
  for (;;)
    {
      if (count + 1 >= cap)
        v = xrealloc (v, (cap *= 2) * sizeof *v);
      if (seplen == 0)
        {
          /* one element per UTF-8 character */
          if (*s == '\0')
            break;
          size_t l = 1;
          while (((unsigned char) s[l] & 0xC0) == 0x80)
            l++;
          v[count++] = arena_strndup (x->arena, s, l);
          s += l;
          continue;
        }
      const char *hit = strstr (s, sep);
      size_t l = hit ? (size_t) (hit - s) : strlen (s);
      v[count++] = arena_strndup (x->arena, s, l);
      if (hit == NULL)
        break;
      s = hit + seplen;
    }
  const char **strv = arena_alloc (x->arena, (count ? count : 1) * sizeof *strv);
  memcpy (strv, v, count * sizeof *v);
  free (v);
  *out = (struct tv) { .kind = TV_LIST, .strv = strv, .n = count };
  return 0;
}

static int
map_chars (struct exec *x, const struct node *at, const char *fn, struct tv *a, int mode,
           struct tv *out)
{
  if (want_str (x, at, fn, &a[0], 1) < 0)
    return -1;
  size_t len = strlen (a[0].s);
  char *s = arena_strndup (x->arena, a[0].s, len);
  bool word_start = true;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) s[i];
      if (mode == 0)
        s[i] = (char) tolower (c);
      else if (mode == 1)
        s[i] = (char) toupper (c);
      else
        {
          if (word_start)
            s[i] = (char) toupper (c);
          /* strings.Title: letters, digits, '_' and non-ASCII continue a word */
          word_start = !(isalnum (c) || c == '_' || c >= 0x80 || c == '\'');
        }
    }
  *out = tv_str (s);
  return 0;
}

static int
fn_lower (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  return map_chars (x, at, "lower", a, 0, out);
}

static int
fn_upper (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  return map_chars (x, at, "upper", a, 1, out);
}

static int
fn_title (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  return map_chars (x, at, "title", a, 2, out);
}

/* Docker's truncate: the first n bytes when the text is longer. */
static int
fn_truncate (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  if (want_str (x, at, "truncate", &a[0], 1) < 0 || want_int (x, at, "truncate", &a[1], 2) < 0)
    return -1;
  size_t len = strlen (a[0].s);
  if (a[1].i < 0 || (size_t) a[1].i >= len)
    *out = a[0];
  else
    *out = arena_tv_str (x, a[0].s, (size_t) a[1].i);
  return 0;
}

/* Docker's pad: prefix and suffix spaces around a non-empty text. */
static int
fn_pad (struct exec *x, const struct node *at, struct tv *a, size_t n, struct tv *out)
{
  (void) n;
  if (want_str (x, at, "pad", &a[0], 1) < 0 || want_int (x, at, "pad", &a[1], 2) < 0
      || want_int (x, at, "pad", &a[2], 3) < 0)
    return -1;
  if (a[0].s[0] == '\0' || a[1].i < 0 || a[2].i < 0 || a[1].i > 4096 || a[2].i > 4096)
    {
      *out = a[0];
      return 0;
    }
  size_t len = strlen (a[0].s);
  char *s = arena_alloc (x->arena, len + (size_t) a[1].i + (size_t) a[2].i + 1);
  memset (s, ' ', (size_t) a[1].i);
  memcpy (s + a[1].i, a[0].s, len);
  memset (s + a[1].i + len, ' ', (size_t) a[2].i);
  *out = tv_str (s);
  return 0;
}

static const struct tfunc funcs[] = {
  { "and", NULL, 1, -1, false, true },
  { "eq", fn_eq, 2, -1, false, false },
  { "ge", fn_ge, 2, 2, false, false },
  { "gt", fn_gt, 2, 2, false, false },
  { "index", fn_index, 1, -1, false, false },
  { "join", fn_join, 2, 2, true, false },
  { "json", fn_json, 1, 1, true, false },
  { "le", fn_le, 2, 2, false, false },
  { "len", fn_len, 1, 1, false, false },
  { "lower", fn_lower, 1, 1, true, false },
  { "lt", fn_lt, 2, 2, false, false },
  { "ne", fn_ne, 2, 2, false, false },
  { "not", fn_not, 1, 1, false, false },
  { "or", NULL, 1, -1, false, true },
  { "pad", fn_pad, 3, 3, true, false },
  { "print", fn_print, 0, -1, false, false },
  { "printf", fn_printf, 1, -1, false, false },
  { "println", fn_println, 0, -1, false, false },
  { "split", fn_split, 2, 2, true, false },
  { "title", fn_title, 1, 1, true, false },
  { "truncate", fn_truncate, 2, 2, true, false },
  { "upper", fn_upper, 1, 1, true, false },
};

const struct tfunc *
tmpl_func_lookup (const char *name, size_t len)
{
  for (size_t i = 0; i < ARRAY_SIZE (funcs); i++)
    if (strlen (funcs[i].name) == len && strncmp (funcs[i].name, name, len) == 0)
      return &funcs[i];
  return NULL;
}
