/* mocker image prune [-a] [-f]: removes dangling images, or with -a every
 * image no container uses, as Docker. Dangling, as Docker's: no tag (repo
 * digests do not count) and no image built on it (image_parents.h), so the
 * intermediate images of a build stay while the image built on them does;
 * a dangling image goes with its untagged parents, as `rmi`. Output:
 * "Deleted Images:", the untagged/deleted lines, the space the layers
 * no image uses any more took. */
#include "mocker/commands/image/image_prune.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "mocker/image/image_parents.h"
#include "mocker/store/image.h"
#include "mocker/ui/confirm.h"
#include "mocker/ui/format.h"

static const char usage[] =
  "Usage: mocker image prune [OPTIONS]\n"
  "\n"
  "Remove unused images: dangling ones (no name), or with -a every image\n"
  "no container uses.\n"
  "\n"
  "Options:\n"
  "  -a, --all     every image without a container, not only dangling ones\n"
  "  -f, --force   do not ask for confirmation\n"
  "  -h, --help    print this help\n";

static bool
listed (char **v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

/* Bytes of the distinct layers (by chain id) of the images listed. */
static long long
layers_size_of (struct store_image **list, size_t n)
{
  _cleanup_strv_ char **seen = NULL;
  long long total = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < list[i]->n_layers; k++)
      {
        const struct store_image_layer *l = &list[i]->layers[k];
        if (listed (seen, l->chain_id))
          continue;
        strv_push (&seen, l->chain_id);
        total += l->size;
      }
  return total;
}

/* The same for every image of the store. */
static long long
layers_size (struct store *s)
{
  struct store_image **list = NULL;
  size_t n = 0;
  _cleanup_error_ mk_error *ignored = NULL;
  if (store_image_list (s, &list, &n, &ignored) < 0)
    return 0;
  long long total = layers_size_of (list, n);
  store_image_list_free (list, n);
  return total;
}

static void
report (const char *verb, const char *what, void *opaque)
{
  bool *first = opaque;
  if (*first)
    printf ("Deleted Images:\n");
  *first = false;
  /* Docker's prune writes these in lower case */
  printf ("%s: %s\n", strcasecmp (verb, "Deleted") == 0 ? "deleted" : "untagged", what);
}

int
image_prune (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false, force = false;
  int c;
  while ((c = getopt_long (argc, argv, "+afh", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'f':
        force = true;
        break;
      case 'h':
        return mocker_print_usage (usage);
      default:
        return mocker_option_error (err, "image prune", "+afh", argv);
      }
  if (optind != argc)
    return mocker_usage_error (err, "image prune", "no arguments expected");
  if (!force
      && !ui_confirm (all ? "WARNING! This will remove all images without at least one "
                            "container associated to them."
                          : "WARNING! This will remove all dangling images."))
    return 0;
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  bool first = true;
  long long freed;
  if (image_prune_run (s, all, NULL, NULL, report, &first, &freed, err) < 0)
    return -1;
  _cleanup_free_ char *size = ui_format_size ((double) freed);
  if (!first)
    printf ("\n");
  printf ("Total reclaimed space: %s\n", size);
  return 0;
}

int
image_prune_run (struct store *s, bool all, image_prune_match_fn match, void *match_opaque,
                 image_prune_report_fn on_removed, void *opaque, long long *reclaimed,
                 mk_error **err)
{
  struct store_image **list = NULL;
  size_t n = 0;
  *reclaimed = 0;
  if (store_image_list (s, &list, &n, err) < 0)
    return -1;
  long long before = layers_size_of (list, n);
  /* the images some registered image was built on */
  _cleanup_strv_ char **parents = NULL;
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *p = image_parent_get (s, list[i]->id);
      if (p)
        strv_push (&parents, p);
    }
  int rc = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct store_image *img = list[i];
      bool dangling = strv_len (img->tags) == 0 && !listed (parents, img->id);
      if ((!all && !dangling) || store_image_in_use (s, img->id, NULL)
          || (match && !match (s, img, match_opaque)))
        continue;
      _cleanup_error_ mk_error *one = NULL;
      /* by id: with several tags that needs force (still refused when a
       * container started using it meanwhile) */
      if (store_image_remove (s, img->id, strv_len (img->tags) > 1, on_removed, opaque, &one) < 0)
        {
          if (mk_error_errno (one) == ENOENT || mk_error_errno (one) == EBUSY)
            continue;
          *err = STEAL (one);
          rc = -1;
          break;
        }
      image_parents_prune (s, img->id, on_removed, opaque);
    }
  store_image_list_free (list, n);
  if (rc < 0)
    return -1;
  long long freed = before - layers_size (s);
  *reclaimed = freed > 0 ? freed : 0;
  return 0;
}
