/* mocker build: the driver (build.h): stages, FROM, ARG, the step cache,
 * committing each step, Docker's classic output, the tags. */
#include <ctype.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/build/build_internal.h"
#include "mocker/image/image_parents.h"
#include "mocker/container/state.h"
#include "mocker/registry/pull.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"

/* Docker's predefined build args: usable without an ARG, left out of the
 * history and the cache key. */
static const char *const proxy_args[] = { "HTTP_PROXY", "http_proxy", "HTTPS_PROXY",
                                          "https_proxy", "FTP_PROXY", "ftp_proxy",
                                          "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy" };

static bool
is_proxy_arg (const char *k)
{
  for (size_t i = 0; i < ARRAY_SIZE (proxy_args); i++)
    if (strcmp (k, proxy_args[i]) == 0)
      return true;
  return false;
}

static void
out (struct builder *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
out (struct builder *b, const char *fmt, ...)
{
  if (b->o->quiet)
    return;
  va_list ap;
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  fflush (stdout);
}

int
build_fail (struct builder *b, const struct df_instr *ins, mk_error **err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  if (ins)
    return mk_error_set (err, 0, "%s line %d: %s", b->dfname, ins->line, msg);
  return mk_error_set (err, 0, "%s: %s", b->dfname, msg);
}

int
build_wrap (struct builder *b, const struct df_instr *ins, mk_error **err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *what = xvasprintf (fmt, ap);
  va_end (ap);
  return mk_error_wrap (err, "%s line %d: %s", b->dfname, ins->line, what);
}

/* ---- interruption --------------------------------------------------------- */

/* ^C (or SIGTERM, SIGHUP, SIGQUIT) between or inside steps only sets this:
 * the build stops at the next step boundary, through the same clean-up as a
 * failure, so no step container, mount or cgroup is left.  During a RUN,
 * ctr_wait_attached forwards the signal to the container instead. */
static volatile sig_atomic_t interrupted;

static void
on_interrupt (int sig)
{
  interrupted = sig;
}

void
build_signals_catch (void)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  /* No SA_RESTART: a blocking wait (a RUN's) returns EINTR and can react. */
  struct sigaction sa = { .sa_handler = on_interrupt };
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    sigaction (sigs[i], &sa, NULL);
}

int
build_interrupted (void)
{
  return interrupted;
}

static void
signals_default (void)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  struct sigaction sa = { .sa_handler = SIG_DFL };
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    sigaction (sigs[i], &sa, NULL);
}

/* ---- variables ------------------------------------------------------------ */

const char *
stage_lookup (const char *name, void *opaque)
{
  struct bstage *st = opaque;
  const char *v = env_get (st->cfg.env, name);
  if (v)
    return v;
  long i = smap_find (&st->args, name);
  return i >= 0 ? st->args.vals[i] : NULL;
}

static const char *
meta_lookup (const char *name, void *opaque)
{
  struct builder *b = opaque;
  long i = smap_find (&b->meta_args, name);
  return i >= 0 ? b->meta_args.vals[i] : NULL;
}

char **
stage_run_env (struct builder *b, struct bstage *st, bool proxies)
{
  char **env = xzalloc (sizeof *env);
  for (size_t i = 0; i < st->args.n; i++)
    if (st->args.vals[i] && env_get (st->cfg.env, st->args.keys[i]) == NULL)
      env_set (&env, st->args.keys[i], st->args.vals[i]);
  for (size_t i = 0; proxies && i < b->build_args.n; i++)
    if (is_proxy_arg (b->build_args.keys[i]) && b->build_args.vals[i])
      {
        env_set (&env, b->build_args.keys[i], b->build_args.vals[i]);
        smap_set (&b->used_args, b->build_args.keys[i], "");
      }
  return env;
}

/* ARG NAME[=default]... : in a stage (st) or before the first FROM. */
static int
do_arg (struct builder *b, struct bstage *st, const struct df_instr *ins, char **desc,
        mk_error **err)
{
  _cleanup_strv_ char **words = df_split_words (ins->args, b->df->escape);
  _cleanup_free_ char *text = xstrdup ("ARG");
  for (size_t i = 0; words[i]; i++)
    {
      char *eq = strchr (words[i], '=');
      _cleanup_free_ char *name = eq ? xstrndup (words[i], (size_t) (eq - words[i]))
                                     : xstrdup (words[i]);
      if (*name == '\0')
        return build_fail (b, ins, err, "ARG `%s`: a name is needed", words[i]);
      _cleanup_free_ char *def = NULL;
      if (eq)
        {
          def = st ? df_expand_word (eq + 1, b->df->escape, stage_lookup, st, err)
                   : df_expand_word (eq + 1, b->df->escape, meta_lookup, b, err);
          if (def == NULL)
            return build_wrap (b, ins, err, "ARG %s", name);
        }
      const char *val = def;
      long given = smap_find (&b->build_args, name);
      if (given >= 0)
        {
          val = b->build_args.vals[given];
          smap_set (&b->used_args, name, "");
        }
      else if (st && !eq)
        {
          long g = smap_find (&b->meta_args, name);
          if (g >= 0)
            val = b->meta_args.vals[g];
        }
      smap_set (st ? &st->args : &b->meta_args, name, val);
      char *t = xasprintf ("%s %s=%s", text, name, val ? val : "");
      free (text);
      text = t;
    }
  if (desc)
    *desc = STEAL (text);
  return 0;
}

/* ---- steps ------------------------------------------------------------------ */

char *
step_key (struct bstage *st, const char *text)
{
  return xasprintf ("parent %s\n%s", st->image_id ? st->image_id : "scratch", text);
}

static int
stage_move_to (struct builder *b, struct bstage *st, const char *id, mk_error **err)
{
  struct image_cfg cfg = { 0 };
  if (image_cfg_load (b->s, id, &cfg, err) < 0)
    return -1;
  image_cfg_clear (&st->cfg);
  st->cfg = cfg;
  free (st->image_id);
  st->image_id = xstrdup (id);
  return 0;
}

int
step_cached (struct builder *b, struct bstage *st, const char *key)
{
  if (b->o->no_cache)
    return 0;
  _cleanup_free_ char *id = build_cache_get (b->s, key);
  if (id == NULL)
    return 0;
  _cleanup_error_ mk_error *e = NULL;
  if (stage_move_to (b, st, id, &e) < 0)
    return 0;
  out (b, " ---> Using cache\n ---> %.12s\n", digest_hex (id));
  return 1;
}

static int
register_image (struct builder *b, struct bstage *st, const char *created_by,
                const struct layer_created *lc, char **id_out, mk_error **err)
{
  char created[40];
  ctr_time_now (created, sizeof created);
  _cleanup_free_ char *config
      = image_cfg_generate (&st->cfg, created, created_by, lc ? lc->diff_id : NULL);
  _cleanup_store_image_ struct store_image *img = NULL;
  if (st->image_id && store_image_load (b->s, st->image_id, &img, err) < 0)
    return -1;
  size_t n = img ? img->n_layers : 0;
  _cleanup_free_ struct store_image_new_layer *layers = xzalloc ((n + 1) * sizeof *layers);
  for (size_t i = 0; i < n; i++)
    layers[i] = (struct store_image_new_layer) {
      .diff_id = img->layers[i].diff_id, .digest = img->layers[i].digest,
      .media_type = img->layers[i].media_type, .blob_size = img->layers[i].blob_size,
      .source = img->layers[i].source,
    };
  if (lc)
    layers[n++] = (struct store_image_new_layer) {
      .diff_id = lc->diff_id, .digest = lc->digest, .media_type = lc->media_type,
      .blob_size = lc->blob_size,
    };
  struct store_image_new in = { .config = config, .config_len = strlen (config),
                                .layers = layers, .n_layers = n };
  return store_image_register (b->s, &in, id_out, err);
}

int
step_commit (struct builder *b, struct bstage *st, const char *key, const char *created_by,
             const struct layer_created *lc, mk_error **err)
{
  _cleanup_free_ char *id = NULL;
  if (register_image (b, st, created_by, lc, &id, err) < 0)
    return mk_error_wrap (err, "commit the step");
  build_cache_put (b->s, key, id);
  if (st->image_id && strcmp (st->image_id, id) != 0)
    image_parent_record (b->s, id, st->image_id);
  if (stage_move_to (b, st, id, err) < 0)
    return -1;
  out (b, " ---> %.12s\n", digest_hex (id));
  return 0;
}

int
stage_image (struct builder *b, struct bstage *st, mk_error **err)
{
  if (st->image_id)
    return 0;
  /* scratch: the empty image (no layer, no history; the same id each time). */
  struct image_cfg empty = { 0 };
  char *config = image_cfg_generate (&empty, "1970-01-01T00:00:00Z", NULL, NULL);
  struct store_image_new in = { .config = config, .config_len = strlen (config) };
  _cleanup_free_ char *id = NULL;
  int r = store_image_register (b->s, &in, &id, err);
  free (config);
  if (r < 0)
    return -1;
  return stage_move_to (b, st, id, err);
}

/* ---- FROM ------------------------------------------------------------------- */

static void
pull_report (const struct mk_pull_status *st, void *opaque)
{
  struct builder *b = opaque;
  if (st->event == MK_PULL_LAYER_DONE)
    out (b, "%.12s: Pull complete\n", st->digest ? st->digest + 7 : "");
}

static int
find_base (struct builder *b, const struct df_instr *ins, const char *ref, char **id,
           mk_error **err)
{
  _cleanup_error_ mk_error *e = NULL;
  if (!b->o->pull && store_image_find (b->s, ref, id, &e) == 0)
    return 0;
  if (e && mk_error_errno (e) != ENOENT)
    return build_fail (b, ins, err, "%s", e->msg);
  mk_error_free (&e);
  /* Docker's lines: "TAG: Pulling from REPO", a line per layer, the digest
   * and the status. */
  _cleanup_free_ char *norm = NULL;
  if (store_ref_normalize (ref, &norm, &e) < 0)
    return build_fail (b, ins, err, "FROM %s: %s", ref, e->msg);
  _cleanup_free_ char *fam = store_ref_familiar (norm);
  _cleanup_free_ char *repo = NULL, *tag = NULL;
  store_ref_split (fam, &repo, &tag);
  out (b, "%s: Pulling from %s\n", tag ? tag : "latest", repo ? repo : fam);
  struct mk_pull_options po = { .report = pull_report, .opaque = b };
  struct mk_pull_result res = { 0 };
  if (mk_pull (b->s, ref, &po, &res, &e) < 0)
    return build_fail (b, ins, err, "FROM %s: %s", ref, e->msg);
  out (b, "Digest: %s\nStatus: %s %s\n", res.manifest_digest ? res.manifest_digest : "",
       res.n_downloaded ? "Downloaded newer image for" : "Image is up to date for", fam);
  *id = xstrdup (res.image_id);
  mk_pull_result_clear (&res);
  return 0;
}

static int build_step (struct builder *b, struct bstage *st, const struct df_instr *ins,
                       mk_error **err);

static int
do_from (struct builder *b, struct bstage *st, const struct df_instr *ins, mk_error **err)
{
  _cleanup_strv_ char **w = df_expand_words (ins->args, b->df->escape, meta_lookup, b, err);
  if (w == NULL)
    return build_wrap (b, ins, err, "FROM");
  size_t n = strv_len (w);
  if (!(n == 1 || (n == 3 && strcasecmp (w[1], "AS") == 0)))
    return build_fail (b, ins, err, "FROM wants IMAGE [AS NAME], got `%s`", ins->args);
  for (char **f = ins->flags; *f; f++)
    if (!str_has_prefix (*f, "--platform="))
      return build_fail (b, ins, err, "FROM: unknown flag `%s`", *f);
  if (n == 3)
    {
      st->name = xstrdup (w[2]);
      for (char *c = st->name; *c; c++)
        *c = (char) tolower ((unsigned char) *c);
      for (size_t i = 0; i < (size_t) st->index; i++)
        if (b->stages[i].name && strcmp (b->stages[i].name, st->name) == 0)
          return build_fail (b, ins, err, "duplicate stage name `%s`", w[2]);
    }
  if (strcasecmp (w[0], "scratch") == 0)
    {
      out (b, " ---> scratch\n");
      return 0;
    }
  for (int i = st->index - 1; i >= 0; i--)
    if (b->stages[i].name && strcasecmp (b->stages[i].name, w[0]) == 0)
      {
        struct bstage *src = &b->stages[i];
        if (src->image_id == NULL)
          {
            out (b, " ---> scratch\n");
            return 0;
          }
        if (stage_move_to (b, st, src->image_id, err) < 0)
          return -1;
        out (b, " ---> %.12s\n", digest_hex (st->image_id));
        return 0;
      }
  _cleanup_free_ char *id = NULL;
  if (find_base (b, ins, w[0], &id, err) < 0)
    return -1;
  if (stage_move_to (b, st, id, err) < 0)
    return -1;
  out (b, " ---> %.12s\n", digest_hex (id));

  /* ONBUILD triggers of the base run now; the new image does not keep them. */
  _cleanup_strv_ char **triggers = STEAL (st->cfg.onbuild);
  size_t nt = strv_len (triggers);
  if (nt)
    out (b, "# Executing %zu build trigger%s\n", nt, nt == 1 ? "" : "s");
  for (size_t i = 0; i < nt; i++)
    {
      _cleanup_dockerfile_ struct dockerfile *tdf = NULL;
      if (dockerfile_parse (triggers[i], strlen (triggers[i]), b->dfname, &tdf, err) < 0)
        return mk_error_wrap (err, "ONBUILD trigger of %s", w[0]);
      for (size_t j = 0; j < tdf->n; j++)
        {
          tdf->instrs[j].line = ins->line;
          if (build_step (b, st, &tdf->instrs[j], err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
build_step (struct builder *b, struct bstage *st, const struct df_instr *ins, mk_error **err)
{
  const char *c = ins->cmd;
  if (strcmp (c, "RUN") == 0)
    return build_run_step (b, st, ins, err);
  if (strcmp (c, "COPY") == 0 || strcmp (c, "ADD") == 0)
    return build_copy_step (b, st, ins, c[0] == 'A', err);
  if (strcmp (c, "ARG") == 0)
    {
      _cleanup_free_ char *desc = NULL;
      if (do_arg (b, st, ins, &desc, err) < 0)
        return -1;
      /* The history shows the names only; the key has the values. */
      _cleanup_free_ char *key = step_key (st, desc);
      if (step_cached (b, st, key))
        return 0;
      _cleanup_free_ char *by = xasprintf ("/bin/sh -c #(nop)  ARG %s", ins->args);
      return step_commit (b, st, key, by, NULL, err);
    }
  return build_meta_step (b, st, ins, err);
}

/* ---- the build ----------------------------------------------------------------- */

static void
builder_clear (struct builder *b)
{
  for (size_t i = 0; i < b->n_stages; i++)
    {
      free (b->stages[i].name);
      free (b->stages[i].image_id);
      image_cfg_clear (&b->stages[i].cfg);
      smap_clear (&b->stages[i].args);
    }
  free (b->stages);
  smap_clear (&b->build_args);
  smap_clear (&b->used_args);
  smap_clear (&b->meta_args);
  dockerignore_free (b->ignore);
  dockerfile_free (b->df);
  if (b->context_fd >= 0)
    close (b->context_fd);
}

static int
open_context (struct builder *b, mk_error **err)
{
  b->context_fd = -1;
  if (b->o->context == NULL)
    return 0;
  b->context_fd = open (b->o->context, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b->context_fd < 0)
    return mk_error_set (err, errno, "build context `%s`", b->o->context);
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (read_file_at (b->context_fd, ".dockerignore", 0, &text, NULL, &e) < 0
      && mk_error_errno (e) != ENOENT)
    {
      *err = STEAL (e);
      return mk_error_wrap (err, "build context `%s`", b->o->context);
    }
  b->ignore = dockerignore_new (text);
  return 0;
}

static int
tag_image (struct builder *b, const char *id, mk_error **err)
{
  for (char **t = b->o->tags; t && *t; t++)
    {
      _cleanup_free_ char *norm = NULL;
      if (store_ref_normalize (*t, &norm, err) < 0)
        return mk_error_wrap (err, "-t `%s`", *t);
      if (store_image_tag (b->s, id, norm, err) < 0)
        return -1;
      _cleanup_free_ char *fam = store_ref_familiar (norm);
      out (b, "Successfully tagged %s\n", fam);
    }
  return 0;
}

int
build_image (struct store *s, const struct build_options *o, char **id_out, mk_error **err)
{
  __attribute__ ((cleanup (builder_clear))) struct builder b = {
    .s = s, .o = o, .dfname = o->dockerfile_name, .context_fd = -1,
  };
  if (dockerfile_parse (o->dockerfile_text, strlen (o->dockerfile_text), b.dfname, &b.df, err)
      < 0)
    return -1;
  /* -t names are checked before anything is built. */
  for (char **t = o->tags; t && *t; t++)
    {
      _cleanup_free_ char *norm = NULL;
      if (store_ref_normalize (*t, &norm, err) < 0)
        return mk_error_wrap (err, "-t `%s`", *t);
      if (strchr (norm, '@'))
        return mk_error_set (err, 0, "-t `%s`: a tag, not a digest, names an image", *t);
    }
  for (char **a = o->build_args; a && *a; a++)
    {
      char *eq = strchr (*a, '=');
      _cleanup_free_ char *k = eq ? xstrndup (*a, (size_t) (eq - *a)) : xstrdup (*a);
      smap_set (&b.build_args, k, eq ? eq + 1 : getenv (k));
    }

  /* Stages: each FROM starts one; only ARGs may come before the first. */
  struct dockerfile *df = b.df;
  size_t first_from = df->n;
  for (size_t i = 0; i < df->n; i++)
    if (strcmp (df->instrs[i].cmd, "FROM") == 0)
      {
        if (first_from == df->n)
          first_from = i;
        b.stages = xrealloc (b.stages, (b.n_stages + 1) * sizeof *b.stages);
        b.stages[b.n_stages] = (struct bstage) { .index = (int) b.n_stages };
        b.n_stages++;
      }
    else if (first_from == df->n && strcmp (df->instrs[i].cmd, "ARG") != 0)
      return build_fail (&b, &df->instrs[i], err,
                         "%s before the first FROM (only ARG may come before it)",
                         df->instrs[i].cmd);
  if (b.n_stages == 0)
    return build_fail (&b, NULL, err, "no FROM instruction (a build needs a base image)");

  /* The stage to stop after: --target, else the last. */
  size_t last_stage = b.n_stages - 1, end = df->n;
  if (o->target)
    {
      bool found = false;
      size_t si = 0;
      for (size_t i = first_from; i < df->n && !found; i++)
        if (strcmp (df->instrs[i].cmd, "FROM") == 0)
          {
            _cleanup_strv_ char **w = df_split_words (df->instrs[i].args, df->escape);
            if (strv_len (w) == 3 && strcasecmp (w[2], o->target) == 0)
              {
                found = true;
                last_stage = si;
                end = i + 1;
                while (end < df->n && strcmp (df->instrs[end].cmd, "FROM") != 0)
                  end++;
              }
            si++;
          }
      if (!found)
        return build_fail (&b, NULL, err, "--target: no stage named `%s`", o->target);
    }
  b.steps = (int) end;

  if (open_context (&b, err) < 0)
    return -1;

  struct bstage *st = NULL;
  size_t si = 0;
  interrupted = 0;
  build_signals_catch ();
  int r = 0;
  for (size_t i = 0; i < end && r == 0; i++)
    {
      const struct df_instr *ins = &df->instrs[i];
      if (interrupted)
        {
          r = mk_error_set (err, 0, "build interrupted (%s)", strsignal (interrupted));
          break;
        }
      out (&b, "Step %d/%d : %s\n", ++b.step, b.steps, ins->original);
      if (strcmp (ins->cmd, "FROM") == 0)
        {
          st = &b.stages[si++];
          r = do_from (&b, st, ins, err);
          continue;
        }
      if (st == NULL)
        r = do_arg (&b, NULL, ins, NULL, err);
      else
        r = build_step (&b, st, ins, err);
    }
  signals_default ();
  if (r < 0)
    return -1;

  st = &b.stages[last_stage];
  if (stage_image (&b, st, err) < 0)
    return -1;
  /* Build args given but never declared: Docker's warning. */
  _cleanup_free_ char *unused = NULL;
  for (size_t i = 0; i < b.build_args.n; i++)
    if (smap_find (&b.used_args, b.build_args.keys[i]) < 0 && !is_proxy_arg (b.build_args.keys[i]))
      {
        char *u = xasprintf ("%s%s%s", unused ? unused : "", unused ? " " : "",
                             b.build_args.keys[i]);
        free (unused);
        unused = u;
      }
  if (unused)
    fprintf (stderr, "[Warning] One or more build-args [%s] were not consumed\n", unused);
  out (&b, "Successfully built %.12s\n", digest_hex (st->image_id));
  if (tag_image (&b, st->image_id, err) < 0)
    return -1;
  *id_out = xstrdup (st->image_id);
  return 0;
}
