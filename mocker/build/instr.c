/* The instructions that change only the image config (build_internal.h):
 * ENV, LABEL, MAINTAINER, USER, CMD, ENTRYPOINT, EXPOSE, VOLUME,
 * STOPSIGNAL, SHELL, HEALTHCHECK, ONBUILD; WORKDIR is in copy.c (it makes
 * the directory).  Each is evaluated twice: once for its description (the
 * cache key and history), once more to apply it when the cache missed. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/duration.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/build/build_internal.h"

static char *
strv_json (char *const *v)
{
  json_gen *g = json_gen_new (false);
  json_arr_open (g);
  for (size_t i = 0; v && v[i]; i++)
    json_str (g, v[i]);
  json_arr_close (g);
  return json_gen_finish (g, NULL);
}

static char *
append (char *text, const char *sep, const char *more)
{
  char *t = xconcat (text, sep, more, NULL);
  free (text);
  return t;
}

/* KEY=VALUE words (or the legacy `KEY value with spaces`), expanded. */
static int
key_values (struct builder *b, struct bstage *st, const struct df_instr *ins, bool allow_legacy,
            struct smap *out, mk_error **err)
{
  _cleanup_strv_ char **words = df_split_words (ins->args, b->df->escape);
  if (words[0] && strchr (words[0], '=') == NULL)
    {
      if (!allow_legacy || words[1] == NULL)
        return build_fail (b, ins, err, "%s `%s`: want KEY=VALUE", ins->cmd, ins->args);
      /* Legacy: the rest of the line, after the key, is the value. */
      const char *rest = ins->args + strcspn (ins->args, " \t");
      rest += strspn (rest, " \t");
      _cleanup_free_ char *v = df_expand_word (rest, b->df->escape, stage_lookup, st, err);
      if (v == NULL)
        return build_wrap (b, ins, err, "%s", ins->cmd);
      smap_set (out, words[0], v);
      return 0;
    }
  for (size_t i = 0; words[i]; i++)
    {
      char *eq = strchr (words[i], '=');
      if (eq == NULL || eq == words[i])
        return build_fail (b, ins, err, "%s: `%s` is not KEY=VALUE", ins->cmd, words[i]);
      _cleanup_free_ char *kraw = xstrndup (words[i], (size_t) (eq - words[i]));
      _cleanup_free_ char *k = df_expand_word (kraw, b->df->escape, stage_lookup, st, err);
      _cleanup_free_ char *v = k ? df_expand_word (eq + 1, b->df->escape, stage_lookup, st, err)
                                 : NULL;
      if (v == NULL)
        return build_wrap (b, ins, err, "%s", ins->cmd);
      smap_set (out, k, v);
    }
  return 0;
}

/* CMD, ENTRYPOINT, HEALTHCHECK CMD: the JSON form as is, the shell form
 * run by the stage's SHELL. */
static char **
command_of (struct bstage *st, char **json, const char *args)
{
  if (json)
    return strv_dup (json);
  char **v = NULL;
  if (st->cfg.shell && st->cfg.shell[0])
    v = strv_dup (st->cfg.shell);
  else
    {
      strv_push (&v, "/bin/sh");
      strv_push (&v, "-c");
    }
  strv_push (&v, args);
  return v;
}


static int
healthcheck (struct builder *b, struct bstage *st, const struct df_instr *ins, char **json_out,
             mk_error **err)
{
  const char *a = ins->args;
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_key (g, "Test");
  json_arr_open (g);
  if (strcasecmp (a, "NONE") == 0)
    {
      json_str (g, "NONE");
      json_arr_close (g);
    }
  else
    {
      if (strncasecmp (a, "CMD", 3) != 0 || !(a[3] == ' ' || a[3] == '\t'))
        {
          json_gen_free (g);
          return build_fail (b, ins, err, "HEALTHCHECK wants NONE or [OPTIONS] CMD command");
        }
      const char *rest = a + 3 + strspn (a + 3, " \t");
      _cleanup_json_ yajl_val v = NULL;
      _cleanup_error_ mk_error *e = NULL;
      bool is_json = rest[0] == '[' && json_parse (rest, strlen (rest), "cmd", &v, &e) == 0
                     && YAJL_IS_ARRAY (v);
      for (size_t i = 0; is_json && i < v->u.array.len; i++)
        is_json = YAJL_IS_STRING (v->u.array.values[i]);
      if (is_json)
        {
          json_str (g, "CMD");
          for (size_t i = 0; i < v->u.array.len; i++)
            json_str (g, YAJL_GET_STRING (v->u.array.values[i]));
        }
      else
        {
          json_str (g, "CMD-SHELL");
          json_str (g, rest);
        }
      json_arr_close (g);
      static const struct { const char *flag, *key; } durs[] = {
        { "interval", "Interval" }, { "timeout", "Timeout" },
        { "start-period", "StartPeriod" }, { "start-interval", "StartInterval" },
      };
      for (size_t i = 0; i < ARRAY_SIZE (durs); i++)
        {
          const char *f = df_flag (ins, durs[i].flag, NULL);
          if (f == NULL)
            continue;
          long long ns = parse_go_duration (f);
          if (ns < 0)
            {
              json_gen_free (g);
              return build_fail (b, ins, err, "HEALTHCHECK --%s=%s: not a duration (30s, 1m30s)",
                                 durs[i].flag, f);
            }
          json_kv_int (g, durs[i].key, ns);
        }
      const char *r = df_flag (ins, "retries", NULL);
      long long n = 0;
      if (r && (!parse_int64 (r, &n) || n < 0))
        {
          json_gen_free (g);
          return build_fail (b, ins, err, "HEALTHCHECK --retries=%s: not a number", r);
        }
      if (r)
        json_kv_int (g, "Retries", n);
    }
  for (char **f = ins->flags; *f; f++)
    {
      static const char *const ok[] = { "--interval=", "--timeout=", "--start-period=",
                                        "--start-interval=", "--retries=" };
      bool known = false;
      for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
        known = known || str_has_prefix (*f, ok[i]);
      if (!known)
        {
          json_gen_free (g);
          return build_fail (b, ins, err, "HEALTHCHECK: unknown flag `%s`", *f);
        }
    }
  (void) st;
  json_obj_close (g);
  *json_out = json_gen_finish (g, NULL);
  return 0;
}

/* EXPOSE 80 80/udp 8000-8002/tcp -> "80/tcp" ... */
static int
exposed_ports (struct builder *b, struct bstage *st, const struct df_instr *ins,
               struct smap *out, mk_error **err)
{
  _cleanup_strv_ char **w = df_expand_words (ins->args, b->df->escape, stage_lookup, st, err);
  if (w == NULL)
    return build_wrap (b, ins, err, "EXPOSE");
  for (size_t i = 0; w[i]; i++)
    {
      char *slash = strchr (w[i], '/');
      const char *proto = slash ? slash + 1 : "tcp";
      if (slash)
        *slash = '\0';
      _cleanup_free_ char *lproto = xstrdup (proto);
      for (char *c = lproto; *c; c++)
        *c = (char) tolower ((unsigned char) *c);
      if (strcmp (lproto, "tcp") != 0 && strcmp (lproto, "udp") != 0
          && strcmp (lproto, "sctp") != 0)
        return build_fail (b, ins, err, "EXPOSE: unknown protocol `%s` (tcp, udp or sctp)", proto);
      char *dash = strchr (w[i], '-');
      long long lo, hi;
      if (dash)
        *dash = '\0';
      if (!parse_int64 (w[i], &lo) || (dash && !parse_int64 (dash + 1, &hi)))
        return build_fail (b, ins, err, "EXPOSE: invalid port `%s`", ins->args);
      if (!dash)
        hi = lo;
      if (lo < 0 || hi > 65535 || hi < lo)
        return build_fail (b, ins, err, "EXPOSE: invalid port range in `%s`", ins->args);
      /* Every port of a range is a key of the config: a few, not all. */
      if (hi - lo >= 1024)
        return build_fail (b, ins, err, "EXPOSE: a range of more than 1024 ports in `%s`", ins->args);
      for (long long p = lo; p <= hi; p++)
        {
          _cleanup_free_ char *k = xasprintf ("%lld/%s", p, lproto);
          smap_set (out, k, NULL);
        }
    }
  return 0;
}

static int
expand_one (struct builder *b, struct bstage *st, const struct df_instr *ins, char **outv,
            mk_error **err)
{
  *outv = df_expand_word (ins->args, b->df->escape, stage_lookup, st, err);
  return *outv ? 0 : build_wrap (b, ins, err, "%s", ins->cmd);
}

/* Evaluates ins: *desc always; the config changes only when apply. */
static int
meta (struct builder *b, struct bstage *st, const struct df_instr *ins, bool apply, char **desc,
      mk_error **err)
{
  const char *c = ins->cmd;
  struct image_cfg *cfg = &st->cfg;
  if (strcmp (c, "ENV") == 0 || strcmp (c, "LABEL") == 0)
    {
      struct smap kv = { 0 };
      if (key_values (b, st, ins, true, &kv, err) < 0)
        {
          smap_clear (&kv);
          return -1;
        }
      char *d = xstrdup (c);
      for (size_t i = 0; i < kv.n; i++)
        {
          _cleanup_free_ char *p = xasprintf ("%s=%s", kv.keys[i], kv.vals[i]);
          d = append (d, " ", p);
          if (apply && c[0] == 'E')
            env_set (&cfg->env, kv.keys[i], kv.vals[i]);
          else if (apply)
            smap_set (&cfg->labels, kv.keys[i], kv.vals[i]);
        }
      smap_clear (&kv);
      *desc = d;
      return 0;
    }
  if (strcmp (c, "MAINTAINER") == 0 || strcmp (c, "USER") == 0 || strcmp (c, "STOPSIGNAL") == 0)
    {
      _cleanup_free_ char *v = NULL;
      if (expand_one (b, st, ins, &v, err) < 0)
        return -1;
      if (*v == '\0')
        return build_fail (b, ins, err, "%s: the value is empty", c);
      *desc = xasprintf ("%s %s", c, v);
      char **field = c[0] == 'M' ? &cfg->author : c[0] == 'U' ? &cfg->user : &cfg->stopsignal;
      if (apply)
        {
          free (*field);
          *field = STEAL (v);
        }
      return 0;
    }
  if (strcmp (c, "CMD") == 0 || strcmp (c, "ENTRYPOINT") == 0)
    {
      _cleanup_strv_ char **v = command_of (st, ins->json, ins->args);
      _cleanup_free_ char *j = strv_json (v);
      *desc = xasprintf ("%s %s", c, j);
      if (!apply)
        return 0;
      if (c[0] == 'C')
        {
          strv_free (cfg->cmd);
          cfg->cmd = STEAL (v);
          st->cmd_set = true;
        }
      else
        {
          strv_free (cfg->entrypoint);
          cfg->entrypoint = STEAL (v);
          /* A new entrypoint drops the inherited Cmd (not one set in this stage). */
          if (!st->cmd_set)
            {
              strv_free (cfg->cmd);
              cfg->cmd = NULL;
            }
        }
      return 0;
    }
  if (strcmp (c, "SHELL") == 0)
    {
      if (ins->json == NULL || ins->json[0] == NULL)
        return build_fail (b, ins, err, "SHELL requires the arguments in JSON form: SHELL [\"executable\", \"parameters\"]");
      _cleanup_free_ char *j = strv_json (ins->json);
      *desc = xasprintf ("SHELL %s", j);
      if (apply)
        {
          strv_free (cfg->shell);
          cfg->shell = strv_dup (ins->json);
        }
      return 0;
    }
  if (strcmp (c, "EXPOSE") == 0)
    {
      struct smap ports = { 0 };
      if (exposed_ports (b, st, ins, &ports, err) < 0)
        {
          smap_clear (&ports);
          return -1;
        }
      char *d = xstrdup ("EXPOSE");
      for (size_t i = 0; i < ports.n; i++)
        {
          d = append (d, " ", ports.keys[i]);
          if (apply)
            smap_set (&cfg->exposed, ports.keys[i], NULL);
        }
      smap_clear (&ports);
      *desc = d;
      return 0;
    }
  if (strcmp (c, "VOLUME") == 0)
    {
      _cleanup_strv_ char **v = NULL;
      if (ins->json)
        {
          v = xzalloc (sizeof *v);
          for (size_t i = 0; ins->json[i]; i++)
            {
              _cleanup_free_ char *x = df_expand_word (ins->json[i], b->df->escape, stage_lookup, st, err);
              if (x == NULL)
                return build_wrap (b, ins, err, "VOLUME");
              strv_push (&v, x);
            }
        }
      else if ((v = df_expand_words (ins->args, b->df->escape, stage_lookup, st, err)) == NULL)
        return build_wrap (b, ins, err, "VOLUME");
      char *d = xstrdup ("VOLUME");
      for (size_t i = 0; v[i]; i++)
        {
          if (*v[i] == '\0')
            {
              free (d);
              return build_fail (b, ins, err, "VOLUME: an empty path");
            }
          d = append (d, " ", v[i]);
          if (apply)
            smap_set (&cfg->volumes, v[i], NULL);
        }
      *desc = d;
      return 0;
    }
  if (strcmp (c, "HEALTHCHECK") == 0)
    {
      _cleanup_free_ char *j = NULL;
      if (healthcheck (b, st, ins, &j, err) < 0)
        return -1;
      *desc = xasprintf ("HEALTHCHECK %s", j);
      if (apply)
        {
          free (cfg->healthcheck);
          cfg->healthcheck = STEAL (j);
        }
      return 0;
    }
  if (strcmp (c, "ONBUILD") == 0)
    {
      size_t wl = strcspn (ins->args, " \t");
      if (strncasecmp (ins->args, "ONBUILD", wl) == 0 && wl == 7)
        return build_fail (b, ins, err, "chaining ONBUILD via `ONBUILD ONBUILD` is not allowed");
      if ((wl == 4 && strncasecmp (ins->args, "FROM", 4) == 0)
          || (wl == 10 && strncasecmp (ins->args, "MAINTAINER", 10) == 0))
        return build_fail (b, ins, err, "%.*s is not allowed as an ONBUILD trigger", (int) wl,
                           ins->args);
      /* The trigger must parse (an unknown instruction fails now). */
      _cleanup_dockerfile_ struct dockerfile *t = NULL;
      _cleanup_error_ mk_error *pe = NULL;
      if (dockerfile_parse (ins->args, strlen (ins->args), "trigger", &t, &pe) < 0)
        {
          /* "trigger line 1: unknown instruction: X" -> this line's error. */
          const char *m = strstr (pe->msg, ": ");
          return build_fail (b, ins, err, "ONBUILD: %s", m ? m + 2 : pe->msg);
        }
      *desc = xasprintf ("ONBUILD %s", ins->args);
      if (apply)
        strv_push (&cfg->onbuild, ins->args);
      return 0;
    }
  return build_fail (b, ins, err, "%s is not supported", c);
}

int
build_meta_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                 mk_error **err)
{
  if (strcmp (ins->cmd, "WORKDIR") == 0)
    return build_workdir_step (b, st, ins, err);
  for (char **f = ins->flags; *f && strcmp (ins->cmd, "HEALTHCHECK") != 0; f++)
    return build_fail (b, ins, err, "%s: unknown flag `%s`", ins->cmd, *f);
  _cleanup_free_ char *desc = NULL;
  if (meta (b, st, ins, false, &desc, err) < 0)
    return -1;
  _cleanup_free_ char *key = step_key (st, desc);
  if (step_cached (b, st, key))
    return 0;
  free (desc);
  desc = NULL;
  if (meta (b, st, ins, true, &desc, err) < 0)
    return -1;
  _cleanup_free_ char *by = xasprintf ("/bin/sh -c #(nop)  %s", desc);
  return step_commit (b, st, key, by, NULL, err);
}
