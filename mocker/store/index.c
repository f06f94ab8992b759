/* repositories.json (format in index.h). */
#include "mocker/store/index.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/store/store.h"

#define INDEX_FILE "repositories.json"

const char *
store_map_get (const struct store_map *m, const char *key)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}

void
store_map_set (struct store_map *m, const char *key, const char *value)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->keys[i], key) == 0)
      {
        free (m->values[i]);
        m->values[i] = xstrdup (value);
        return;
      }
  m->keys = xrealloc (m->keys, (m->n + 1) * sizeof (char *));
  m->values = xrealloc (m->values, (m->n + 1) * sizeof (char *));
  m->keys[m->n] = xstrdup (key);
  m->values[m->n] = xstrdup (value);
  m->n++;
}

static void
map_remove_at (struct store_map *m, size_t i)
{
  free (m->keys[i]);
  free (m->values[i]);
  memmove (&m->keys[i], &m->keys[i + 1], (m->n - i - 1) * sizeof (char *));
  memmove (&m->values[i], &m->values[i + 1], (m->n - i - 1) * sizeof (char *));
  m->n--;
}

bool
store_map_remove (struct store_map *m, const char *key)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->keys[i], key) == 0)
      {
        map_remove_at (m, i);
        return true;
      }
  return false;
}

char **
store_map_keys_for (const struct store_map *m, const char *v)
{
  char **out = NULL;
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->values[i], v) == 0)
      strv_push (&out, m->keys[i]);
  return out;
}

static void
map_clear (struct store_map *m)
{
  for (size_t i = 0; i < m->n; i++)
    {
      free (m->keys[i]);
      free (m->values[i]);
    }
  free (m->keys);
  free (m->values);
  memset (m, 0, sizeof *m);
}

void
store_index_clear (struct store_index *idx)
{
  strv_free (idx->images);
  map_clear (&idx->tags);
  map_clear (&idx->digests);
  memset (idx, 0, sizeof *idx);
}

bool
store_index_has_image (const struct store_index *idx, const char *id)
{
  for (char **p = idx->images; p && *p; p++)
    if (strcmp (*p, id) == 0)
      return true;
  return false;
}

void
store_index_add_image (struct store_index *idx, const char *id)
{
  if (!store_index_has_image (idx, id))
    strv_push (&idx->images, id);
}

void
store_index_remove_image (struct store_index *idx, const char *id)
{
  size_t n = strv_len (idx->images);
  for (size_t i = 0; i < n; i++)
    if (strcmp (idx->images[i], id) == 0)
      {
        free (idx->images[i]);
        memmove (&idx->images[i], &idx->images[i + 1], (n - i) * sizeof (char *));
        break;
      }
  struct store_map *maps[] = { &idx->tags, &idx->digests };
  for (size_t k = 0; k < ARRAY_SIZE (maps); k++)
    for (size_t i = 0; i < maps[k]->n;)
      {
        if (strcmp (maps[k]->values[i], id) == 0)
          map_remove_at (maps[k], i);
        else
          i++;
      }
}

static int
load_map (yajl_val obj, const char *what, struct store_map *m, mk_error **err)
{
  if (obj == NULL)
    return 0;
  if (!YAJL_IS_OBJECT (obj))
    return store_fail (err, EINVAL, INDEX_FILE ": `%s` is not an object", what);
  for (size_t i = 0; i < obj->u.object.len; i++)
    {
      yajl_val v = obj->u.object.values[i];
      if (!YAJL_IS_STRING (v) || !digest_valid (YAJL_GET_STRING (v)))
        return store_fail (err, EINVAL, INDEX_FILE ": `%s.%s` is not an image id", what,
                             obj->u.object.keys[i]);
      store_map_set (m, obj->u.object.keys[i], YAJL_GET_STRING (v));
    }
  return 0;
}

int
store_index_load (struct store *s, struct store_index *idx, mk_error **err)
{
  memset (idx, 0, sizeof *idx);
  _cleanup_free_ char *p = store_path (s, INDEX_FILE);
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_error_ mk_error *local = NULL;
  if (read_file (p, &text, &len, &local) < 0)
    {
      if (mk_error_errno (local) == ENOENT)
        return 0;
      *err = STEAL (local);
      return -1;
    }
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse (text, len, p, &v, err) < 0)
    return -1;
  yajl_val images = json_get (v, "images");
  if (images && !YAJL_IS_ARRAY (images))
    return store_fail (err, EINVAL, "%s: `images` is not an array", p);
  for (size_t i = 0; images && i < images->u.array.len; i++)
    {
      yajl_val id = images->u.array.values[i];
      if (!YAJL_IS_STRING (id) || !digest_valid (YAJL_GET_STRING (id)))
        return store_fail (err, EINVAL, "%s: `images[%zu]` is not an image id", p, i);
      store_index_add_image (idx, YAJL_GET_STRING (id));
    }
  if (load_map (json_get (v, "tags"), "tags", &idx->tags, err) < 0
      || load_map (json_get (v, "digests"), "digests", &idx->digests, err) < 0)
    {
      store_index_clear (idx);
      return -1;
    }
  return 0;
}

int
store_index_save (struct store *s, const struct store_index *idx, mk_error **err)
{
  json_gen *g = json_gen_new (true);
  json_obj_open (g);
  json_key (g, "images");
  json_arr_open (g);
  for (char **p = idx->images; p && *p; p++)
    json_str (g, *p);
  json_arr_close (g);
  const struct store_map *maps[] = { &idx->tags, &idx->digests };
  const char *names[] = { "tags", "digests" };
  for (size_t k = 0; k < ARRAY_SIZE (maps); k++)
    {
      json_key (g, names[k]);
      json_obj_open (g);
      for (size_t i = 0; i < maps[k]->n; i++)
        json_kv_str (g, maps[k]->keys[i], maps[k]->values[i]);
      json_obj_close (g);
    }
  json_obj_close (g);
  size_t len = 0;
  _cleanup_free_ char *text = json_gen_finish (g, &len);
  _cleanup_free_ char *p = store_path (s, INDEX_FILE);
  return write_file_atomic (p, text, len, 0600, true, err);
}
