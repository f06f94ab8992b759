/* rmi: untagging, deleting images, and the layers and blobs only they used. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/store/image_internal.h"
#include "mocker/store/refname.h"
#include "mocker/store/store_internal.h"

bool
store_image_in_use (struct store *s, const char *id, char **container)
{
  _cleanup_free_ char *dir = store_path (s, "containers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    return false;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *p = xasprintf ("%s/%s/container.json", dir, de->d_name);
      _cleanup_json_ yajl_val v = NULL;
      _cleanup_error_ mk_error *err = NULL;
      if (json_parse_file (p, &v, &err) < 0)
        continue;
      const char *img = json_get_str (v, "image");
      if (img == NULL)
        img = json_get_str (v, "Image");
      if (img && strcmp (img, id) == 0)
        {
          if (container)
            *container = xstrdup (de->d_name);
          return true;
        }
    }
  return false;
}

static bool
strv_contains (char **v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

/* Moves a directory out of sight (into tmp/) then deletes it, so a crash
 * midway never leaves a half directory under its real name. */
static void
remove_dir (struct store *s, const char *path)
{
  _cleanup_free_ char *tmpl = xasprintf ("%s/tmp/rm-XXXXXX", s->root);
  if (mkdtemp (tmpl) == NULL)
    return;
  _cleanup_free_ char *dest = path_join (tmpl, "d");
  _cleanup_error_ mk_error *err = NULL;
  if (rename (path, dest) < 0)
    {
      if (errno != ENOENT)
        log_warning ("remove `%s`: %s", path, strerror (errno));
    }
  if (rm_rf_one_fs (tmpl, &err) < 0)
    log_warning ("%s", err->msg);
}

/* Deletes an image no longer in the index: its record, and every layer and
 * blob that no remaining image uses. The lock is held. */
static void
delete_image_files (struct store *s, const struct store_index *idx, const struct store_image *img)
{
  _cleanup_strv_ char **keep_layers = NULL;
  _cleanup_strv_ char **keep_blobs = NULL;
  for (char **p = idx->images; p && *p; p++)
    {
      _cleanup_store_image_ struct store_image *other = NULL;
      _cleanup_error_ mk_error *err = NULL;
      if (store_image_read_record (s, *p, &other, &err) < 0)
        {
          /* Unreadable: keep everything rather than guess. */
          log_warning ("%s; keeping all layers", err->msg);
          return;
        }
      strv_push (&keep_blobs, other->id);
      if (other->manifest_digest)
        strv_push (&keep_blobs, other->manifest_digest);
      for (size_t i = 0; i < other->n_layers; i++)
        {
          strv_push (&keep_layers, other->layers[i].chain_id);
          if (other->layers[i].digest)
            strv_push (&keep_blobs, other->layers[i].digest);
        }
    }
  _cleanup_free_ char *dir = store_image_dir (s, img->id);
  remove_dir (s, dir);
  for (size_t i = 0; i < img->n_layers; i++)
    {
      const struct store_image_layer *l = &img->layers[i];
      if (!strv_contains (keep_layers, l->chain_id))
        {
          _cleanup_free_ char *ld = store_layer_dir (s, l->chain_id);
          remove_dir (s, ld);
          strv_push (&keep_layers, l->chain_id); /* listed twice: removed once */
        }
      if (l->digest && digest_valid (l->digest) && !strv_contains (keep_blobs, l->digest))
        {
          _cleanup_free_ char *b = store_blob_path (s, l->digest);
          unlink (b);
        }
    }
  const char *own[] = { img->id, img->manifest_digest };
  for (size_t i = 0; i < ARRAY_SIZE (own); i++)
    if (own[i] && digest_valid (own[i]) && !strv_contains (keep_blobs, own[i]))
      {
        _cleanup_free_ char *b = store_blob_path (s, own[i]);
        unlink (b);
      }
}

static void
report_name (store_report_fn report, void *opaque, const char *verb, const char *normalized)
{
  if (report == NULL)
    return;
  _cleanup_free_ char *fam = store_ref_familiar (normalized);
  report (verb, fam, opaque);
}

int
store_image_remove (struct store *s, const char *ref, bool force, store_report_fn report,
                    void *opaque, mk_error **err)
{
  _cleanup_close_ int lock = store_lock (s, err);
  if (lock < 0)
    return -1;
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  int ret = -1;
  _cleanup_free_ char *id = NULL;
  _cleanup_free_ char *name = NULL;
  _cleanup_store_image_ struct store_image *img = NULL;
  _cleanup_strv_ char **tags = NULL;
  _cleanup_strv_ char **digests = NULL;
  _cleanup_free_ char *container = NULL;
  const char *short_id = NULL;
  bool in_use = false;
  if (store_image_resolve (&idx, ref, &id, &name, err) < 0)
    goto out;
  if (store_image_read_record (s, id, &img, err) < 0)
    goto out;
  tags = store_map_keys_for (&idx.tags, id);
  digests = store_map_keys_for (&idx.digests, id);
  short_id = digest_hex (id);
  in_use = store_image_in_use (s, id, &container);

  if (name)
    {
      /* By name: untag; delete only when it was the last tag. */
      if (in_use && !force && strv_len (tags) <= 1)
        {
          _cleanup_free_ char *fam = store_ref_familiar (name);
          store_fail (err, EBUSY,
                        "conflict: unable to remove repository reference `%s` (must force) - "
                        "container %.12s is using its referenced image %.12s",
                        fam, container, short_id);
          goto out;
        }
      bool is_digest = strchr (name, '@') != NULL;
      store_map_remove (is_digest ? &idx.digests : &idx.tags, name);
      report_name (report, opaque, "Untagged", name);
      bool last = is_digest ? strv_len (tags) == 0 && strv_len (digests) <= 1
                            : strv_len (tags) <= 1;
      if (!last || in_use)
        {
          ret = store_index_save (s, &idx, err);
          goto out;
        }
    }
  else
    {
      if (in_use && !force)
        {
          store_fail (err, EBUSY,
                        "conflict: unable to delete %.12s (must be forced) - image is being used "
                        "by container %.12s",
                        short_id, container);
          goto out;
        }
      if (strv_len (tags) > 1 && !force)
        {
          store_fail (err, EBUSY,
                        "conflict: unable to delete %.12s (must be forced) - image is referenced "
                        "in multiple repositories",
                        short_id);
          goto out;
        }
      for (char **t = tags; t && *t; t++)
        {
          store_map_remove (&idx.tags, *t);
          report_name (report, opaque, "Untagged", *t);
        }
      if (in_use)
        {
          /* Forced while a container uses it: untag only, as Docker does for a
           * running container; the layers stay under the container. */
          ret = store_index_save (s, &idx, err);
          goto out;
        }
    }
  for (char **d = digests; d && *d; d++)
    if (store_map_remove (&idx.digests, *d))
      report_name (report, opaque, "Untagged", *d);
  store_index_remove_image (&idx, id);
  if (store_index_save (s, &idx, err) < 0)
    goto out;
  /* Unregistered now: what follows only frees space. */
  delete_image_files (s, &idx, img);
  if (report)
    report ("Deleted", id, opaque);
  ret = 0;
out:
  store_index_clear (&idx);
  return ret;
}
