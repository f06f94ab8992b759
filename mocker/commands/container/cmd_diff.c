/* mocker diff CONTAINER: what changed in the container's file system, from
 * its overlay upper directory (A added, C changed, D deleted: a whiteout). */
#include <getopt.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/mocker.h"
#include "mocker/store/store.h"

static const char usage[] =
  "Usage: mocker diff CONTAINER\n"
  "\n"
  "Show the changes in a container's file system: A (added), C (changed),\n"
  "D (deleted), one path a line.\n"
  "\n"
  "Options:\n"
  "  -h, --help   print this help\n";

struct diff_ctx
{
  char **lower;   /* the image's layer diff dirs, top first */
  char **skip;    /* mount points the runtime made: relative paths */
  char **out;     /* the lines */
};

static bool
is_whiteout (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && major (st->st_rdev) == 0 && minor (st->st_rdev) == 0;
}

/* Whether rel ("etc/x") is in the image: the topmost layer that has it
 * decides (a whiteout there: deleted). */
static bool
in_lower (const struct diff_ctx *d, const char *rel)
{
  for (size_t i = 0; d->lower[i]; i++)
    {
      _cleanup_free_ char *p = path_join (d->lower[i], rel);
      struct stat st;
      if (lstat (p, &st) == 0)
        return !is_whiteout (&st);
    }
  return false;
}

static bool
is_skipped (const struct diff_ctx *d, const char *rel)
{
  for (size_t i = 0; d->skip && d->skip[i]; i++)
    if (strcmp (d->skip[i], rel) == 0)
      return true;
  return false;
}

static bool
is_opaque (const char *path)
{
  char v[4];
  ssize_t n = lgetxattr (path, "trusted.overlay.opaque", v, sizeof v);
  return n == 1 && v[0] == 'y';
}

/* Walks upper/rel; returns how many lines it added. */
static size_t
walk (struct diff_ctx *d, const char *upper, const char *rel)
{
  _cleanup_free_ char *dir = rel[0] ? path_join (upper, rel) : xstrdup (upper);
  struct dirent **ents = NULL;
  int n = scandir (dir, &ents, NULL, alphasort);
  size_t added = 0;
  for (int i = 0; i < n; i++)
    {
      const char *name = ents[i]->d_name;
      if (strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
        continue;
      _cleanup_free_ char *r = rel[0] ? xasprintf ("%s/%s", rel, name) : xstrdup (name);
      _cleanup_free_ char *p = path_join (upper, r);
      struct stat st;
      if (lstat (p, &st) < 0 || is_skipped (d, r))
        continue;
      if (is_whiteout (&st))
        {
          _cleanup_free_ char *line = xasprintf ("D /%s", r);
          strv_push (&d->out, line);
          added++;
          continue;
        }
      bool old = in_lower (d, r);
      size_t at = strv_len (d->out);
      _cleanup_free_ char *line = xasprintf ("%c /%s", old ? 'C' : 'A', r);
      strv_push (&d->out, line);
      size_t sub = S_ISDIR (st.st_mode) ? walk (d, upper, r) : 0;
      /* A directory of the image copied up only to hold a mount point the
       * runtime made is no change (Docker keeps those in its init layer). */
      if (old && S_ISDIR (st.st_mode) && sub == 0 && !is_opaque (p))
        {
          /* nothing was added after it: it is the last line */
          free (d->out[at]);
          d->out[at] = NULL;
          continue;
        }
      added += 1 + sub;
    }
  for (int i = 0; i < n; i++)
    free (ents[i]);
  free (ents);
  return added;
}

/* The mount destinations in bundle/config.json that the image lacks: the
 * runtime made them (an empty file or directory), they are not changes. */
static char **
runtime_mount_points (const struct diff_ctx *d, const struct container *c)
{
  char **skip = NULL;
  _cleanup_free_ char *cfg_path = xasprintf ("%s/bundle/config.json", c->dir);
  _cleanup_json_ yajl_val cfg = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (json_parse_file (cfg_path, &cfg, &e) < 0)
    return NULL;
  yajl_val mounts = json_get (cfg, "mounts");
  for (size_t i = 0; mounts && YAJL_IS_ARRAY (mounts) && i < mounts->u.array.len; i++)
    {
      const char *dest = json_get_str (mounts->u.array.values[i], "destination");
      while (dest && *dest == '/')
        dest++;
      if (!str_is_empty (dest) && !in_lower (d, dest))
        strv_push (&skip, dest);
    }
  return skip;
}

int
cmd_diff (struct mocker_ctx *ctx, int argc, char **argv, mk_error **err)
{
  int help = mocker_parse_help_only (argc, argv, "diff", usage, err);
  if (help != 0)
    return help > 0 ? 0 : -1;
  if (argc - optind != 1)
    return mocker_usage_error (err, "diff", "exactly one CONTAINER is required");
  struct store *s = mocker_store (ctx, err);
  if (s == NULL)
    return -1;
  _cleanup_container_ struct container *ctr = NULL;
  if (ctr_find (s, argv[optind], &ctr, err) < 0)
    return -1;
  struct diff_ctx d = { .lower = xzalloc (sizeof (char *)) };
  yajl_val layers = json_get (ctr->record, "layers");
  size_t n = layers && YAJL_IS_ARRAY (layers) ? layers->u.array.len : 0;
  for (size_t i = n; i-- > 0;)
    {
      const char *chain = YAJL_GET_STRING (layers->u.array.values[i]);
      if (chain)
        {
          _cleanup_free_ char *dir = store_layer_diff_dir (s, chain);
          strv_push (&d.lower, dir);
        }
    }
  d.skip = runtime_mount_points (&d, ctr);
  _cleanup_free_ char *upper = path_join (ctr->dir, "upper");
  walk (&d, upper, "");
  for (size_t i = 0; d.out && d.out[i]; i++)
    printf ("%s\n", d.out[i]);
  strv_free (d.out);
  strv_free (d.lower);
  strv_free (d.skip);
  return 0;
}
