/* The Dockerfile parser (dockerfile.h). */
#include "mocker/build/dockerfile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/json.h"
#include "common/util.h"

static const char *const known_instructions[] = {
  "ADD",    "ARG",     "CMD",        "COPY",    "ENTRYPOINT", "ENV",         "EXPOSE",
  "FROM",   "HEALTHCHECK", "LABEL",  "MAINTAINER", "ONBUILD", "RUN",       "SHELL",
  "STOPSIGNAL", "USER", "VOLUME",    "WORKDIR",
};

/* Instructions whose leading --name=value words are flags. */
static const char *const flag_instructions[] = { "FROM", "RUN", "COPY", "ADD", "HEALTHCHECK" };
/* Instructions with a JSON (exec) form. */
static const char *const json_instructions[] = { "RUN",  "CMD",  "ENTRYPOINT", "SHELL",
                                                 "COPY", "ADD",  "VOLUME" };

static bool
in_list (const char *s, const char *const *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (s, list[i]) == 0)
      return true;
  return false;
}

static void
instr_clear (struct df_instr *ins)
{
  free (ins->cmd);
  free (ins->args);
  free (ins->original);
  strv_free (ins->flags);
  strv_free (ins->json);
}

void
dockerfile_free (struct dockerfile *df)
{
  if (df == NULL)
    return;
  for (size_t i = 0; i < df->n; i++)
    instr_clear (&df->instrs[i]);
  free (df->instrs);
  free (df);
}

void
cleanup_dockerfilep (struct dockerfile **df)
{
  dockerfile_free (*df);
}

const char *
df_flag (const struct df_instr *ins, const char *name, bool *present)
{
  size_t n = strlen (name);
  const char *found = NULL;
  if (present)
    *present = false;
  for (char **f = ins->flags; f && *f; f++)
    if (strncmp (*f + 2, name, n) == 0 && ((*f)[2 + n] == '=' || (*f)[2 + n] == '\0'))
      {
        if (present)
          *present = true;
        found = (*f)[2 + n] == '=' ? *f + 3 + n : "";
      }
  return found;
}

static bool
blank (const char *s)
{
  while (*s && isspace ((unsigned char) *s))
    s++;
  return *s == '\0';
}

static bool
comment_line (const char *s)
{
  while (*s && isspace ((unsigned char) *s))
    s++;
  return *s == '#';
}

static void
rtrim (char *s)
{
  size_t n = strlen (s);
  while (n > 0 && isspace ((unsigned char) s[n - 1]))
    s[--n] = '\0';
}

/* Removes a trailing escape character (and the blanks after it); true when
 * there was one: the instruction continues on the next line. */
static bool
trim_continuation (char *s, char escape)
{
  size_t n = strlen (s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if (n > 0 && s[n - 1] == escape)
    {
      s[n - 1] = '\0';
      return true;
    }
  return false;
}

/* "# name = value" at the top of the file: *name and *value (heap) set. */
static bool
directive (const char *line, char **name, char **value)
{
  const char *p = line;
  if (*p++ != '#')
    return false;
  while (*p == ' ' || *p == '\t')
    p++;
  const char *n0 = p;
  while (isalnum ((unsigned char) *p) || *p == '_' || *p == '-')
    p++;
  if (p == n0)
    return false;
  const char *n1 = p;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p++ != '=')
    return false;
  while (*p == ' ' || *p == '\t')
    p++;
  _cleanup_free_ char *v = xstrdup (p);
  rtrim (v);
  *name = xstrndup (n0, (size_t) (n1 - n0));
  for (char *c = *name; *c; c++)
    *c = (char) tolower ((unsigned char) *c);
  *value = STEAL (v);
  return true;
}

/* A heredoc (`<<EOF`, `<<-"EOF"`) among the words of args. */
static bool
has_heredoc (const char *args)
{
  for (const char *p = strstr (args, "<<"); p; p = strstr (p + 2, "<<"))
    {
      if (p != args && !isspace ((unsigned char) p[-1]))
        continue;
      const char *q = p + 2;
      if (*q == '-')
        q++;
      if (*q == '"' || *q == '\'')
        q++;
      if (isalpha ((unsigned char) *q) || *q == '_')
        return true;
    }
  return false;
}

static char **
json_form (const char *args)
{
  if (args[0] != '[')
    return NULL;
  _cleanup_json_ yajl_val v = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (json_parse (args, strlen (args), "args", &v, &e) < 0 || !YAJL_IS_ARRAY (v))
    return NULL;
  char **out = xzalloc (sizeof *out);
  for (size_t i = 0; i < v->u.array.len; i++)
    {
      if (!YAJL_IS_STRING (v->u.array.values[i]))
        {
          strv_free (out);
          return NULL;
        }
      strv_push (&out, YAJL_GET_STRING (v->u.array.values[i]));
    }
  return out;
}

/* One logical line (continuations joined) into an instruction. */
static int
make_instr (char *line, int lineno, const char *name, struct df_instr *ins, mk_error **err)
{
  rtrim (line);
  char *p = line;
  while (isspace ((unsigned char) *p))
    p++;
  size_t wl = strcspn (p, " \t\r\n\v\f");
  ins->line = lineno;
  ins->original = xstrdup (p);
  ins->cmd = xstrndup (p, wl);
  for (char *c = ins->cmd; *c; c++)
    *c = (char) toupper ((unsigned char) *c);
  ins->flags = xzalloc (sizeof *ins->flags);
  if (!in_list (ins->cmd, known_instructions, ARRAY_SIZE (known_instructions)))
    return mk_error_set (err, 0, "%s line %d: unknown instruction: %.*s", name, lineno, (int) wl,
                         p);
  p += wl;
  while (isspace ((unsigned char) *p))
    p++;
  if (in_list (ins->cmd, flag_instructions, ARRAY_SIZE (flag_instructions)))
    while (str_has_prefix (p, "--"))
      {
        size_t fl = strcspn (p, " \t\r\n\v\f");
        if (fl == 2)
          {
            p += fl;
            while (isspace ((unsigned char) *p))
              p++;
            break;
          }
        _cleanup_free_ char *f = xstrndup (p, fl);
        strv_push (&ins->flags, f);
        p += fl;
        while (isspace ((unsigned char) *p))
          p++;
      }
  ins->args = xstrdup (p);
  if (*p == '\0')
    return mk_error_set (err, 0, "%s line %d: %s requires at least one argument", name, lineno,
                         ins->cmd);
  if ((strcmp (ins->cmd, "RUN") == 0 || strcmp (ins->cmd, "COPY") == 0
       || strcmp (ins->cmd, "ADD") == 0)
      && has_heredoc (p))
    return mk_error_set (err, 0, "%s line %d: heredocs (`<<EOF`) are not supported: %s", name,
                         lineno, ins->original);
  if (in_list (ins->cmd, json_instructions, ARRAY_SIZE (json_instructions)))
    ins->json = json_form (p);
  return 0;
}

int
dockerfile_parse (const char *text, size_t len, const char *name, struct dockerfile **out,
                  mk_error **err)
{
  struct dockerfile *df = xzalloc (sizeof *df);
  df->escape = '\\';
  _cleanup_free_ char *copy = xstrndup (text, len);
  if (memchr (text, '\0', len))
    {
      dockerfile_free (df);
      return mk_error_set (err, 0, "%s: not a text file (it holds a NUL byte)", name);
    }
  /* Lines, \r\n or \n. */
  _cleanup_strv_ char **lines = xzalloc (sizeof *lines);
  char *save = copy, *nl;
  while (save)
    {
      nl = strchr (save, '\n');
      if (nl)
        *nl = '\0';
      size_t n = strlen (save);
      if (n && save[n - 1] == '\r')
        save[n - 1] = '\0';
      if (nl || *save)
        strv_push (&lines, save);
      save = nl ? nl + 1 : NULL;
    }

  size_t i = 0, nlines = strv_len (lines);
  bool seen_escape = false;
  /* A UTF-8 byte order mark is ignored, as Docker does. */
  if (nlines && str_has_prefix (lines[0], "\xef\xbb\xbf"))
    memmove (lines[0], lines[0] + 3, strlen (lines[0] + 3) + 1);
  for (; i < nlines; i++)
    {
      _cleanup_free_ char *dn = NULL, *dv = NULL;
      if (!directive (lines[i], &dn, &dv))
        break;
      if (strcmp (dn, "escape") == 0)
        {
          if (seen_escape)
            {
              dockerfile_free (df);
              return mk_error_set (err, 0, "%s line %zu: only one escape parser directive can be used",
                                   name, i + 1);
            }
          if (strcmp (dv, "\\") != 0 && strcmp (dv, "`") != 0)
            {
              dockerfile_free (df);
              return mk_error_set (err, 0, "%s line %zu: invalid escape token `%s` (\\ or ` are)",
                                   name, i + 1, dv);
            }
          df->escape = dv[0];
          seen_escape = true;
        }
      else if (strcmp (dn, "syntax") != 0 && strcmp (dn, "check") != 0)
        break; /* an unknown directive is a comment, and ends the directives */
    }

  for (; i < nlines; i++)
    {
      if (blank (lines[i]) || comment_line (lines[i]))
        continue;
      int start = (int) i + 1;
      char *line = xstrdup (lines[i]);
      bool more = trim_continuation (line, df->escape);
      while (more && i + 1 < nlines)
        {
          i++;
          if (comment_line (lines[i]) || blank (lines[i]))
            continue;
          _cleanup_free_ char *next = xstrdup (lines[i]);
          more = trim_continuation (next, df->escape);
          char *joined = xconcat (line, next, NULL);
          free (line);
          line = joined;
        }
      df->instrs = xrealloc (df->instrs, (df->n + 1) * sizeof *df->instrs);
      struct df_instr *ins = &df->instrs[df->n++];
      memset (ins, 0, sizeof *ins);
      int r = make_instr (line, start, name, ins, err);
      free (line);
      if (r < 0)
        {
          dockerfile_free (df);
          return -1;
        }
    }
  *out = df;
  return 0;
}
