/* mocker images [-q] [--no-trunc] [--format json] [REPOSITORY[:TAG]]:
 * Docker's image table; also `mocker image ls` (cmd_image.c). */
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/image_parents.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/ui/format.h"
#include "mocker/ui/table.h"

static const char usage[] =
  "Usage: mocker images [OPTIONS] [REPOSITORY[:TAG]]\n"
  "\n"
  "List images; with REPOSITORY[:TAG], only those names (shell patterns\n"
  "such as `team/*` or `app:1.*` work).\n"
  "\n"
  "Options:\n"
  "  -a, --all             also the intermediate images of builds\n"
  "  -q, --quiet           only image IDs\n"
  "      --no-trunc        full image IDs\n"
  "      --format json     one JSON object per line\n"
  "  -h, --help            print this help\n";

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

/* Go's time.Time String() in UTC: "2026-11-22 13:51:58 +0000 UTC". */
static void
format_created_at (time_t t, char *buf, size_t n)
{
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (buf, n, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
}

static void
print_json_row (const struct row *r, bool no_trunc, time_t now)
{
  _cleanup_free_ char *id = display_id (r->img->id, no_trunc);
  _cleanup_free_ char *ago = ui_format_ago (r->img->created_time, now);
  _cleanup_free_ char *size = ui_format_size ((double) r->img->size);
  char created_at[64];
  format_created_at (r->img->created_time, created_at, sizeof created_at);
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
  _cleanup_free_ char *text = json_gen_finish (g, NULL);
  printf ("%s\n", text);
}

int
cmd_images (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "quiet", no_argument, NULL, 'q' },
    { "no-trunc", no_argument, NULL, 'T' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool quiet = false, no_trunc = false, json = false, all = false;
  int c;
  while ((c = getopt_long (argc, argv, "aqh", opts, NULL)) != -1)
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
      case 'f':
        if (strcmp (optarg, "json") != 0 && strcmp (optarg, "{{json .}}") != 0)
          return mocker_flag_error (err, "images", "unsupported format `%s` (only json)", optarg);
        json = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "images", "aqh", argv);
      }
  if (argc - optind > 1)
    return mocker_usage_error (err, "images", "want at most one REPOSITORY[:TAG], got `%s` too",
                               argv[optind + 1]);
  ctx->quiet = quiet;

  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct store_image **list = NULL;
  size_t n = 0;
  if (store_image_list (s, &list, &n, err) < 0)
    return -1;
  /* As Docker: the intermediate images of builds only with -a. */
  if (!all)
    image_list_drop_intermediate (s, list, &n);

  struct row *rows = NULL;
  size_t nrows = 0;
  for (size_t i = 0; i < n; i++)
    image_rows (list[i], &rows, &nrows);
  if (optind < argc)
    {
      struct filter f;
      filter_parse (argv[optind], &f);
      size_t kept = 0;
      for (size_t i = 0; i < nrows; i++)
        {
          if (filter_match (&f, &rows[i]))
            rows[kept++] = rows[i];
          else
            {
              free (rows[i].repo);
              free (rows[i].tag);
              free (rows[i].digest);
            }
        }
      nrows = kept;
      free (f.repo);
      free (f.tag);
    }

  if (quiet)
    {
      /* one line per image, as before the filter */
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
      for (size_t i = 0; i < nrows; i++)
        {
          free (rows[i].repo);
          free (rows[i].tag);
          free (rows[i].digest);
        }
      free (rows);
      store_image_list_free (list, n);
      return 0;
    }

  time_t now = time (NULL);
  if (json)
    for (size_t i = 0; i < nrows; i++)
      print_json_row (&rows[i], no_trunc, now);
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
  for (size_t i = 0; i < nrows; i++)
    {
      free (rows[i].repo);
      free (rows[i].tag);
      free (rows[i].digest);
    }
  free (rows);
  store_image_list_free (list, n);
  return 0;
}
