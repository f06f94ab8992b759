/* layers/<hex>/layer.json: what a layer directory holds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/store/store_internal.h"

char *
store_layer_json (const struct store_layer_info *l)
{
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  json_kv_str (g, "chain_id", l->chain_id);
  json_kv_str (g, "diff_id", l->diff_id);
  json_kv_str (g, "parent", l->parent);
  json_kv_int (g, "size", l->size);
  if (l->tar_size > 0)
    json_kv_int (g, "tar_size", l->tar_size);
  json_obj_close (g);
  return json_gen_finish (g, NULL);
}

int
store_layer_load (struct store *s, const char *chain_id, struct store_layer_info *out,
                  mk_error **err)
{
  if (digest_check (chain_id, "layer", err) < 0)
    return -1;
  _cleanup_free_ char *p = xasprintf ("%s/layers/%s/layer.json", s->root, digest_hex (chain_id));
  _cleanup_json_ yajl_val v = NULL;
  if (json_parse_file (p, &v, err) < 0)
    return mk_error_wrap (err, "layer %s", chain_id);
  const char *diff = json_get_str (v, "diff_id");
  yajl_val size = json_get (v, "size");
  if (!digest_valid (diff) || !YAJL_IS_INTEGER (size))
    return store_fail (err, EINVAL, "layer %s: `%s` lacks diff_id or size", chain_id, p);
  const char *parent = json_get_str (v, "parent");
  out->chain_id = xstrdup (chain_id);
  out->diff_id = xstrdup (diff);
  out->parent = parent ? xstrdup (parent) : NULL;
  out->size = YAJL_GET_INTEGER (size);
  yajl_val tar_size = json_get (v, "tar_size");
  out->tar_size = tar_size && YAJL_IS_INTEGER (tar_size) && YAJL_GET_INTEGER (tar_size) > 0
                      ? YAJL_GET_INTEGER (tar_size)
                      : 0;
  return 0;
}
