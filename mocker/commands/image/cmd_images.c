/* mocker images [-a] [-q] [--no-trunc] [-f KEY=VALUE] [--format TEMPLATE]
 * [REPOSITORY[:TAG]]: Docker's image table; also `mocker image ls` (cmd_image.c). */
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/image/image_parents.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/ui/filter.h"
#include "mocker/ui/format.h"
#include "mocker/ui/formatter.h"
#include "mocker/ui/table.h"

static const char usage[] =
  "Usage: mocker images [OPTIONS] [REPOSITORY[:TAG]]\n"
  "\n"
  "List images; with REPOSITORY[:TAG], only those names (shell patterns\n"
  "such as `team/*` or `app:1.*` work).\n"
  "\n"
  "Options:\n"
  "  -a, --all             also the intermediate images of builds\n"
  "  -f, --filter KEY=VAL  only matching images: dangling=true|false,\n"
  "                        reference=PATTERN, label=KEY[=VALUE], before=IMAGE,\n"
  "                        since=IMAGE (repeatable)\n"
  "      --format TMPL     Go template (`table TMPL` for columns, `json`)\n"
  "      --no-trunc        full image IDs\n"
  "  -q, --quiet           only image IDs\n"
  "  -h, --help            print this help\n";

static const char default_table[] =
  "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

/* Docker's FullHeader of an image row. */
static const char headers[] =
  "{\"Containers\":\"CONTAINERS\",\"CreatedAt\":\"CREATED AT\",\"CreatedSince\":\"CREATED\","
  "\"Digest\":\"DIGEST\",\"ID\":\"IMAGE ID\",\"Repository\":\"REPOSITORY\","
  "\"SharedSize\":\"SHARED SIZE\",\"Size\":\"SIZE\",\"Tag\":\"TAG\","
  "\"UniqueSize\":\"UNIQUE SIZE\",\"VirtualSize\":\"VIRTUAL SIZE\"}";

static const char *const filter_keys[] = {
  "dangling", "reference", "label", "before", "since", NULL,
};

struct row
{
  const struct store_image *img;
  char *repo;   /* familiar repository or "<none>" */
  char *tag;    /* tag or "<none>" */
  char *digest; /* repo digest's digest or "<none>" */
};

/* Docker's rows: one per tag; an image with only digests gets one row per
 * repository with TAG <none>; one with neither is <none> <none>. */
static void
image_rows (const struct store_image *img, struct row **rows, size_t *n)
{
  size_t cap = strv_len (img->tags) + strv_len (img->repo_digests) + 1;
  *rows = xrealloc (*rows, (*n + cap) * sizeof **rows);
  size_t added = 0;
  for (char **t = img->tags; t && *t; t++)
    {
      _cleanup_free_ char *fam = store_ref_familiar (*t);
      struct row *r = &(*rows)[*n + added++];
      r->img = img;
      store_ref_split (fam, &r->repo, &r->tag);
      r->digest = NULL;
      for (char **d = img->repo_digests; d && *d; d++)
        {
          _cleanup_free_ char *drepo = NULL, *dd = NULL, *trepo = NULL, *tt = NULL;
          store_ref_split (*d, &drepo, &dd);
          store_ref_split (*t, &trepo, &tt);
          if (strcmp (drepo, trepo) == 0)
            {
              r->digest = STEAL (dd);
              break;
            }
        }
      if (r->digest == NULL)
        r->digest = xstrdup ("<none>");
    }
  if (added == 0)
    for (char **d = img->repo_digests; d && *d; d++)
      {
        _cleanup_free_ char *fam = store_ref_familiar (*d);
        char *repo, *dig;
        store_ref_split (fam, &repo, &dig);
        bool dup = false;
        for (size_t i = 0; i < added; i++)
          dup |= strcmp ((*rows)[*n + i].repo, repo) == 0;
        if (dup)
          {
            free (repo);
            free (dig);
            continue;
          }
        struct row *r = &(*rows)[*n + added++];
        r->img = img;
        r->repo = repo;
        r->tag = xstrdup ("<none>");
        r->digest = dig;
      }
  if (added == 0)
    {
      struct row *r = &(*rows)[*n + added++];
      r->img = img;
      r->repo = xstrdup ("<none>");
      r->tag = xstrdup ("<none>");
      r->digest = xstrdup ("<none>");
    }
  *n += added;
}

/* REPOSITORY[:TAG] given on the command line: patterns for both parts. */
struct filter
{
  char *repo;
  char *tag;  /* NULL: any */
};

static void
filter_parse (const char *arg, struct filter *f)
{
  const char *slash = strrchr (arg, '/');
  const char *colon = strrchr (slash ? slash : arg, ':');
  f->repo = colon ? xstrndup (arg, colon - arg) : xstrdup (arg);
  f->tag = colon ? xstrdup (colon + 1) : NULL;
}

/* A row matches when its repository matches in familiar form
 * ("busybox", "user/app") or in full ("docker.io/library/busybox"). */
static bool
filter_match (const struct filter *f, const struct row *r)
{
  if (strcmp (r->repo, "<none>") == 0)
    return false;
  if (f->tag && fnmatch (f->tag, r->tag, 0) != 0)
    return false;
  if (fnmatch (f->repo, r->repo, FNM_PATHNAME) == 0)
    return true;
  _cleanup_free_ char *norm = NULL;
  _cleanup_free_ char *full = NULL, *tag = NULL;
  _cleanup_error_ mk_error *ignored = NULL;
  if (store_ref_normalize (r->repo, &norm, &ignored) < 0)
    return false;
  store_ref_split (norm, &full, &tag);
  return fnmatch (f->repo, full, FNM_PATHNAME) == 0;
}

static char *
display_id (const char *id, bool no_trunc)
{
  return no_trunc ? xstrdup (id) : ui_short_id (id);
}

/* An image row as Docker's ImageContext marshals it (keys sorted). */
static yajl_val
row_json (const struct row *r, bool no_trunc, time_t now, mk_error **err)
{
  _cleanup_free_ char *id = display_id (r->img->id, no_trunc);
  _cleanup_free_ char *ago = ui_format_ago (r->img->created_time, now);
  _cleanup_free_ char *size = ui_format_size ((double) r->img->size);
  char created_at[64];
  ui_format_go_time (r->img->created_time, created_at, sizeof created_at);
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "Containers", "N/A");
  json_kv_str (g, "CreatedAt", created_at);
  json_kv_str (g, "CreatedSince", ago);
  json_kv_str (g, "Digest", r->digest);
  json_kv_str (g, "ID", id);
  json_kv_str (g, "Repository", r->repo);
  json_kv_str (g, "SharedSize", "N/A");
  json_kv_str (g, "Size", size);
  json_kv_str (g, "Tag", r->tag);
  json_kv_str (g, "UniqueSize", "N/A");
  json_kv_str (g, "VirtualSize", size);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  if (json_parse (text, len, "images row", &v, err) < 0)
    return NULL;
  return v;
}

/* The filters, with before/since resolved to creation times. */
struct image_filter
{
  struct ui_filter f;
  bool has_before, has_since;
  time_t before, since;
};

static int
resolve_time (struct store *s, const char *key, const char *ref, time_t *out, mk_error **err)
{
  _cleanup_free_ char *id = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  if (store_image_find (s, ref, &id, err) < 0 || store_image_load (s, id, &img, err) < 0)
    return mk_error_wrap (err, "images: --filter %s", key);
  *out = img->created_time;
  return 0;
}

static int
image_filter_check (struct store *s, struct image_filter *f, mk_error **err)
{
  for (size_t i = 0; i < f->f.n; i++)
    {
      const char *k = f->f.keys[i], *v = f->f.values[i];
      if (strcmp (k, "dangling") == 0 && strcmp (v, "true") != 0 && strcmp (v, "false") != 0
          && strcmp (v, "1") != 0 && strcmp (v, "0") != 0)
        return mocker_flag_error (err, "images", "--filter: invalid filter 'dangling=%s'", v);
      if (strcmp (k, "before") == 0)
        {
          time_t t;
          if (resolve_time (s, k, v, &t, err) < 0)
            return -1;
          /* several values: the newest bound is the one that counts (Docker) */
          if (!f->has_before || t > f->before)
            f->before = t;
          f->has_before = true;
        }
      if (strcmp (k, "since") == 0)
        {
          time_t t;
          if (resolve_time (s, k, v, &t, err) < 0)
            return -1;
          if (!f->has_since || t < f->since)
            f->since = t;
          f->has_since = true;
        }
    }
  return 0;
}

/* Every label filter holds on the image's config Labels. */
static bool
match_labels (struct store *s, const struct image_filter *f, const struct store_image *img)
{
  if (!ui_filter_has (&f->f, "label"))
    return true;
  _cleanup_free_ char *text = NULL;
  size_t len;
  _cleanup_error_ mk_error *e = NULL;
  _cleanup_json_ yajl_val cfg = NULL;
  if (store_image_config (s, img->id, &text, &len, &e) < 0
      || json_parse (text, len, "image config", &cfg, &e) < 0)
    return false;
  return ui_filter_labels (&f->f, json_get (json_get (cfg, "config"), "Labels"));
}

/* Docker's reference filter: a glob (path.Match) on "repo:tag", or on the
 * repository alone. */
static bool
match_reference (const struct image_filter *f, const struct row *r)
{
  if (!ui_filter_has (&f->f, "reference"))
    return true;
  if (strcmp (r->repo, "<none>") == 0)
    return false;
  _cleanup_free_ char *full = strcmp (r->tag, "<none>") == 0
                                ? xstrdup (r->repo) : xasprintf ("%s:%s", r->repo, r->tag);
  for (size_t i = 0; i < f->f.n; i++)
    if (strcmp (f->f.keys[i], "reference") == 0
        && (fnmatch (f->f.values[i], full, FNM_PATHNAME) == 0
            || fnmatch (f->f.values[i], r->repo, FNM_PATHNAME) == 0))
      return true;
  return false;
}

static bool
match_image (struct store *s, const struct image_filter *f, const struct store_image *img)
{
  for (size_t i = 0; i < f->f.n; i++)
    if (strcmp (f->f.keys[i], "dangling") == 0)
      {
        bool want = strcmp (f->f.values[i], "true") == 0 || strcmp (f->f.values[i], "1") == 0;
        if (want != (strv_len (img->tags) == 0))
          return false;
      }
  if (f->has_before && !(img->created_time < f->before))
    return false;
  if (f->has_since && !(img->created_time > f->since))
    return false;
  return match_labels (s, f, img);
}

static void
rows_free (struct row *rows, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (rows[i].repo);
      free (rows[i].tag);
      free (rows[i].digest);
    }
  free (rows);
}

static int
list_images (struct store *s, struct image_filter *filter, const char *repo_arg, bool all,
             bool quiet, bool no_trunc, struct ui_formatter *fmt, mk_error **err)
{
  struct store_image **list = NULL;
  size_t n = 0;
  if (store_image_list (s, &list, &n, err) < 0)
    return -1;
  /* As Docker: the intermediate images of builds only with -a. */
  if (!all)
    image_list_drop_intermediate (s, list, &n);
  struct filter repo_filter = { 0 };
  if (repo_arg)
    filter_parse (repo_arg, &repo_filter);
  struct row *rows = NULL;
  size_t nrows = 0;
  for (size_t i = 0; i < n; i++)
    {
      if (!match_image (s, filter, list[i]))
        continue;
      size_t first = nrows;
      image_rows (list[i], &rows, &nrows);
      /* the reference filter keeps the matching rows only (Docker) */
      size_t kept = first;
      for (size_t r = first; r < nrows; r++)
        if (match_reference (filter, &rows[r])
            && (repo_arg == NULL || filter_match (&repo_filter, &rows[r])))
          rows[kept++] = rows[r];
        else
          {
            free (rows[r].repo);
            free (rows[r].tag);
            free (rows[r].digest);
          }
      nrows = kept;
    }
  free (repo_filter.repo);
  free (repo_filter.tag);
  int ret = 0;
  time_t now = time (NULL);
  if (quiet)
    {
      /* one line per image, even with several tags */
      for (size_t i = 0; i < nrows; i++)
        {
          bool seen = false;
          for (size_t k = 0; k < i && !seen; k++)
            seen = rows[k].img == rows[i].img;
          if (seen)
            continue;
          _cleanup_free_ char *id = display_id (rows[i].img->id, no_trunc);
          printf ("%s\n", id);
        }
    }
  else if (fmt)
    {
      for (size_t i = 0; i < nrows && ret == 0; i++)
        {
          yajl_val row = row_json (&rows[i], no_trunc, now, err);
          if (row == NULL || ui_formatter_row (fmt, row, err) < 0)
            ret = -1;
          if (row)
            yajl_tree_free (row);
        }
      if (ret == 0)
        ui_formatter_finish (fmt, stdout);
    }
  else
    {
      _cleanup_ui_table_ struct ui_table *t = ui_table_new (5);
      ui_table_addv (t, "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
      for (size_t i = 0; i < nrows; i++)
        {
          _cleanup_free_ char *id = display_id (rows[i].img->id, no_trunc);
          _cleanup_free_ char *ago = ui_format_ago (rows[i].img->created_time, now);
          _cleanup_free_ char *size = ui_format_size ((double) rows[i].img->size);
          ui_table_addv (t, rows[i].repo, rows[i].tag, id, ago, size);
        }
      ui_table_print (t, stdout);
    }
  rows_free (rows, nrows);
  store_image_list_free (list, n);
  return ret;
}

int
cmd_images (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'T' },
    { "format", required_argument, NULL, 'F' },
    { "filter", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool quiet = false, no_trunc = false, all = false;
  const char *format = NULL;
  struct image_filter filter = { 0 };
  int c, ret = -1;
  _cleanup_ui_formatter_ struct ui_formatter *fmt = NULL;
  while ((c = getopt_long (argc, argv, "aqf:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'q':
        quiet = true;
        break;
      case 'T':
        no_trunc = true;
        break;
      case 'F':
        format = optarg;
        break;
      case 'f':
        if (ui_filter_add (&filter.f, "images", optarg, filter_keys, err) < 0)
          goto out;
        break;
      case 'h':
        ui_filter_clear (&filter.f);
        return mocker_print_usage (usage);
      default:
        mocker_option_error (err, "images", "aqf:h", argv);
        goto out;
      }
  if (argc - optind > 1)
    {
      mocker_usage_error (err, "images", "want at most one REPOSITORY[:TAG], got `%s` too",
                          argv[optind + 1]);
      goto out;
    }
  ctx->quiet = quiet;
  if (format && *format && !quiet)
    {
      fmt = ui_formatter_new (format, default_table, headers, err);
      if (fmt == NULL)
        goto out;
    }
  struct store *s = mocker_store (ctx, err);
  if (s == NULL || image_filter_check (s, &filter, err) < 0)
    goto out;
  ret = list_images (s, &filter, optind < argc ? argv[optind] : NULL, all, quiet, no_trunc, fmt,
                     err);
out:
  ui_filter_clear (&filter.f);
  return ret;
}
