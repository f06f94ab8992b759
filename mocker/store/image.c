/* Image records: registration, lookup, listing. */
#include "mocker/store/image.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/store/image_internal.h"
#include "mocker/store/index.h"
#include "mocker/store/refname.h"
#include "mocker/store/store_internal.h"

void
store_image_free (struct store_image *img)
{
  if (img == NULL)
    return;
  for (size_t i = 0; i < img->n_layers; i++)
    {
      free (img->layers[i].chain_id);
      free (img->layers[i].diff_id);
      free (img->layers[i].digest);
      free (img->layers[i].media_type);
      free (img->layers[i].source);
    }
  free (img->layers);
  free (img->id);
  free (img->created);
  free (img->manifest_digest);
  strv_free (img->tags);
  strv_free (img->repo_digests);
  free (img);
}

void
cleanup_store_imagep (struct store_image **img)
{
  store_image_free (*img);
  *img = NULL;
}

char *
store_image_dir (const struct store *s, const char *id)
{
  return xasprintf ("%s/images/%s", s->root, digest_hex (id));
}

/* RFC 3339 ("2026-11-22T13:51:58.123Z", "...+02:00") to seconds; 0 if bad. */
time_t
store_parse_rfc3339 (const char *s)
{
  if (s == NULL)
    return 0;
  struct tm tm = { 0 };
  const char *p = strptime (s, "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == NULL)
    return 0;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++)
      ;
  time_t t = timegm (&tm);
  if ((*p == '+' || *p == '-') && strlen (p) >= 6)
    {
      int h = (p[1] - '0') * 10 + (p[2] - '0');
      int m = (p[4] - '0') * 10 + (p[5] - '0');
      long off = h * 3600L + m * 60L;
      t += *p == '+' ? -off : off;
    }
  return t;
}

static char *
image_record_json (const char *id, const char *created, long long size,
                   const char *manifest_digest, const struct store_image_layer *layers,
                   size_t n)
{
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  json_kv_str (g, "id", id);
  json_kv_str (g, "created", created);
  json_kv_int (g, "size", size);
  json_kv_str (g, "manifest_digest", manifest_digest);
  json_key (g, "layers");
  json_arr_open (g);
  for (size_t i = 0; i < n; i++)
    {
      json_obj_open (g);
      json_kv_str (g, "chain_id", layers[i].chain_id);
      json_kv_str (g, "diff_id", layers[i].diff_id);
      json_kv_str (g, "digest", layers[i].digest);
      json_kv_str (g, "media_type", layers[i].media_type);
      json_kv_int (g, "blob_size", layers[i].blob_size);
      json_kv_int (g, "size", layers[i].size);
      if (layers[i].source)
        json_kv_str (g, "source", layers[i].source);
      json_obj_close (g);
    }
  json_arr_close (g);
  json_obj_close (g);
  return json_gen_finish (g, NULL);
}

static char *
dup_opt (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

/* Reads images/<hex>/image.json (names are filled by the callers). */
int
store_image_read_record (struct store *s, const char *id, struct store_image **out,
                         mk_error **err)
{
  _cleanup_free_ char *dir = store_image_dir (s, id);
  _cleanup_free_ char *p = path_join (dir, "image.json");
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse_file (p, &v, err) < 0)
    return mk_error_wrap (err, "image %s", id);
  _cleanup_store_image_ struct store_image *img = xzalloc (sizeof *img);
  img->id = xstrdup (id);
  img->created = dup_opt (json_get_str (v, "created"));
  img->created_time = store_parse_rfc3339 (img->created);
  img->manifest_digest = dup_opt (json_get_str (v, "manifest_digest"));
  yajl_val size = json_get (v, "size");
  img->size = YAJL_IS_INTEGER (size) ? YAJL_GET_INTEGER (size) : 0;
  yajl_val layers = json_get (v, "layers");
  if (!YAJL_IS_ARRAY (layers))
    return store_fail (err, EINVAL, "%s: `layers` is not an array", p);
  img->n_layers = layers->u.array.len;
  img->layers = xzalloc (sizeof *img->layers * (img->n_layers + 1));
  for (size_t i = 0; i < img->n_layers; i++)
    {
      yajl_val l = layers->u.array.values[i];
      struct store_image_layer *il = &img->layers[i];
      const char *chain = json_get_str (l, "chain_id");
      if (!digest_valid (chain))
        return store_fail (err, EINVAL, "%s: `layers[%zu].chain_id` is not a digest", p, i);
      il->chain_id = xstrdup (chain);
      il->diff_id = dup_opt (json_get_str (l, "diff_id"));
      il->digest = dup_opt (json_get_str (l, "digest"));
      il->media_type = dup_opt (json_get_str (l, "media_type"));
      il->source = dup_opt (json_get_str (l, "source"));
      yajl_val bs = json_get (l, "blob_size"), sz = json_get (l, "size");
      il->blob_size = YAJL_IS_INTEGER (bs) ? YAJL_GET_INTEGER (bs) : -1;
      il->size = YAJL_IS_INTEGER (sz) ? YAJL_GET_INTEGER (sz) : 0;
    }
  *out = STEAL (img);
  return 0;
}

static void
fill_names (struct store_image *img, const struct store_index *idx)
{
  img->tags = store_map_keys_for (&idx->tags, img->id);
  img->repo_digests = store_map_keys_for (&idx->digests, img->id);
}

/* Checks the config against the layers given; returns its "created". */
static int
check_config (const struct store_image_new *in, char **created, mk_error **err)
{
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse (in->config, in->config_len, "image config", &v, err) < 0)
    return -1;
  if (!YAJL_IS_OBJECT (v))
    return store_fail (err, EINVAL, "image config: not a JSON object");
  /* run and commit embed its values in JSON of their own (json.h). */
  if (json_check_depth (v, JSON_CONFIG_MAX_DEPTH, "image config", err) < 0)
    return -1;
  yajl_val rootfs = json_get (v, "rootfs");
  const char *type = json_get_str (rootfs, "type");
  if (type == NULL || strcmp (type, "layers") != 0)
    return store_fail (err, EINVAL, "image config: `rootfs.type` must be \"layers\"");
  yajl_val ids = json_get (rootfs, "diff_ids");
  if (!YAJL_IS_ARRAY (ids))
    return store_fail (err, EINVAL, "image config: `rootfs.diff_ids` is not an array");
  if (ids->u.array.len != in->n_layers)
    return store_fail (err, EINVAL, "image config: %zu diff_ids for %zu layers",
                         ids->u.array.len, in->n_layers);
  for (size_t i = 0; i < in->n_layers; i++)
    {
      yajl_val d = ids->u.array.values[i];
      const char *ds = YAJL_IS_STRING (d) ? d->u.string : NULL;
      if (ds == NULL || in->layers[i].diff_id == NULL || strcmp (ds, in->layers[i].diff_id) != 0)
        return store_fail (err, EINVAL, "image config: `rootfs.diff_ids[%zu]` does not match layer %s",
                             i, in->layers[i].diff_id ? in->layers[i].diff_id : "(none)");
    }
  *created = dup_opt (json_get_str (v, "created"));
  return 0;
}

/* Writes images/<hex>/ through a staging directory (if not there yet). */
static int
publish_image_dir (struct store *s, const char *id, const struct store_image_new *in,
                   const char *record, mk_error **err)
{
  _cleanup_free_ char *final = store_image_dir (s, id);
  _cleanup_free_ char *rec = path_join (final, "image.json");
  if (access (rec, F_OK) == 0)
    return 0;
  _cleanup_free_ char *tmp = NULL;
  int lock = store_tmpdir_create (s, "image", &tmp, err);
  if (lock < 0)
    return -1;
  int ret = -1;
  _cleanup_free_ char *cfg = path_join (tmp, "config.json");
  _cleanup_free_ char *tmp_rec = path_join (tmp, "image.json");
  if (write_file_atomic (cfg, in->config, in->config_len, 0644, true, err) < 0
      || write_file_atomic (tmp_rec, record, strlen (record), 0644, true, err) < 0)
    goto out;
  chmod (tmp, 0755);
  if (rename (tmp, final) < 0)
    {
      if (errno != EEXIST && errno != ENOTEMPTY)
        {
          mk_error_set (err, errno, "rename `%s` to `%s`", tmp, final);
          goto out;
        }
    }
  else
    {
      free (tmp);
      tmp = NULL;
    }
  ret = 0;
out:
  store_tmpdir_remove (tmp, lock);
  return ret;
}

int
store_image_register (struct store *s, const struct store_image_new *in, char **id_out,
                      mk_error **err)
{
  _cleanup_free_ char *created = NULL;
  if (check_config (in, &created, err) < 0)
    return -1;
  _cleanup_free_ char *id = NULL;
  if (store_blob_put (s, in->config, in->config_len, NULL, &id, err) < 0)
    return mk_error_wrap (err, "store image config");

  size_t n = in->n_layers;
  struct store_image_layer *layers = xzalloc (sizeof *layers * (n + 1));
  long long total = 0;
  int ret = -1;
  _cleanup_free_ char *record = NULL;
  char *parent = NULL;
  for (size_t i = 0; i < n; i++)
    {
      struct store_image_layer *l = &layers[i];
      l->chain_id = store_chain_id (parent, in->layers[i].diff_id);
      l->diff_id = xstrdup (in->layers[i].diff_id);
      l->digest = dup_opt (in->layers[i].digest);
      l->media_type = dup_opt (in->layers[i].media_type);
      l->blob_size = in->layers[i].blob_size;
      l->source = dup_opt (in->layers[i].source);
      parent = l->chain_id;
      struct store_layer_info info = { 0 };
      if (store_layer_load (s, l->chain_id, &info, err) < 0)
        {
          if (mk_error_errno (*err) == ENOENT)
            {
              mk_error_free (err);
              store_fail (err, ENOENT, "layer %s (diff_id %s) is not unpacked", l->chain_id,
                            l->diff_id);
            }
          goto out;
        }
      l->size = info.size;
      total += info.size;
      store_layer_info_clear (&info);
    }
  record = image_record_json (id, created, total, in->manifest_digest, layers, n);

  {
    _cleanup_close_ int lock = store_lock (s, err);
    if (lock < 0)
      goto out;
    /* A concurrent rmi may have removed a layer we reuse since we looked. */
    for (size_t i = 0; i < n; i++)
      if (!store_layer_exists (s, layers[i].chain_id))
        {
          store_fail (err, ENOENT, "layer %s was removed meanwhile", layers[i].chain_id);
          goto out;
        }
    if (publish_image_dir (s, id, in, record, err) < 0)
      goto out;
    struct store_index idx;
    if (store_index_load (s, &idx, err) < 0)
      goto out;
    store_index_add_image (&idx, id);
    if (in->tag)
      store_map_set (&idx.tags, in->tag, id);
    if (in->repo_digest)
      store_map_set (&idx.digests, in->repo_digest, id);
    int r = store_index_save (s, &idx, err);
    store_index_clear (&idx);
    if (r < 0)
      goto out;
  }
  if (id_out)
    *id_out = STEAL (id);
  ret = 0;
out:
  for (size_t i = 0; i < n; i++)
    {
      free (layers[i].chain_id);
      free (layers[i].diff_id);
      free (layers[i].digest);
      free (layers[i].media_type);
      free (layers[i].source);
    }
  free (layers);
  if (ret < 0)
    mk_error_wrap (err, "register image");
  return ret;
}

int
store_image_lookup_name (struct store *s, const char *normalized, char **id_out, mk_error **err)
{
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  const char *id = strchr (normalized, '@') ? store_map_get (&idx.digests, normalized)
                                           : store_map_get (&idx.tags, normalized);
  int ret = 0;
  if (id == NULL)
    {
      _cleanup_free_ char *fam = store_ref_familiar (normalized);
      ret = store_fail (err, ENOENT, "no such image: %s", fam);
    }
  else
    *id_out = xstrdup (id);
  store_index_clear (&idx);
  return ret;
}

/* Id prefix match over the index's images. */
static int
match_id (const struct store_index *idx, const char *id_or_prefix, char **id_out, mk_error **err)
{
  const char *hex = digest_hex (id_or_prefix);
  if (!digest_is_hex_prefix (hex))
    return store_fail (err, ENOENT, "no such image: %s", id_or_prefix);
  size_t len = strlen (hex);
  const char *found = NULL;
  size_t matches = 0;
  for (char **p = idx->images; p && *p; p++)
    if (strncmp (digest_hex (*p), hex, len) == 0)
      {
        found = *p;
        matches++;
      }
  if (matches == 0)
    return store_fail (err, ENOENT, "no such image: %s", id_or_prefix);
  if (matches > 1)
    return store_fail (err, EINVAL, "image id prefix `%s` is ambiguous: it matches %zu images",
                         id_or_prefix, matches);
  *id_out = xstrdup (found);
  return 0;
}

int
store_image_lookup_id (struct store *s, const char *id_or_prefix, char **id_out, mk_error **err)
{
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  int r = match_id (&idx, id_or_prefix, id_out, err);
  store_index_clear (&idx);
  return r;
}

/* What a user typed, resolved in an index: *is_name tells whether it was a
 * name (then *normalized gets it). */
int
store_image_resolve (const struct store_index *idx, const char *ref, char **id_out,
                     char **normalized, mk_error **err)
{
  if (str_has_prefix (ref, DIGEST_SHA256_PREFIX))
    return match_id (idx, ref, id_out, err);
  _cleanup_free_ char *norm = NULL;
  _cleanup_error_ mk_error *parse_err = NULL;
  if (store_ref_normalize (ref, &norm, &parse_err) == 0)
    {
      const char *id = strchr (norm, '@') ? store_map_get (&idx->digests, norm)
                                          : store_map_get (&idx->tags, norm);
      if (id)
        {
          *id_out = xstrdup (id);
          if (normalized)
            *normalized = STEAL (norm);
          return 0;
        }
    }
  if (digest_is_hex_prefix (ref))
    return match_id (idx, ref, id_out, err);
  if (parse_err)
    {
      *err = STEAL (parse_err);
      return -1;
    }
  _cleanup_free_ char *fam = store_ref_familiar (norm);
  return store_fail (err, ENOENT, "no such image: %s", fam);
}

int
store_image_find (struct store *s, const char *ref, char **id_out, mk_error **err)
{
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  int r = store_image_resolve (&idx, ref, id_out, NULL, err);
  store_index_clear (&idx);
  return r;
}

int
store_image_load (struct store *s, const char *id, struct store_image **out, mk_error **err)
{
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  int r = -1;
  if (!store_index_has_image (&idx, id))
    store_fail (err, ENOENT, "no such image: %s", id);
  else if ((r = store_image_read_record (s, id, out, err)) == 0)
    fill_names (*out, &idx);
  store_index_clear (&idx);
  return r;
}

int
store_image_config (struct store *s, const char *id, char **json, size_t *len, mk_error **err)
{
  if (digest_check (id, "image id", err) < 0)
    return -1;
  _cleanup_free_ char *dir = store_image_dir (s, id);
  _cleanup_free_ char *p = path_join (dir, "config.json");
  return read_file (p, json, len, err);
}

static int
cmp_newest_first (const void *a, const void *b)
{
  const struct store_image *x = *(struct store_image *const *) a;
  const struct store_image *y = *(struct store_image *const *) b;
  if (x->created_time != y->created_time)
    return x->created_time > y->created_time ? -1 : 1;
  /* Same second: RFC 3339 texts of the same form order by their fraction. */
  if (x->created && y->created && strcmp (x->created, y->created) != 0)
    return strcmp (y->created, x->created);
  return strcmp (x->id, y->id);
}

int
store_image_list (struct store *s, struct store_image ***out, size_t *n, mk_error **err)
{
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  size_t cap = strv_len (idx.images), k = 0;
  struct store_image **list = xzalloc (sizeof *list * (cap + 1));
  for (size_t i = 0; i < cap; i++)
    {
      struct store_image *img = NULL;
      _cleanup_error_ mk_error *bad = NULL;
      if (store_image_read_record (s, idx.images[i], &img, &bad) < 0)
        {
          /* One damaged record must not hide every other image. */
          log_warning ("%s", bad->msg);
          continue;
        }
      fill_names (img, &idx);
      list[k++] = img;
    }
  store_index_clear (&idx);
  qsort (list, k, sizeof *list, cmp_newest_first);
  *out = list;
  *n = k;
  return 0;
}

void
store_image_list_free (struct store_image **list, size_t n)
{
  if (list == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    store_image_free (list[i]);
  free (list);
}

int
store_image_tag (struct store *s, const char *id, const char *normalized_tag, mk_error **err)
{
  _cleanup_close_ int lock = store_lock (s, err);
  if (lock < 0)
    return -1;
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  int r;
  if (!store_index_has_image (&idx, id))
    r = store_fail (err, ENOENT, "no such image: %s", id);
  else
    {
      store_map_set (&idx.tags, normalized_tag, id);
      r = store_index_save (s, &idx, err);
    }
  store_index_clear (&idx);
  return r;
}

int
store_image_add_repo_digest (struct store *s, const char *id, const char *normalized,
                             mk_error **err)
{
  _cleanup_close_ int lock = store_lock (s, err);
  if (lock < 0)
    return -1;
  struct store_index idx;
  if (store_index_load (s, &idx, err) < 0)
    return -1;
  int r = 0;
  if (!store_index_has_image (&idx, id))
    r = store_fail (err, ENOENT, "no such image: %s", id);
  else if (store_map_get (&idx.digests, normalized) == NULL
           || strcmp (store_map_get (&idx.digests, normalized), id) != 0)
    {
      store_map_set (&idx.digests, normalized, id);
      r = store_index_save (s, &idx, err);
    }
  store_index_clear (&idx);
  return r;
}

int
store_image_set_layer_blob (struct store *s, const char *id, size_t index, const char *digest,
                            const char *media_type, long long blob_size, mk_error **err)
{
  _cleanup_close_ int lock = store_lock (s, err);
  if (lock < 0)
    return -1;
  _cleanup_store_image_ struct store_image *img = NULL;
  if (store_image_read_record (s, id, &img, err) < 0)
    return -1;
  if (index >= img->n_layers)
    return store_fail (err, EINVAL, "image %s has no layer %zu", id, index);
  struct store_image_layer *l = &img->layers[index];
  free (l->digest);
  free (l->media_type);
  l->digest = xstrdup (digest);
  l->media_type = xstrdup (media_type);
  l->blob_size = blob_size;
  _cleanup_free_ char *record = image_record_json (img->id, img->created, img->size,
                                                   img->manifest_digest, img->layers,
                                                   img->n_layers);
  _cleanup_free_ char *dir = store_image_dir (s, id);
  _cleanup_free_ char *p = path_join (dir, "image.json");
  return write_file_atomic (p, record, strlen (record), 0644, true, err);
}
