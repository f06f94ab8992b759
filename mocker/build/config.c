/* The image config a build stage works on, read from and written back to
 * the image config JSON (build_internal.h). */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/registry/manifest.h"
#include "mocker/build/build_internal.h"
#include "mocker/store/image.h"

/* The config keys the builder manages; the others pass through. */
static const char *const managed[] = { "User",  "ExposedPorts", "Env",     "Entrypoint",
                                       "Cmd",   "Healthcheck",  "Volumes", "WorkingDir",
                                       "Labels", "OnBuild",     "StopSignal", "Shell" };

void
image_cfg_clear (struct image_cfg *c)
{
  if (c->doc)
    yajl_tree_free (c->doc);
  free (c->user);
  free (c->workdir);
  free (c->stopsignal);
  free (c->author);
  strv_free (c->env);
  strv_free (c->cmd);
  strv_free (c->entrypoint);
  strv_free (c->shell);
  strv_free (c->onbuild);
  smap_clear (&c->labels);
  smap_clear (&c->exposed);
  smap_clear (&c->volumes);
  free (c->healthcheck);
  *c = (struct image_cfg) { 0 };
}

const char *
env_get (char *const *env, const char *key)
{
  size_t n = strlen (key);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], key, n) == 0 && env[i][n] == '=')
      return env[i] + n + 1;
  return NULL;
}

void
env_set (char ***env, const char *key, const char *val)
{
  _cleanup_free_ char *kv = xasprintf ("%s=%s", key, val);
  size_t n = strlen (key);
  for (size_t i = 0; *env && (*env)[i]; i++)
    if (strncmp ((*env)[i], key, n) == 0 && (*env)[i][n] == '=')
      {
        free ((*env)[i]);
        (*env)[i] = STEAL (kv);
        return;
      }
  strv_push (env, kv);
}

static char *
str_of (yajl_val obj, const char *key)
{
  const char *s = json_get_str (obj, key);
  return s && *s ? xstrdup (s) : NULL;
}

static void
map_of (yajl_val v, struct smap *m, bool values)
{
  for (size_t i = 0; v && YAJL_IS_OBJECT (v) && i < v->u.object.len; i++)
    {
      yajl_val val = v->u.object.values[i];
      smap_set (m, v->u.object.keys[i],
                values && YAJL_IS_STRING (val) ? YAJL_GET_STRING (val) : NULL);
    }
}

int
image_cfg_load (struct store *s, const char *id, struct image_cfg *out, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (store_image_config (s, id, &text, &len, err) < 0)
    return -1;
  yajl_val doc = NULL;
  if (json_parse (text, len, "image config", &doc, err) < 0)
    return -1;
  image_cfg_clear (out);
  out->doc = doc;
  yajl_val c = json_get (doc, "config");
  out->user = str_of (c, "User");
  out->workdir = str_of (c, "WorkingDir");
  out->stopsignal = str_of (c, "StopSignal");
  out->author = str_of (doc, "author");
  out->env = json_strv (json_get (c, "Env"));
  out->cmd = json_strv (json_get (c, "Cmd"));
  out->entrypoint = json_strv (json_get (c, "Entrypoint"));
  out->shell = json_strv (json_get (c, "Shell"));
  out->onbuild = json_strv (json_get (c, "OnBuild"));
  map_of (json_get (c, "Labels"), &out->labels, true);
  map_of (json_get (c, "ExposedPorts"), &out->exposed, false);
  map_of (json_get (c, "Volumes"), &out->volumes, false);
  yajl_val hc = json_get (c, "Healthcheck");
  if (hc && YAJL_IS_OBJECT (hc))
    {
      json_gen *g = json_gen_new (false);
      json_tree (g, hc);
      out->healthcheck = json_gen_finish (g, NULL);
    }
  return 0;
}

static void
gen_map (json_gen *g, const char *key, const struct smap *m, bool values)
{
  if (m->n == 0)
    return;
  json_key (g, key);
  json_obj_open (g);
  for (size_t i = 0; i < m->n; i++)
    {
      json_key (g, m->keys[i]);
      if (values)
        json_str (g, m->vals[i] ? m->vals[i] : "");
      else
        {
          json_obj_open (g);
          json_obj_close (g);
        }
    }
  json_obj_close (g);
}

static bool
is_managed (const char *k)
{
  for (size_t i = 0; i < ARRAY_SIZE (managed); i++)
    if (strcmp (k, managed[i]) == 0)
      return true;
  return false;
}

static void
gen_config (json_gen *g, const struct image_cfg *c)
{
  json_obj_open (g);
  yajl_val base = json_get (c->doc, "config");
  for (size_t i = 0; base && YAJL_IS_OBJECT (base) && i < base->u.object.len; i++)
    if (!is_managed (base->u.object.keys[i]))
      {
        json_key (g, base->u.object.keys[i]);
        json_tree (g, base->u.object.values[i]);
      }
  if (c->user)
    json_kv_str (g, "User", c->user);
  gen_map (g, "ExposedPorts", &c->exposed, false);
  if (c->env)
    json_kv_strv (g, "Env", c->env);
  if (c->entrypoint)
    json_kv_strv (g, "Entrypoint", c->entrypoint);
  if (c->cmd)
    json_kv_strv (g, "Cmd", c->cmd);
  if (c->healthcheck)
    {
      _cleanup_json_ yajl_val hc = NULL;
      _cleanup_error_ mk_error *e = NULL;
      if (json_parse (c->healthcheck, strlen (c->healthcheck), "healthcheck", &hc, &e) == 0)
        {
          json_key (g, "Healthcheck");
          json_tree (g, hc);
        }
    }
  gen_map (g, "Volumes", &c->volumes, false);
  if (c->workdir)
    json_kv_str (g, "WorkingDir", c->workdir);
  gen_map (g, "Labels", &c->labels, true);
  if (c->onbuild && c->onbuild[0])
    json_kv_strv (g, "OnBuild", c->onbuild);
  if (c->stopsignal)
    json_kv_str (g, "StopSignal", c->stopsignal);
  if (c->shell)
    json_kv_strv (g, "Shell", c->shell);
  json_obj_close (g);
}

char *
image_cfg_generate (const struct image_cfg *c, const char *created, const char *created_by,
                    const char *new_diff_id)
{
  static const char *const replaced[] = { "created", "author", "config", "container_config",
                                          "container", "rootfs", "history", "architecture",
                                          "os" };
  json_gen *g = json_gen_new (false);
  json_obj_open (g);
  const char *arch = json_get_str (c->doc, "architecture");
  const char *os = json_get_str (c->doc, "os");
  /* FROM scratch: the host's, as a pull would pick it (armv7, ppc64le...) */
  struct mk_platform host = { 0 };
  if (arch == NULL)
    mk_platform_host (&host);
  json_kv_str (g, "architecture", arch ? arch : host.arch);
  mk_platform_clear (&host);
  if (c->author)
    json_kv_str (g, "author", c->author);
  json_key (g, "config");
  gen_config (g, c);
  json_kv_str (g, "created", created);
  json_key (g, "history");
  json_arr_open (g);
  yajl_val h = json_get (c->doc, "history");
  for (size_t i = 0; h && YAJL_IS_ARRAY (h) && i < h->u.array.len; i++)
    json_tree (g, h->u.array.values[i]);
  if (created_by)
    {
      json_obj_open (g);
      json_kv_str (g, "created", created);
      json_kv_str (g, "created_by", created_by);
      if (new_diff_id == NULL)
        json_kv_bool (g, "empty_layer", true);
      json_obj_close (g);
    }
  json_arr_close (g);
  json_kv_str (g, "os", os ? os : "linux");
  json_key (g, "rootfs");
  json_obj_open (g);
  json_kv_str (g, "type", "layers");
  json_key (g, "diff_ids");
  json_arr_open (g);
  yajl_val ids = json_get (json_get (c->doc, "rootfs"), "diff_ids");
  for (size_t i = 0; ids && YAJL_IS_ARRAY (ids) && i < ids->u.array.len; i++)
    json_tree (g, ids->u.array.values[i]);
  if (new_diff_id)
    json_str (g, new_diff_id);
  json_arr_close (g);
  json_obj_close (g);
  /* Other top-level fields of the base (variant, os.version...) are kept. */
  for (size_t i = 0; c->doc && YAJL_IS_OBJECT (c->doc) && i < c->doc->u.object.len; i++)
    {
      const char *k = c->doc->u.object.keys[i];
      bool skip = false;
      for (size_t j = 0; j < ARRAY_SIZE (replaced); j++)
        skip = skip || strcmp (k, replaced[j]) == 0;
      if (!skip)
        {
          json_key (g, k);
          json_tree (g, c->doc->u.object.values[i]);
        }
    }
  json_obj_close (g);
  return json_gen_finish (g, NULL);
}
