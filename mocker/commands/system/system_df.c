/* mocker system df [-v] [--format T]: the disk the store uses, as Docker's
 * (cli/command/formatter/disk_usage.go): one row per kind, TYPE TOTAL ACTIVE
 * SIZE RECLAIMABLE. Images: the distinct layers' bytes; active = used by a
 * container; reclaimable = the total less the unique bytes of the active
 * images. Containers: their writable layers (upper/); active = running.
 * Local Volumes: their _data; active = used by a container. Build Cache:
 * the entries of build-cache/ (the images they name are counted as images,
 * so their size is 0B). */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/filter.h"
#include "mocker/container/list_index.h"
#include "mocker/container/size.h"
#include "mocker/container/status.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"
#include "mocker/commands/system/system.h"
#include "mocker/ui/format.h"
#include "mocker/ui/formatter.h"
#include "mocker/ui/table.h"
#include "mocker/volume/volume.h"

static const char usage[] =
  "Usage: mocker system df [OPTIONS]\n"
  "\n"
  "Show the disk used by images, containers, volumes and the build cache.\n"
  "\n"
  "Options:\n"
  "      --format TMPL   Go template over Type, TotalCount, Active, Size,\n"
  "                      Reclaimable (`table TMPL`, `json`)\n"
  "  -v, --verbose       list every image, container and volume\n"
  "  -h, --help          print this help\n";

static const char default_table[] =
  "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
static const char headers[] =
  "{\"Type\":\"TYPE\",\"TotalCount\":\"TOTAL\",\"Active\":\"ACTIVE\",\"Size\":\"SIZE\","
  "\"Reclaimable\":\"RECLAIMABLE\"}";

struct usage_row
{
  const char *type;
  long long total, active, size, reclaimable;
  bool percent; /* Docker adds "(N%)" to every kind but the build cache */
};

/* "1.2MB (40%)" */
static char *
reclaimable_text (const struct usage_row *r)
{
  _cleanup_free_ char *sz = ui_format_size_prec ((double) r->reclaimable, 4);
  if (r->percent && r->size > 0)
    return xasprintf ("%s (%lld%%)", sz, r->reclaimable * 100 / r->size);
  return STEAL (sz);
}

static yajl_val
row_json (const struct usage_row *r, mk_error **err)
{
  char total[24], active[24];
  snprintf (total, sizeof total, "%lld", r->total);
  snprintf (active, sizeof active, "%lld", r->active);
  _cleanup_free_ char *size = ui_format_size_prec ((double) r->size, 4);
  _cleanup_free_ char *rec = reclaimable_text (r);
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "Active", active);
  json_kv_str (g, "Reclaimable", rec);
  json_kv_str (g, "Size", size);
  json_kv_str (g, "TotalCount", total);
  json_kv_str (g, "Type", r->type);
  json_obj_close (g);
  size_t len;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  yajl_val v = NULL;
  if (json_parse (text, len, "df row", &v, err) < 0)
    return NULL;
  return v;
}

static bool
in_list (char **list, const char *s)
{
  for (char **p = list; p && *p; p++)
    if (strcmp (*p, s) == 0)
      return true;
  return false;
}

/* How many images hold each layer (by chain id), for shared sizes. */
static long long
layer_users (struct store_image **list, size_t n, const char *chain_id)
{
  long long users = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < list[i]->n_layers; k++)
      if (strcmp (list[i]->layers[k].chain_id, chain_id) == 0)
        {
          users++;
          break;
        }
  return users;
}

static long long
shared_size (struct store_image **list, size_t n, const struct store_image *img)
{
  long long shared = 0;
  for (size_t k = 0; k < img->n_layers; k++)
    if (layer_users (list, n, img->layers[k].chain_id) > 1)
      shared += img->layers[k].size;
  return shared;
}

static int
images_usage (struct store *s, struct container **ctrs, size_t n_ctrs, struct usage_row *r,
              struct ui_table *t, mk_error **err)
{
  struct store_image **list = NULL;
  size_t n = 0;
  if (store_image_list (s, &list, &n, err) < 0)
    return -1;
  _cleanup_strv_ char **seen = NULL;
  long long used = 0;
  time_t now = time (NULL);
  for (size_t i = 0; i < n; i++)
    {
      struct store_image *img = list[i];
      for (size_t k = 0; k < img->n_layers; k++)
        if (!in_list (seen, img->layers[k].chain_id))
          {
            strv_push (&seen, img->layers[k].chain_id);
            r->size += img->layers[k].size;
          }
      /* Docker's Containers: how many containers are made from it */
      long long containers = 0;
      for (size_t k = 0; k < n_ctrs; k++)
        containers += ctr_image (ctrs[k]) && strcmp (ctr_image (ctrs[k]), img->id) == 0;
      long long shared = shared_size (list, n, img);
      if (containers)
        {
          r->active++;
          used += img->size - shared;
        }
      if (t == NULL)
        continue;
      /* a row per name (or one <none> row), as Docker's -v */
      _cleanup_free_ char *id = ui_short_id (img->id);
      _cleanup_free_ char *ago = ui_format_ago (img->created_time, now);
      _cleanup_free_ char *sz = ui_format_size_prec ((double) img->size, 4);
      _cleanup_free_ char *sh = ui_format_size_prec ((double) shared, 4);
      _cleanup_free_ char *un = ui_format_size_prec ((double) (img->size - shared), 4);
      char nc[24];
      snprintf (nc, sizeof nc, "%lld", containers);
      for (size_t k = 0; k == 0 || (img->tags && img->tags[k]); k++)
        {
          _cleanup_free_ char *fam = img->tags && img->tags[k] ? store_ref_familiar (img->tags[k])
                                                               : xstrdup ("<none>:<none>");
          char *colon = strrchr (fam, ':');
          if (colon && !strchr (colon, '/'))
            *colon++ = '\0';
          ui_table_addv (t, fam, colon ? colon : "<none>", id, ago, sz, sh, un, nc);
        }
    }
  r->total = (long long) n;
  r->reclaimable = r->size - used > 0 ? r->size - used : 0;
  store_image_list_free (list, n);
  return 0;
}

static void
containers_usage (struct container **list, size_t n, struct usage_row *r, struct ui_table *t)
{
  time_t now = time (NULL);
  for (size_t i = 0; i < n; i++)
    {
      struct container *c = list[i];
      _cleanup_free_ char *upper = path_join (c->dir, "upper");
      long long size = ctr_dir_size (upper);
      enum ctr_live live = ctr_live_status (c);
      r->size += size;
      if (live == LIVE_RUNNING)
        r->active++;
      else
        r->reclaimable += size;
      if (t == NULL)
        continue;
      _cleanup_free_ char *id = xstrndup (c->id, 12);
      _cleanup_free_ char *cmd = ctr_command_line (c);
      _cleanup_free_ char *quoted = xasprintf ("\"%.19s%s\"", cmd, strlen (cmd) > 19 ? "…" : "");
      struct ctr_mount_view *mv;
      size_t n_mv = ctr_mount_views (c, &mv);
      int volumes = 0;
      for (size_t k = 0; k < n_mv; k++)
        volumes += strcmp (mv[k].type, "volume") == 0;
      ctr_mount_views_free (mv, n_mv);
      char nv[16];
      snprintf (nv, sizeof nv, "%d", volumes);
      _cleanup_free_ char *sz = ui_format_size_prec ((double) size, 4);
      _cleanup_free_ char *ago = ui_format_ago (ctr_time_parse (json_get_str (c->record, "created")), now);
      _cleanup_free_ char *status = ctr_status_text (c, live, ctr_state_string (c, live), now);
      ui_table_addv (t, id, ctr_image_ref (c), quoted, nv, sz, ago, status, c->name);
    }
  r->total = (long long) n;
}

static int
volumes_usage (struct store *s, struct usage_row *r, struct ui_table *t, mk_error **err)
{
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  _cleanup_strv_ char **names = volume_list (s);
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_free_ char *data = volume_data_dir (s, names[i]);
      long long size = ctr_dir_size (data);
      _cleanup_strv_ char **users = volume_users_locked (s, names[i]);
      size_t links = strv_len (users);
      r->total++;
      r->size += size;
      if (links)
        r->active++;
      else
        r->reclaimable += size;
      if (t)
        {
          char nl[24];
          snprintf (nl, sizeof nl, "%zu", links);
          _cleanup_free_ char *sz = ui_format_size_prec ((double) size, 4);
          ui_table_addv (t, names[i], nl, sz);
        }
    }
  return 0;
}

static void
cache_usage (struct store *s, struct usage_row *r)
{
  _cleanup_free_ char *dir = store_path (s, "build-cache");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *e;
  while (d && (e = readdir (d)) != NULL)
    if (e->d_name[0] != '.')
      r->total++;
}

int
system_df (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "verbose", no_argument, NULL, 'v' },
    { "format", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool verbose = false;
  const char *format = NULL;
  int c;
  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    switch (c)
      {
      case 'v': verbose = true; break;
      case 'F': format = optarg; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "system df", "+vh", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "system df", "no arguments expected");
  _cleanup_ui_formatter_ struct ui_formatter *fmt = NULL;
  if (!verbose)
    {
      fmt = ui_formatter_new (format && *format ? format : "table", default_table, headers, err);
      if (fmt == NULL)
        return -1;
    }
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  struct usage_row rows[] = {
    { .type = "Images", .percent = true },
    { .type = "Containers", .percent = true },
    { .type = "Local Volumes", .percent = true },
    { .type = "Build Cache" },
  };
  _cleanup_ui_table_ struct ui_table *ti = verbose ? ui_table_new (8) : NULL;
  _cleanup_ui_table_ struct ui_table *tc = verbose ? ui_table_new (8) : NULL;
  _cleanup_ui_table_ struct ui_table *tv = verbose ? ui_table_new (3) : NULL;
  if (ti)
    {
      ui_table_addv (ti, "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE",
                     "UNIQUE SIZE", "CONTAINERS");
      ui_table_addv (tc, "CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED",
                     "STATUS", "NAMES");
      ui_table_addv (tv, "VOLUME NAME", "LINKS", "SIZE");
    }
  /* the containers, listed once: images count their users */
  struct container **ctrs;
  size_t n_ctrs;
  if (ctr_list_indexed (s, &ctrs, &n_ctrs, err) < 0)
    return -1;
  int r = images_usage (s, ctrs, n_ctrs, &rows[0], ti, err);
  if (r == 0)
    containers_usage (ctrs, n_ctrs, &rows[1], tc);
  ctr_list_free (ctrs, n_ctrs);
  if (r < 0 || volumes_usage (s, &rows[2], tv, err) < 0)
    return -1;
  cache_usage (s, &rows[3]);
  if (verbose)
    {
      printf ("Images space usage:\n\n");
      ui_table_print (ti, stdout);
      printf ("\nContainers space usage:\n\n");
      ui_table_print (tc, stdout);
      printf ("\nLocal Volumes space usage:\n\n");
      ui_table_print (tv, stdout);
      printf ("\nBuild cache usage: 0B\n");
      return 0;
    }
  for (size_t i = 0; i < ARRAY_SIZE (rows); i++)
    {
      _cleanup_json_ yajl_val row = row_json (&rows[i], err);
      if (row == NULL || ui_formatter_row (fmt, row, err) < 0)
        return -1;
    }
  ui_formatter_finish (fmt, stdout);
  return 0;
}
