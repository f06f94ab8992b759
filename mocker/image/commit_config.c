/* The config of a committed image (commit.h): the base image's config with
 * the container's run settings, the -c changes, one more diff_id and one
 * more history entry. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/image/commit.h"

/* What the new image runs; a NULL strv is JSON null. */
struct run_cfg
{
  char **cmd;
  char **entrypoint;
  char **env;
  char *workdir;
  char *user;
  bool cmd_set;  /* a CMD change was given (ENTRYPOINT then keeps Cmd) */
};

static void
run_cfg_clear (struct run_cfg *rc)
{
  strv_free (rc->cmd);
  strv_free (rc->entrypoint);
  strv_free (rc->env);
  free (rc->workdir);
  free (rc->user);
}

/* Sets or replaces KEY=VALUE. */
static void
env_put (char ***env, const char *kv)
{
  size_t klen = strcspn (kv, "=");
  for (size_t i = 0; *env && (*env)[i]; i++)
    if (strncmp ((*env)[i], kv, klen) == 0 && (*env)[i][klen] == '=')
      {
        free ((*env)[i]);
        (*env)[i] = xstrdup (kv);
        return;
      }
  strv_push (env, kv);
}

static void
run_cfg_from_container (yajl_val cfg, struct run_cfg *rc)
{
  rc->cmd = json_strv (json_get (cfg, "Cmd"));
  rc->entrypoint = json_strv (json_get (cfg, "Entrypoint"));
  const char *wd = json_get_str (cfg, "WorkingDir");
  rc->workdir = wd && *wd ? xstrdup (wd) : NULL;
  const char *user = json_get_str (cfg, "User");
  rc->user = user && *user ? xstrdup (user) : NULL;
  /* The run adds HOSTNAME=<its hostname> (and TERM for a tty): not the
   * image's to keep. */
  const char *host = json_get_str (cfg, "Hostname");
  _cleanup_free_ char *host_kv = host ? xasprintf ("HOSTNAME=%s", host) : NULL;
  yajl_val tty = json_get (cfg, "Tty");
  bool is_tty = tty && YAJL_IS_TRUE (tty);
  char **env = json_strv (json_get (cfg, "Env"));
  rc->env = xzalloc (sizeof *rc->env);
  for (size_t i = 0; env && env[i]; i++)
    {
      if (host_kv && strcmp (env[i], host_kv) == 0)
        continue;
      if (is_tty && strcmp (env[i], "TERM=xterm") == 0)
        continue;
      strv_push (&rc->env, env[i]);
    }
  strv_free (env);
}

/* ---- -c changes (a Dockerfile instruction each) ------------------------ */

/* One shell-like word of s at *pos: quotes '...' and "..." and backslash
 * escapes as a Dockerfile's ENV reads them.  NULL at the end of s. */
static char *
next_word (const char *s, size_t *pos, mk_error **err)
{
  size_t i = *pos;
  while (s[i] && isspace ((unsigned char) s[i]))
    i++;
  if (s[i] == '\0')
    {
      *pos = i;
      return NULL;
    }
  size_t cap = strlen (s + i) + 1, n = 0;
  char *w = xmalloc (cap);
  char quote = 0;
  for (; s[i]; i++)
    {
      char c = s[i];
      if (quote == 0 && isspace ((unsigned char) c))
        break;
      if (quote == 0 && (c == '"' || c == '\''))
        quote = c;
      else if (quote && c == quote)
        quote = 0;
      else if (c == '\\' && quote != '\'' && s[i + 1])
        w[n++] = s[++i];
      else
        w[n++] = c;
    }
  w[n] = '\0';
  *pos = i;
  if (quote)
    {
      free (w);
      mk_error_set (err, 0, "unterminated quote in `%s`", s);
      return NULL;
    }
  return w;
}

static int
change_env (const char *args, struct run_cfg *rc, mk_error **err)
{
  size_t first_end = strcspn (args, " \t");
  if (memchr (args, '=', first_end) == NULL)
    {
      /* Legacy form: ENV KEY value with spaces. */
      const char *value = args + first_end;
      while (isspace ((unsigned char) *value))
        value++;
      if (*value == '\0')
        return mk_error_set (err, 0, "ENV `%s`: a value is needed", args);
      _cleanup_free_ char *kv = xasprintf ("%.*s=%s", (int) first_end, args, value);
      env_put (&rc->env, kv);
      return 0;
    }
  size_t pos = 0;
  for (;;)
    {
      mk_error *e = NULL;
      _cleanup_free_ char *w = next_word (args, &pos, &e);
      if (w == NULL)
        {
          if (e == NULL)
            return 0;
          *err = e;
          return -1;
        }
      char *eq = strchr (w, '=');
      if (eq == NULL || eq == w)
        return mk_error_set (err, 0, "ENV `%s`: `%s` is not KEY=VALUE", args, w);
      env_put (&rc->env, w);
    }
}

/* CMD/ENTRYPOINT: ["exec", "form"] or a shell form run by /bin/sh -c. */
static int
change_command (const char *what, const char *args, char ***out, mk_error **err)
{
  if (args[0] == '[')
    {
      _cleanup_json_ yajl_val v = NULL;
      if (json_parse (args, strlen (args), what, &v, err) < 0)
        return -1;
      if (!YAJL_IS_ARRAY (v))
        return mk_error_set (err, 0, "%s: a JSON array of strings expected", what);
      for (size_t i = 0; i < v->u.array.len; i++)
        if (!YAJL_IS_STRING (v->u.array.values[i]))
          return mk_error_set (err, 0, "%s: element %zu is not a string", what, i);
      strv_free (*out);
      *out = json_strv (v);
      return 0;
    }
  strv_free (*out);
  *out = NULL;
  strv_push (out, "/bin/sh");
  strv_push (out, "-c");
  strv_push (out, args);
  return 0;
}

static int
apply_change (const char *change, struct run_cfg *rc, mk_error **err)
{
  if (!json_utf8_valid (change))
    {
      _cleanup_free_ char *shown = json_utf8_show (change);
      return mk_error_set (err, 0, "change `%s`: not valid UTF-8", shown);
    }
  while (isspace ((unsigned char) *change))
    change++;
  size_t wlen = strcspn (change, " \t");
  _cleanup_free_ char *word = xstrndup (change, wlen);
  _cleanup_free_ char *args = xstrdup (change + wlen + strspn (change + wlen, " \t"));
  for (size_t n = strlen (args); n > 0 && isspace ((unsigned char) args[n - 1]); n--)
    args[n - 1] = '\0';
  if (*word == '\0')
    return mk_error_set (err, 0, "empty change");
  if (*args == '\0')
    return mk_error_set (err, 0, "change `%s`: %s needs an argument", change, word);

  if (strcasecmp (word, "CMD") == 0)
    {
      rc->cmd_set = true;
      return change_command ("CMD", args, &rc->cmd, err);
    }
  if (strcasecmp (word, "ENTRYPOINT") == 0)
    {
      /* As in a Dockerfile: a new entrypoint drops the old Cmd unless a
       * CMD was given too. */
      if (!rc->cmd_set)
        {
          strv_free (rc->cmd);
          rc->cmd = NULL;
        }
      return change_command ("ENTRYPOINT", args, &rc->entrypoint, err);
    }
  if (strcasecmp (word, "ENV") == 0)
    return change_env (args, rc, err);
  if (strcasecmp (word, "WORKDIR") == 0)
    {
      char *wd = args[0] == '/' ? xstrdup (args) : path_join (rc->workdir ? rc->workdir : "/", args);
      free (rc->workdir);
      rc->workdir = wd;
      return 0;
    }
  if (strcasecmp (word, "USER") == 0)
    {
      free (rc->user);
      rc->user = xstrdup (args);
      return 0;
    }
  return mk_error_set (err, 0,
                       "change `%s`: unsupported instruction `%s` (CMD, ENTRYPOINT, ENV, WORKDIR "
                       "and USER are)",
                       change, word);
}

/* ---- generation --------------------------------------------------------- */

static bool
is_run_key (const char *k)
{
  static const char *const keys[] = { "Cmd", "Entrypoint", "Env", "WorkingDir", "User" };
  for (size_t i = 0; i < ARRAY_SIZE (keys); i++)
    if (strcmp (k, keys[i]) == 0)
      return true;
  return false;
}

static void
gen_config_section (json_gen *g, yajl_val base_cfg, const struct run_cfg *rc)
{
  json_obj_open (g);
  for (size_t i = 0; base_cfg && YAJL_IS_OBJECT (base_cfg) && i < base_cfg->u.object.len; i++)
    {
      const char *k = base_cfg->u.object.keys[i];
      if (is_run_key (k))
        continue;
      json_key (g, k);
      json_tree (g, base_cfg->u.object.values[i]);
    }
  if (rc->user)
    json_kv_str (g, "User", rc->user);
  json_kv_strv (g, "Env", rc->env);
  json_kv_strv (g, "Entrypoint", rc->entrypoint);
  json_kv_strv (g, "Cmd", rc->cmd);
  if (rc->workdir)
    json_kv_str (g, "WorkingDir", rc->workdir);
  json_obj_close (g);
}

static void
gen_rootfs (json_gen *g, yajl_val base_rootfs, const char *diff_id)
{
  json_obj_open (g);
  json_kv_str (g, "type", "layers");
  json_key (g, "diff_ids");
  json_arr_open (g);
  yajl_val ids = json_get (base_rootfs, "diff_ids");
  for (size_t i = 0; ids && YAJL_IS_ARRAY (ids) && i < ids->u.array.len; i++)
    json_tree (g, ids->u.array.values[i]);
  json_str (g, diff_id);
  json_arr_close (g);
  json_obj_close (g);
}

static void
gen_history (json_gen *g, yajl_val base_history, const struct commit_meta *m)
{
  json_arr_open (g);
  for (size_t i = 0; base_history && YAJL_IS_ARRAY (base_history) && i < base_history->u.array.len;
       i++)
    json_tree (g, base_history->u.array.values[i]);
  json_obj_open (g);
  json_kv_str (g, "created", m->created);
  json_kv_str (g, "created_by", m->created_by);
  if (!str_is_empty (m->author))
    json_kv_str (g, "author", m->author);
  if (!str_is_empty (m->comment))
    json_kv_str (g, "comment", m->comment);
  json_obj_close (g);
  json_arr_close (g);
}

int
commit_config_build (const char *base, size_t base_len, yajl_val ctr_config,
                     const struct commit_meta *meta, char **out, mk_error **err)
{
  _cleanup_json_ yajl_val b = NULL;
  if (json_parse (base, base_len, "image config", &b, err) < 0)
    return -1;
  if (!YAJL_IS_OBJECT (b))
    return mk_error_set (err, 0, "image config: not a JSON object");
  /* Its values are embedded in the new config: refused here, named, rather
   * than failing the generator. */
  if (json_check_depth (b, JSON_CONFIG_MAX_DEPTH, "image config", err) < 0)
    return -1;
  static const struct
  {
    const char *option;
    size_t offset;
  } texts[] = {
    { "--author", offsetof (struct commit_meta, author) },
    { "--message", offsetof (struct commit_meta, comment) },
  };
  for (size_t i = 0; i < ARRAY_SIZE (texts); i++)
    {
      const char *t = *(const char *const *) ((const char *) meta + texts[i].offset);
      if (t && !json_utf8_valid (t))
        {
          _cleanup_free_ char *shown = json_utf8_show (t);
          return mk_error_set (err, 0, "%s `%s`: not valid UTF-8", texts[i].option, shown);
        }
    }

  __attribute__ ((cleanup (run_cfg_clear))) struct run_cfg rc = { 0 };
  /* NULL: the base image's own settings (the seed form) */
  run_cfg_from_container (ctr_config ? ctr_config : json_get (b, "config"), &rc);
  for (size_t i = 0; meta->changes && meta->changes[i]; i++)
    if (apply_change (meta->changes[i], &rc, err) < 0)
      return mk_error_wrap (err, "--change");

  /* The base's fields in their order, replaced where commit says;
   * container/container_config (Docker's legacy copies) are not kept. */
  static const char *const replaced[] = { "created",   "author",    "config",
                                          "rootfs",    "history",   "container",
                                          "container_config" };
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  for (size_t i = 0; i < b->u.object.len; i++)
    {
      const char *k = b->u.object.keys[i];
      bool skip = false;
      for (size_t j = 0; j < ARRAY_SIZE (replaced); j++)
        skip = skip || strcmp (k, replaced[j]) == 0;
      if (skip)
        continue;
      json_key (g, k);
      json_tree (g, b->u.object.values[i]);
    }
  json_kv_str (g, "created", meta->created);
  if (!str_is_empty (meta->author))
    json_kv_str (g, "author", meta->author);
  json_key (g, "config");
  gen_config_section (g, json_get (b, "config"), &rc);
  json_key (g, "rootfs");
  gen_rootfs (g, json_get (b, "rootfs"), meta->diff_id);
  json_key (g, "history");
  gen_history (g, json_get (b, "history"), meta);
  json_obj_close (g);
  return json_gen_finish_checked (g, "new image config", out, NULL, err);
}
