/* mocker commit: a container's upper directory into a new image (commit.h). */
#include "mocker/image/commit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/container/container.h"
#include "mocker/container/status.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"

static bool
is_hex (const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
      return false;
  return true;
}

/* What the second argument means (commit.h): *base_id gets the image to
 * build on when it names one, *tag the normalized new name otherwise. */
static int
resolve_target (struct store *s, const char *target, char **base_id, char **tag, mk_error **err)
{
  if (target == NULL)
    return 0;
  bool sha = str_has_prefix (target, "sha256:");
  if (sha || is_hex (target))
    {
      _cleanup_error_ mk_error *e = NULL;
      if (store_image_lookup_id (s, target, base_id, &e) == 0)
        return 0;
      /* What looks like an image id (sha256:, or 6 to 64 hex digits) and
       * matches none is an error, not a new name: a mistyped id must not
       * quietly make an image tagged `0123456789ab:latest`.  Shorter hex
       * strings ("cafe") are names. */
      size_t n = strlen (target);
      if (sha || (n >= 6 && n <= 64) || mk_error_errno (e) != ENOENT)
        {
          *err = STEAL (e);
          return -1;
        }
    }
  if (store_ref_normalize (target, tag, err) < 0)
    return -1;
  if (strchr (*tag, '@'))
    return mk_error_set (err, 0, "`%s`: a tag, not a digest, names a new image", target);
  return 0;
}

/* True when rel exists in one of the container's image layers. */
static bool
in_lower (struct store *s, yajl_val layers, const char *rel)
{
  for (size_t i = 0; layers && YAJL_IS_ARRAY (layers) && i < layers->u.array.len; i++)
    {
      const char *chain = YAJL_GET_STRING (layers->u.array.values[i]);
      if (chain == NULL)
        continue;
      _cleanup_free_ char *diff = store_layer_diff_dir (s, chain);
      _cleanup_free_ char *p = path_join (diff, rel);
      struct stat st;
      if (lstat (p, &st) == 0)
        return true;
    }
  return false;
}

static bool
empty_dir (const char *path)
{
  _cleanup_closedir_ DIR *d = opendir (path);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      return false;
  return d != NULL;
}

/* The mount points the runtime created in the upper directory (empty
 * files or directories at a mount destination the image lacks): they are
 * the run's, not the container's changes (Docker keeps them in its init
 * layer, which commit leaves out). */
static char **
runtime_mount_points (struct store *s, const struct container *c, const char *upper)
{
  char **skip = NULL;
  _cleanup_free_ char *cfg_path = xasprintf ("%s/bundle/config.json", c->dir);
  _cleanup_json_ yajl_val cfg = NULL;
  _cleanup_error_ mk_error *e = NULL;
  if (json_parse_file (cfg_path, &cfg, &e) < 0)
    return NULL;
  yajl_val mounts = json_get (cfg, "mounts");
  yajl_val layers = json_get (c->record, "layers");
  for (size_t i = 0; mounts && YAJL_IS_ARRAY (mounts) && i < mounts->u.array.len; i++)
    {
      const char *dest = json_get_str (mounts->u.array.values[i], "destination");
      while (dest && *dest == '/')
        dest++;
      if (str_is_empty (dest))
        continue;
      _cleanup_free_ char *p = path_join (upper, dest);
      struct stat st;
      if (lstat (p, &st) < 0)
        continue;
      bool empty = (S_ISREG (st.st_mode) && st.st_size == 0)
                   || (S_ISDIR (st.st_mode) && empty_dir (p));
      if (empty && !in_lower (s, layers, dest))
        strv_push (&skip, dest);
    }
  return skip;
}

/* Pauses a running container (when asked) for as long as it is in scope. */
struct pause_guard
{
  struct store *s;
  const char *id;
  bool paused;
  sigset_t saved;  /* signal mask before the pause */
};

static void
pause_guard_release (struct pause_guard *g)
{
  if (!g->paused)
    return;
  char *args[] = { (char *) "resume", (char *) g->id, NULL };
  _cleanup_free_ char *text = NULL;
  if (ctr_runtime_call (g->s, args, &text) != 0)
    log_warning ("container %.12s: mocker-runtime resume: %s", g->id, text ? text : "failed");
  else
    log_debug ("container %.12s: resumed", g->id);
  g->paused = false;
  /* A ^C that came while paused takes effect now, after the resume. */
  sigprocmask (SIG_SETMASK, &g->saved, NULL);
}

static int
pause_container (struct pause_guard *g, mk_error **err)
{
  char *args[] = { (char *) "pause", (char *) g->id, NULL };
  _cleanup_free_ char *text = NULL;
  /* No ^C between pause and resume: it would leave the container frozen
   * (only SIGKILL can, then `mocker-runtime resume` thaws it). */
  sigset_t block;
  sigemptyset (&block);
  sigaddset (&block, SIGINT);
  sigaddset (&block, SIGTERM);
  sigaddset (&block, SIGHUP);
  sigaddset (&block, SIGQUIT);
  sigprocmask (SIG_BLOCK, &block, &g->saved);
  if (ctr_runtime_call (g->s, args, &text) == 0)
    {
      log_debug ("container %.12s: paused for the commit", g->id);
      g->paused = true;
      return 0;
    }
  sigprocmask (SIG_SETMASK, &g->saved, NULL);
  /* Paused already (by someone else: they resume it), or it exited since
   * we looked: nothing to pause. */
  if (text && (strstr (text, "already paused") || strstr (text, "not running")))
    return 0;
  return mk_error_set (err, 0, "pause container %.12s: mocker-runtime pause: %s", g->id,
                       text && *text ? text : "failed");
}

/* Packs the upper directory into a layer on parent_chain (NULL: none). */
static int
make_layer (struct store *s, struct container *c, bool pause, const char *parent_chain,
            struct layer_created *lc, mk_error **err)
{
  _cleanup_close_ int lock = ctr_lock (c, err);
  if (lock < 0)
    return -1;
  ctr_reload_state (c);
  _cleanup_free_ char *upper = path_join (c->dir, "upper");
  if (!dir_exists (upper))
    return mk_error_set (err, 0, "container %.12s has no upper directory `%s`", c->id, upper);

  __attribute__ ((cleanup (pause_guard_release))) struct pause_guard g = { .s = s, .id = c->id };
  if (pause && ctr_live_status (c) == LIVE_RUNNING && pause_container (&g, err) < 0)
    return -1;
  _cleanup_strv_ char **skip = runtime_mount_points (s, c, upper);
  struct layer_pack_opts po = { .overlay_whiteouts = true, .skip = skip };
  /* Only the layer directory, no blob: Docker and podman keep none for a
   * local commit either (a transport form is for a push, which can pack
   * the layer then); it halves what a commit writes. */
  return layer_create_from_dir (s, upper, parent_chain, LAYER_COMPRESSION_NO_BLOB, &po, lc, err);
}

int
commit_container (struct store *s, const struct commit_request *req, char **id_out,
                  mk_error **err)
{
  _cleanup_container_ struct container *c = NULL;
  if (ctr_find (s, req->container, &c, err) < 0)
    return -1;
  _cleanup_free_ char *base_id = NULL;
  _cleanup_free_ char *tag = NULL;
  if (resolve_target (s, req->target, &base_id, &tag, err) < 0)
    return -1;
  bool own = base_id == NULL;
  if (own)
    {
      const char *image = ctr_image (c);
      if (image == NULL)
        return mk_error_set (err, 0, "container %.12s: its record names no image", c->id);
      base_id = xstrdup (image);
    }

  _cleanup_store_image_ struct store_image *img = NULL;
  if (store_image_load (s, base_id, &img, err) < 0)
    {
      if (own && mk_error_errno (*err) == ENOENT)
        {
          mk_error_free (err);
          return store_fail (err, ENOENT,
                             "container %s: its image %s no longer exists (no such image); "
                             "give an image to commit onto",
                             c->name, base_id);
        }
      return mk_error_wrap (err, "image %s", base_id);
    }
  _cleanup_free_ char *base_cfg = NULL;
  size_t base_len = 0;
  if (store_image_config (s, img->id, &base_cfg, &base_len, err) < 0)
    return -1;

  const char *parent = img->n_layers ? img->layers[img->n_layers - 1].chain_id : NULL;
  __attribute__ ((cleanup (layer_created_clear))) struct layer_created lc = { 0 };
  if (make_layer (s, c, req->pause, parent, &lc, err) < 0)
    return mk_error_wrap (err, "container %s", c->name);

  char created[40];
  ctr_time_now (created, sizeof created);
  _cleanup_free_ char *by = ctr_command_line (c);
  struct commit_meta meta = {
    .diff_id = lc.diff_id, .created = created, .created_by = by,
    .author = req->author, .comment = req->message, .changes = req->changes,
  };
  _cleanup_free_ char *config = NULL;
  /* The seed form (onto an IMAGE_ID) keeps that image's config; else the
   * container's run settings go into it. */
  yajl_val run_cfg = own ? json_get (c->record, "config") : NULL;
  if (commit_config_build (base_cfg, base_len, run_cfg, &meta, &config, err) < 0)
    return mk_error_wrap (err, "the new config on image %s", base_id);

  _cleanup_free_ struct store_image_new_layer *layers
      = xzalloc ((img->n_layers + 1) * sizeof *layers);
  for (size_t i = 0; i < img->n_layers; i++)
    layers[i] = (struct store_image_new_layer) {
      .diff_id = img->layers[i].diff_id, .digest = img->layers[i].digest,
      .media_type = img->layers[i].media_type, .blob_size = img->layers[i].blob_size,
      .source = img->layers[i].source,
    };
  layers[img->n_layers] = (struct store_image_new_layer) {
    .diff_id = lc.diff_id, .digest = lc.digest, .media_type = lc.media_type,
    .blob_size = lc.blob_size,
  };
  struct store_image_new in = {
    .config = config, .config_len = strlen (config), .layers = layers,
    .n_layers = img->n_layers + 1, .tag = tag,
  };
  if (store_image_register (s, &in, id_out, err) < 0)
    return mk_error_wrap (err, "register the image of container %s", c->name);
  return 0;
}

int
commit_upper_layer (struct store *s, struct container *c, const char *parent_chain,
                    struct layer_created *lc, mk_error **err)
{
  return make_layer (s, c, false, parent_chain, lc, err);
}
