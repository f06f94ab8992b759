/* mocker history [OPTIONS] IMAGE: the image's history, newest first, as
 * `docker history` prints it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/container/state.h"
#include "mocker/mocker.h"
#include "mocker/store/image.h"
#include "mocker/ui/format.h"
#include "mocker/ui/table.h"

static const char usage[] =
  "Usage: mocker history [OPTIONS] IMAGE\n"
  "\n"
  "Show the history of an image (newest first).\n"
  "\n"
  "Options:\n"
  "      --no-trunc    do not truncate the output\n"
  "  -q, --quiet       print only the image IDs\n"
  "  -h, --help        print this help\n";

/* The stored image whose config history is the first n entries of ours
 * with the same layers (a build step's image), or NULL. */
static const char *
image_at (struct store *s, struct store_image **list, size_t nl, yajl_val hist, size_t n,
          size_t n_layers)
{
  for (size_t i = 0; i < nl; i++)
    {
      if (list[i]->n_layers != n_layers)
        continue;
      _cleanup_free_ char *text = NULL;
      size_t len;
      _cleanup_json_ yajl_val cfg = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (store_image_config (s, list[i]->id, &text, &len, &e) < 0
          || json_parse (text, len, "config", &cfg, &e) < 0)
        continue;
      yajl_val h = json_get (cfg, "history");
      if (h == NULL || !YAJL_IS_ARRAY (h) || h->u.array.len != n)
        continue;
      bool same = true;
      for (size_t j = 0; j < n && same; j++)
        {
          const char *a = json_get_str (h->u.array.values[j], "created");
          const char *b = json_get_str (hist->u.array.values[j], "created");
          const char *c = json_get_str (h->u.array.values[j], "created_by");
          const char *d = json_get_str (hist->u.array.values[j], "created_by");
          same = a && b && c && d && strcmp (a, b) == 0 && strcmp (c, d) == 0;
        }
      if (same)
        return list[i]->id;
    }
  return NULL;
}

int
cmd_history (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "no-trunc", no_argument, NULL, 'T' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool no_trunc = false, quiet = false;
  int c;
  while ((c = getopt_long (argc, argv, "qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'T': no_trunc = true; break;
      case 'q': quiet = true; break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "history", "qh", argv);
      }
  if (argc - optind != 1)
    return mocker_usage_error (err, "history", "want exactly one IMAGE");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_free_ char *id = NULL;
  if (store_image_find (s, argv[optind], &id, err) < 0)
    return -1;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_json_ yajl_val cfg = NULL;
  if (store_image_load (s, id, &img, err) < 0 || store_image_config (s, id, &text, &len, err) < 0
      || json_parse (text, len, "image config", &cfg, err) < 0)
    return -1;
  yajl_val hist = json_get (cfg, "history");
  size_t nh = hist && YAJL_IS_ARRAY (hist) ? hist->u.array.len : 0;
  struct store_image **list = NULL;
  size_t nl = 0;
  if (store_image_list (s, &list, &nl, err) < 0)
    return -1;

  /* Which layer each entry made (the non-empty ones, in order). */
  long long *sizes = xzalloc ((nh + 1) * sizeof *sizes);
  size_t *layers_upto = xzalloc ((nh + 1) * sizeof *layers_upto);
  size_t li = 0;
  for (size_t i = 0; i < nh; i++)
    {
      yajl_val empty = json_get (hist->u.array.values[i], "empty_layer");
      if (!(empty && YAJL_IS_TRUE (empty)) && li < img->n_layers)
        sizes[i] = img->layers[li++].size;
      layers_upto[i] = li;
    }

  _cleanup_ui_table_ struct ui_table *t = ui_table_new (5);
  ui_table_addv (t, "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
  time_t now = time (NULL);
  for (size_t k = nh; k-- > 0;)
    {
      yajl_val e = hist->u.array.values[k];
      const char *iid = k + 1 == nh ? img->id : image_at (s, list, nl, hist, k + 1, layers_upto[k]);
      _cleanup_free_ char *shown = iid ? (no_trunc ? xstrdup (iid) : ui_short_id (iid))
                                       : xstrdup ("<missing>");
      if (quiet)
        {
          printf ("%s\n", shown);
          continue;
        }
      const char *created = json_get_str (e, "created");
      _cleanup_free_ char *ago = ui_format_ago (created ? ctr_time_parse (created) : 0, now);
      const char *by = json_get_str (e, "created_by");
      _cleanup_free_ char *by_shown = xstrdup (by ? by : "");
      if (!no_trunc && strlen (by_shown) > 45)
        strcpy (by_shown + 44, "…");
      _cleanup_free_ char *size = ui_format_size ((double) sizes[k]);
      const char *comment = json_get_str (e, "comment");
      ui_table_addv (t, shown, ago, by_shown, size, comment ? comment : "");
    }
  if (!quiet)
    ui_table_print (t, stdout);
  free (sizes);
  free (layers_upto);
  store_image_list_free (list, nl);
  return 0;
}
