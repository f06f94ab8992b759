/* mocker system prune [-a] [-f] [--volumes] [--filter K=V]: as Docker's,
 * in its order: stopped containers, user-defined networks no container is
 * attached to (not with a filter), (with --volumes) anonymous volumes no
 * container uses, dangling images (-a: every image no container uses), the
 * build cache entries whose image is gone (-a: every entry). Each part
 * prints its "Deleted ...:" list and a blank line; then "Total reclaimed
 * space". Filters (Docker's): until (containers and images created
 * before; not with --volumes, as Docker), label / label! (the labels of
 * containers, volumes and images); the build cache is left alone then. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/size.h"
#include "mocker/commands/container/container_prune.h"
#include "mocker/commands/image/image_prune.h"
#include "mocker/mocker.h"
#include "mocker/network/network.h"
#include "mocker/store/image.h"
#include "mocker/store/store.h"
#include "mocker/commands/system/system.h"
#include "mocker/ui/confirm.h"
#include "mocker/ui/format.h"
#include "mocker/volume/volume.h"

static const char usage[] =
  "Usage: mocker system prune [OPTIONS]\n"
  "\n"
  "Remove stopped containers, dangling images and unused build cache.\n"
  "\n"
  "Options:\n"
  "  -a, --all       every image without a container, and all build cache\n"
  "  -f, --force     do not ask for confirmation\n"
  "      --volumes   anonymous volumes no container uses too\n"
  "      --filter KEY=VAL   only these: until=TIME (created before), label=KEY[=VALUE],\n"
  "                         label!=KEY[=VALUE] (repeatable)\n"
  "  -h, --help      print this help\n";

static bool
confirm (bool all, bool volumes)
{
  _cleanup_free_ char *warning = xasprintf (
      "WARNING! This will remove:\n  - all stopped containers\n"
      "  - all networks not used by at least one container\n%s  - %s\n  - %s\n",
      volumes ? "  - all anonymous volumes not used by at least one container\n" : "",
      all ? "all images without at least one container associated to them"
          : "all dangling images",
      all ? "all build cache" : "unused build cache");
  return ui_confirm (warning);
}

static void
print_list (const char *title, char **items)
{
  if (items == NULL || items[0] == NULL)
    return;
  printf ("%s\n", title);
  for (char **p = items; *p; p++)
    printf ("%s\n", *p);
  printf ("\n");
}

static int
prune_volumes (struct store *s, const struct ui_filter *f, char ***deleted, long long *reclaimed,
               mk_error **err)
{
  _cleanup_close_ int lock = volume_lock (s, err);
  if (lock < 0)
    return -1;
  _cleanup_strv_ char **names = volume_list (s);
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_json_ yajl_val meta = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (volume_load (s, names[i], &meta, &e) < 0 || !volume_is_anonymous (meta)
          || !prune_labels_match (f, json_get (meta, "labels")))
        continue;
      _cleanup_strv_ char **users = volume_users_locked (s, names[i]);
      if (users && users[0])
        continue;
      _cleanup_free_ char *data = volume_data_dir (s, names[i]);
      long long size = ctr_dir_size (data);
      if (volume_remove_locked (s, names[i], &e) < 0)
        continue;
      strv_push (deleted, names[i]);
      *reclaimed += size;
    }
  return 0;
}

static void
collect_image (const char *verb, const char *what, void *opaque)
{
  char ***lines = opaque;
  _cleanup_free_ char *line
      = xasprintf ("%s: %s", strcasecmp (verb, "Deleted") == 0 ? "deleted" : "untagged", what);
  strv_push (lines, line);
}

struct image_match
{
  const struct ui_filter *f;
  long long until;
};

/* until: created before; label / label!: the config's Labels */
static bool
image_match (struct store *s, const struct store_image *img, void *opaque)
{
  const struct image_match *m = opaque;
  if (m->until && (img->created_time == 0 || (long long) img->created_time * 1000000000LL >= m->until))
    return false;
  if (!ui_filter_has (m->f, "label") && !ui_filter_has (m->f, "label!"))
    return true;
  _cleanup_free_ char *text = NULL;
  size_t len;
  _cleanup_error_ mk_error *e = NULL;
  _cleanup_json_ yajl_val cfg = NULL;
  if (store_image_config (s, img->id, &text, &len, &e) < 0
      || json_parse (text, len, "image config", &cfg, &e) < 0)
    return false;
  return prune_labels_match (m->f, json_get (json_get (cfg, "config"), "Labels"));
}

/* build-cache/<key> holds the id of the image a step made: an entry whose
 * image is gone is of no use (every entry with all). */
static void
prune_cache (struct store *s, bool all, char ***deleted)
{
  _cleanup_free_ char *dir = store_path (s, "build-cache");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *e;
  while (d && (e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      _cleanup_free_ char *path = path_join (dir, e->d_name);
      _cleanup_free_ char *text = NULL;
      size_t len;
      _cleanup_error_ mk_error *err = NULL;
      bool used = false;
      if (!all && read_file (path, &text, &len, &err) == 0)
        {
          text[strcspn (text, "\n")] = '\0';
          _cleanup_store_image_ struct store_image *img = NULL;
          used = store_image_load (s, text, &img, &err) == 0;
        }
      if (!used && unlink (path) == 0)
        strv_push (deleted, e->d_name);
    }
}

int
system_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "force", no_argument, NULL, 'f' },
    { "volumes", no_argument, NULL, 'V' },
    { "filter", required_argument, NULL, 'F' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false, force = false, volumes = false;
  __attribute__ ((cleanup (ui_filter_clear))) struct ui_filter f = { 0 };
  int c;
  while ((c = getopt_long (argc, argv, "+afh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'f': force = true; break;
      case 'V': volumes = true; break;
      case 'F':
        if (ui_filter_add (&f, "system prune", optarg, container_prune_filter_keys, err) < 0)
          return -1;
        break;
      case 'h': return mocker_print_usage (usage);
      default: return mocker_option_error (err, "system prune", "+afh", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "system prune", "no arguments expected");
  long long until = 0;
  if (container_prune_check (&f, "system prune", &until, err) < 0)
    return -1;
  if (volumes && ui_filter_has (&f, "until"))
    return mocker_flag_error (err, "system prune", "--filter: invalid filter 'until' for volumes");
  if (!force && !confirm (all, volumes))
    return 0;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  long long total = 0, part = 0;
  _cleanup_strv_ char **containers = NULL;
  if (container_prune_run (s, &f, until, &containers, &part, err) < 0)
    return -1;
  total += part;
  print_list ("Deleted Containers:", containers);
  /* Docker's order: the networks the removed containers left unused go
   * next (with a filter, left alone: their labels are not matched here). */
  if (f.n == 0)
    {
      _cleanup_strv_ char **nets = NULL;
      if (network_prune (store_root (s), &nets, err) < 0)
        return mk_error_wrap (err, "prune networks");
      print_list ("Deleted Networks:", nets);
    }
  if (volumes)
    {
      _cleanup_strv_ char **vols = NULL;
      part = 0;
      if (prune_volumes (s, &f, &vols, &part, err) < 0)
        return -1;
      total += part;
      print_list ("Deleted Volumes:", vols);
    }
  _cleanup_strv_ char **images = NULL;
  struct image_match im = { &f, until };
  if (image_prune_run (s, all, f.n ? image_match : NULL, &im, collect_image, &images, &part, err)
      < 0)
    return -1;
  total += part;
  print_list ("Deleted Images:", images);
  _cleanup_strv_ char **cache = NULL;
  if (f.n == 0)
    prune_cache (s, all, &cache);
  print_list ("Deleted build cache objects:", cache);
  fflush (stdout);
  _cleanup_free_ char *size = ui_format_size_prec ((double) total, 4);
  printf ("Total reclaimed space: %s\n", size);
  return 0;
}
