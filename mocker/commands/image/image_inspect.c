/* `mocker image inspect` (image_inspect.h). */
#include "mocker/commands/image/image_inspect.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"

static void
familiar_list (json_gen *g, const char *key, char **names)
{
  json_key (g, key);
  json_arr_open (g);
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_free_ char *f = store_ref_familiar (names[i]);
      json_str (g, f);
    }
  json_arr_close (g);
}

static void
tree_or_null (json_gen *g, const char *key, yajl_val v)
{
  json_key (g, key);
  if (v)
    json_tree (g, v);
  else
    json_null (g);
}

int
image_inspect_json (struct store *s, const char *ref, json_gen *g, mk_error **err)
{
  _cleanup_free_ char *id = NULL;
  if (store_image_find (s, ref, &id, err) < 0)
    return -1;
  _cleanup_store_image_ struct store_image *img = NULL;
  if (store_image_load (s, id, &img, err) < 0)
    return -1;
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_json_ yajl_val cfg = NULL;
  if (store_image_config (s, id, &text, &len, err) < 0
      || json_parse (text, len, "image config", &cfg, err) < 0)
    return -1;

  /* The comment of the last history entry, as Docker shows it. */
  yajl_val hist = json_get (cfg, "history");
  const char *comment = NULL;
  if (hist && YAJL_IS_ARRAY (hist) && hist->u.array.len)
    comment = json_get_str (hist->u.array.values[hist->u.array.len - 1], "comment");

  json_obj_open (g);
  json_kv_str (g, "Id", img->id);
  familiar_list (g, "RepoTags", img->tags);
  familiar_list (g, "RepoDigests", img->repo_digests);
  json_kv_str (g, "Parent", "");
  json_kv_str (g, "Comment", comment ? comment : "");
  const char *created = json_get_str (cfg, "created");
  json_kv_str (g, "Created", created ? created : "0001-01-01T00:00:00Z");
  json_kv_str (g, "DockerVersion", "");
  const char *author = json_get_str (cfg, "author");
  json_kv_str (g, "Author", author ? author : "");
  tree_or_null (g, "Config", json_get (cfg, "config"));
  const char *arch = json_get_str (cfg, "architecture");
  json_kv_str (g, "Architecture", arch ? arch : "");
  const char *variant = json_get_str (cfg, "variant");
  if (variant)
    json_kv_str (g, "Variant", variant);
  const char *os = json_get_str (cfg, "os");
  json_kv_str (g, "Os", os ? os : "");
  json_kv_int (g, "Size", img->size);
  json_kv_int (g, "VirtualSize", img->size);

  json_key (g, "GraphDriver");
  json_obj_open (g);
  json_key (g, "Data");
  json_obj_open (g);
  if (img->n_layers)
    {
      /* overlay's view: the top layer is UpperDir, the others LowerDir (top first). */
      _cleanup_free_ char *upper = store_layer_diff_dir (s, img->layers[img->n_layers - 1].chain_id);
      _cleanup_free_ char *lower = NULL;
      for (size_t i = img->n_layers - 1; i-- > 0;)
        {
          _cleanup_free_ char *d = store_layer_diff_dir (s, img->layers[i].chain_id);
          char *l = lower ? xconcat (lower, ":", d, NULL) : xstrdup (d);
          free (lower);
          lower = l;
        }
      if (lower)
        json_kv_str (g, "LowerDir", lower);
      json_kv_str (g, "UpperDir", upper);
    }
  json_obj_close (g);
  json_kv_str (g, "Name", "overlay");
  json_obj_close (g);

  json_key (g, "RootFS");
  json_obj_open (g);
  json_kv_str (g, "Type", "layers");
  json_key (g, "Layers");
  json_arr_open (g);
  for (size_t i = 0; i < img->n_layers; i++)
    json_str (g, img->layers[i].diff_id);
  json_arr_close (g);
  json_obj_close (g);

  json_key (g, "Metadata");
  json_obj_open (g);
  json_kv_str (g, "LastTagTime", "0001-01-01T00:00:00Z");
  json_obj_close (g);
  json_obj_close (g);
  return 0;
}
