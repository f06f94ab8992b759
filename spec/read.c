/* The config.json reader: the top level (ociVersion, root, mounts, hostname,
 * hooks, annotations); process and linux live in their own files. */
#include "spec/spec.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "spec/read_util.h"

/* config.json files are small; this only stops a runaway input. */

/* Any 1.x: "1.0.0", "1.0.2-dev", "1.2.0". */
static int
read_oci_version (rd_ctx *c, yajl_val root, char **out)
{
  if (rd_str_req (c, root, "", "ociVersion", out) < 0)
    return -1;
  const char *v = *out;
  if (!(v[0] == '1' && v[1] == '.' && v[2] >= '0' && v[2] <= '9'))
    return rd_error (c, "ociVersion", "unsupported version \"%s\" (1.x is supported)", v);
  return 0;
}

static int
read_mounts (rd_ctx *c, yajl_val root, struct spec *s)
{
  yajl_val arr;
  if (rd_array (c, root, "", "mounts", &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  s->n_mounts = arr->u.array.len;
  s->mounts = xzalloc (s->n_mounts * sizeof *s->mounts);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      struct spec_mount *m = &s->mounts[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx ("mounts", i);
      if (rd_val_object (c, e, p) < 0
          || rd_str_req (c, e, p, "destination", &m->destination) < 0
          || rd_str (c, e, p, "type", &m->type) < 0
          || rd_str (c, e, p, "source", &m->source) < 0
          || rd_strv (c, e, p, "options", &m->options) < 0
          || rd_id_mappings (c, e, p, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0
          || rd_id_mappings (c, e, p, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
        return -1;
      if (m->destination[0] == '\0')
        {
          _cleanup_free_ char *pd = rd_key (p, "destination");
          return rd_error (c, pd, "must not be empty");
        }
    }
  return 0;
}

static int
read_hook_list (rd_ctx *c, yajl_val hooks, const char *key, struct spec_hook_list *l)
{
  yajl_val arr;
  if (rd_array (c, hooks, "hooks", key, &arr) < 0)
    return -1;
  if (arr == NULL)
    return 0;
  _cleanup_free_ char *pl = rd_key ("hooks", key);
  l->len = arr->u.array.len;
  l->hooks = xzalloc (l->len * sizeof *l->hooks);
  for (size_t i = 0; i < l->len; i++)
    {
      struct spec_hook *h = &l->hooks[i];
      yajl_val e = arr->u.array.values[i];
      _cleanup_free_ char *p = rd_idx (pl, i);
      int64_t timeout = 0;
      if (rd_val_object (c, e, p) < 0
          || rd_str_req (c, e, p, "path", &h->path) < 0
          || rd_strv (c, e, p, "args", &h->args) < 0
          || rd_strv (c, e, p, "env", &h->env) < 0
          || rd_i64 (c, e, p, "timeout", 1, INT32_MAX, &h->has_timeout, &timeout) < 0)
        return -1;
      h->timeout = (int) timeout;
    }
  return 0;
}

static int
read_hooks (rd_ctx *c, yajl_val root, struct spec *s)
{
  yajl_val hooks;
  if (rd_object (c, root, "", "hooks", &hooks) < 0)
    return -1;
  if (hooks == NULL)
    return 0;
  if (read_hook_list (c, hooks, "prestart", &s->hooks.prestart) < 0
      || read_hook_list (c, hooks, "createRuntime", &s->hooks.create_runtime) < 0
      || read_hook_list (c, hooks, "createContainer", &s->hooks.create_container) < 0
      || read_hook_list (c, hooks, "startContainer", &s->hooks.start_container) < 0
      || read_hook_list (c, hooks, "poststart", &s->hooks.poststart) < 0
      || read_hook_list (c, hooks, "poststop", &s->hooks.poststop) < 0)
    return -1;
  return 0;
}

static int
read_root (rd_ctx *c, yajl_val top, struct spec *s)
{
  yajl_val root;
  if (rd_object (c, top, "", "root", &root) < 0)
    return -1;
  if (root == NULL)
    return rd_error (c, "root", "missing");
  if (rd_str_req (c, root, "root", "path", &s->root_path) < 0
      || rd_bool (c, root, "root", "readonly", NULL, &s->root_readonly) < 0)
    return -1;
  if (s->root_path[0] == '\0')
    return rd_error (c, "root.path", "must not be empty");
  return 0;
}

int
spec_read_text (const char *text, size_t len, const char *what, struct spec **out,
                mk_error **err)
{
  _cleanup_json_ yajl_val top = NULL;
  if (rd_parse (text, len, what, &top, err) < 0)
    return -1;

  rd_ctx ctx = { .what = what, .err = err };
  rd_ctx *c = &ctx;
  _cleanup_spec_ struct spec *s = xzalloc (sizeof *s);
  yajl_val v;
  if (read_oci_version (c, top, &s->oci_version) < 0
      || read_root (c, top, s) < 0
      || read_mounts (c, top, s) < 0)
    return -1;
  if ((v = rd_field (top, "process")) && rd_process (c, v, "process", &s->process) < 0)
    return -1;
  if (rd_str (c, top, "", "hostname", &s->hostname) < 0
      || rd_str (c, top, "", "domainname", &s->domainname) < 0
      || read_hooks (c, top, s) < 0
      || rd_map (c, top, "", "annotations", &s->annotations) < 0)
    return -1;
  if ((v = rd_field (top, "linux")) && rd_linux (c, v, "linux", &s->linux_) < 0)
    return -1;
  *out = STEAL (s);
  return 0;
}

int
spec_read_file (const char *path, struct spec **out, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (read_file_at (AT_FDCWD, path, SPEC_MAX_SIZE, &text, &len, err) < 0)
    return -1;
  return spec_read_text (text, len, path, out, err);
}

int
spec_read_process_text (const char *text, size_t len, const char *what,
                        struct spec_process **out, mk_error **err)
{
  _cleanup_json_ yajl_val top = NULL;
  if (rd_parse (text, len, what, &top, err) < 0)
    return -1;
  rd_ctx ctx = { .what = what, .err = err };
  return rd_process (&ctx, top, "", out);
}

int
spec_read_process_file (const char *path, struct spec_process **out, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (read_file_at (AT_FDCWD, path, SPEC_MAX_SIZE, &text, &len, err) < 0)
    return -1;
  return spec_read_process_text (text, len, path, out, err);
}

int
spec_read_resources_text (const char *text, size_t len, const char *what,
                          struct spec_resources **out, mk_error **err)
{
  _cleanup_json_ yajl_val top = NULL;
  if (rd_parse (text, len, what, &top, err) < 0)
    return -1;
  rd_ctx ctx = { .what = what, .err = err };
  return rd_resources (&ctx, top, "", out);
}

int
spec_read_resources_file (const char *path, struct spec_resources **out, mk_error **err)
{
  bool is_stdin = strcmp (path, "-") == 0;
  const char *what = is_stdin ? "stdin" : path;
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (read_file_at (AT_FDCWD, is_stdin ? "/dev/stdin" : path, SPEC_MAX_SIZE, &text, &len, err) < 0)
    return -1;
  return spec_read_resources_text (text, len, what, out, err);
}
