#include "mocker/registry/push.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/registry/http.h"
#include "mocker/registry/image_blobs.h"
#include "mocker/registry/manifest.h"
#include "mocker/registry/reference.h"
#include "mocker/registry/upload.h"
#include "mocker/store/image.h"
#include "mocker/store/layer_blob.h"
#include "mocker/store/store.h"

struct push
{
  struct store *store;
  const struct mk_push_options *opts;
  struct mk_registry *reg;
  const struct mk_reference *target;
  struct store_image *img;
  struct mk_image_blobs blobs;  /* the layers' blobs and where they came from */
  size_t layer;  /* the one being reported */
  const char *layer_id;
  size_t n_uploaded;
};

void
mk_push_result_clear (struct mk_push_result *r)
{
  free (r->repository);
  free (r->tag);
  free (r->digest);
  memset (r, 0, sizeof *r);
}

static void
report (struct push *p, enum mk_push_event ev, const char *from, int64_t done, int64_t total)
{
  if (p->opts->report == NULL)
    return;
  struct mk_push_status st = {
    .event = ev, .layer = p->layer, .n_layers = p->img->n_layers, .id = p->layer_id,
    .from = from, .done = done, .total = total,
  };
  p->opts->report (&st, p->opts->opaque);
}

static void
on_progress (void *opaque, int64_t sent, int64_t total)
{
  struct push *p = opaque;
  if (p->layer_id) /* the config's upload is not shown */
    report (p, MK_PUSH_PROGRESS, NULL, sent, total);
}

/* Sends the store's blob digest (unless the registry has it). */
static int
upload_blob (struct push *p, const char *digest, const char *upload_url, mk_error **err)
{
  _cleanup_free_ char *path = store_blob_path (p->store, digest);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return mk_error_set (err, errno, "open blob `%s`", path);
  if (mk_registry_blob_upload (p->reg, digest, fd, st.st_size, p->opts->chunk_size, upload_url,
                               on_progress, p, err)
      < 0)
    return -1;
  p->n_uploaded++;
  return 0;
}

static bool
same_registry (const struct mk_reference *a, const struct mk_reference *b)
{
  return strcmp (a->domain, b->domain) == 0;
}

static int
push_layer (struct push *p, size_t i, mk_error **err)
{
  struct store_image_layer *l = &p->img->layers[i];
  p->layer = i;
  p->layer_id = l->diff_id ? l->diff_id : l->chain_id;
  report (p, MK_PUSH_PREPARING, NULL, 0, l->blob_size);
  _cleanup_free_ char *upload_url = NULL;
  if (l->digest)
    {
      int has = mk_registry_blob_exists (p->reg, l->digest, err);
      if (has < 0)
        return -1;
      if (has)
        {
          report (p, MK_PUSH_EXISTS, NULL, 0, 0);
          return 0;
        }
      _cleanup_strv_ char **sources = mk_image_layer_sources (&p->blobs, p->img, i);
      for (char **d = sources; d && *d && upload_url == NULL; d++)
        {
          _cleanup_reference_ struct mk_reference *src = NULL;
          _cleanup_error_ mk_error *ignored = NULL;
          if (mk_reference_parse (*d, &src, &ignored) < 0 || !same_registry (src, p->target)
              || strcmp (src->path, p->target->path) == 0)
            continue;
          int m = mk_registry_blob_mount (p->reg, l->digest, src->path, &upload_url, err);
          if (m < 0)
            return -1;
          if (m)
            {
              report (p, MK_PUSH_MOUNTED, src->path, 0, 0);
              return 0;
            }
        }
      /* pulled: the blob is fetched once from where it came from */
      if (mk_image_layer_blob (&p->blobs, p->img, i, p->opts->insecure, err) < 0)
        return -1;
    }
  else
    {
      /* committed: no blob yet; made once, recorded, reused by the next push */
      if (mk_image_layer_blob (&p->blobs, p->img, i, p->opts->insecure, err) < 0)
        return -1;
      int has = mk_registry_blob_exists (p->reg, l->digest, err);
      if (has < 0)
        return -1;
      if (has)
        {
          report (p, MK_PUSH_EXISTS, NULL, 0, 0);
          return 0;
        }
    }
  if (upload_blob (p, l->digest, upload_url, err) < 0)
    return -1;
  report (p, MK_PUSH_PUSHED, NULL, l->blob_size, l->blob_size);
  return 0;
}

/* The manifest the image was pulled with, when it still names exactly
 * this config and these layer blobs. */
static char *
stored_manifest (struct push *p, size_t *len, char **media_type)
{
  const char *md = p->img->manifest_digest;
  _cleanup_free_ char *body = NULL;
  _cleanup_error_ mk_error *ignored = NULL;
  _cleanup_manifest_ struct mk_manifest *m = NULL;
  if (md == NULL || !store_blob_exists (p->store, md)
      || store_blob_read (p->store, md, &body, len, &ignored) < 0
      || mk_manifest_parse (NULL, body, *len, md, &m, &ignored) < 0 || m->kind != MK_MANIFEST_IMAGE
      || strcmp (m->config.digest, p->img->id) != 0 || m->n_layers != p->img->n_layers)
    return NULL;
  for (size_t i = 0; i < m->n_layers; i++)
    if (p->img->layers[i].digest == NULL || strcmp (m->layers[i].digest, p->img->layers[i].digest))
      return NULL;
  *media_type = xstrdup (m->media_type);
  return STEAL (body);
}

/* Docker schema2 when the image came from a Docker manifest (or has Docker
 * layer types), else OCI. */
static const char *
manifest_kind (struct push *p)
{
  const char *md = p->img->manifest_digest;
  _cleanup_free_ char *body = NULL;
  _cleanup_error_ mk_error *ignored = NULL;
  _cleanup_manifest_ struct mk_manifest *m = NULL;
  size_t len = 0;
  if (md && store_blob_read (p->store, md, &body, &len, &ignored) == 0
      && mk_manifest_parse (NULL, body, len, md, &m, &ignored) == 0)
    return strcmp (m->media_type, MK_MT_DOCKER_MANIFEST) == 0 ? MK_MT_DOCKER_MANIFEST
                                                              : MK_MT_OCI_MANIFEST;
  for (size_t i = 0; i < p->img->n_layers; i++)
    {
      const char *mt = p->img->layers[i].media_type;
      if (mt && str_has_prefix (mt, "application/vnd.docker."))
        return MK_MT_DOCKER_MANIFEST;
    }
  return MK_MT_OCI_MANIFEST;
}

static char *
new_manifest (struct push *p, long long config_size, size_t *len, char **media_type)
{
  const char *kind = manifest_kind (p);
  size_t n = p->img->n_layers;
  struct mk_descriptor *d = xzalloc ((n + 1) * sizeof *d);
  for (size_t i = 0; i < n; i++)
    {
      const struct store_image_layer *l = &p->img->layers[i];
      d[i].media_type = l->media_type ? l->media_type : (char *) LAYER_BLOB_MEDIA_TYPE;
      d[i].digest = l->digest;
      d[i].size = l->blob_size;
    }
  char *body = mk_manifest_build (kind, p->img->id, config_size, d, n, len);
  free (d);
  *media_type = xstrdup (kind);
  return body;
}

static int
push_image (struct push *p, struct mk_push_result *out, mk_error **err)
{
  for (size_t i = 0; i < p->img->n_layers; i++)
    if (push_layer (p, i, err) < 0)
      return mk_error_wrap (err, "layer %s", p->layer_id);
  /* blob sizes may have been unknown: take them from the blobs themselves */
  for (size_t i = 0; i < p->img->n_layers; i++)
    {
      struct store_image_layer *l = &p->img->layers[i];
      if (l->blob_size < 0 && store_blob_exists (p->store, l->digest))
        {
          _cleanup_free_ char *path = store_blob_path (p->store, l->digest);
          struct stat st;
          if (stat (path, &st) == 0)
            l->blob_size = st.st_size;
        }
      if (l->blob_size < 0)
        return mk_error_set (err, 0, "layer %s: blob size unknown", l->digest);
    }

  p->layer_id = NULL;
  _cleanup_free_ char *config = NULL;
  size_t config_len = 0;
  if (store_image_config (p->store, p->img->id, &config, &config_len, err) < 0)
    return -1;
  if (store_blob_put (p->store, config, config_len, p->img->id, NULL, err) < 0)
    return -1;
  int has = mk_registry_blob_exists (p->reg, p->img->id, err);
  if (has < 0)
    return -1;
  if (!has && upload_blob (p, p->img->id, NULL, err) < 0)
    return mk_error_wrap (err, "config %s", p->img->id);

  size_t len = 0;
  _cleanup_free_ char *media_type = NULL;
  _cleanup_free_ char *body = stored_manifest (p, &len, &media_type);
  if (body == NULL)
    body = new_manifest (p, config_len, &len, &media_type);
  _cleanup_free_ char *digest = NULL;
  if (mk_registry_put_manifest (p->reg, p->target->tag, media_type, body, len, &digest, err) < 0)
    return -1;
  /* Docker's RepoDigests: the manifest itself is not kept (nothing would
   * name it), its digest is */
  _cleanup_free_ char *name = mk_reference_name (p->target);
  _cleanup_free_ char *repo_digest = xasprintf ("%s@%s", name, digest);
  _cleanup_error_ mk_error *rec = NULL;
  if (store_image_add_repo_digest (p->store, p->img->id, repo_digest, &rec) < 0)
    /* the registry has it all the same (an rmi meanwhile) */
    log_warning ("pushed, but not recorded as %s: %s", repo_digest, rec->msg);
  out->repository = mk_reference_familiar_name (p->target);
  out->tag = xstrdup (p->target->tag);
  out->digest = STEAL (digest);
  out->size = len;
  out->n_uploaded = p->n_uploaded;
  return 0;
}

int
mk_push (struct store *s, const char *name, const struct mk_push_options *opts,
         struct mk_push_result *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_reference_ struct mk_reference *ref = NULL;
  if (mk_reference_parse (name, &ref, err) < 0)
    return -1;
  if (ref->digest)
    return store_fail (err, EINVAL, "push %s: give NAME[:TAG], not a digest", name);
  _cleanup_free_ char *full = mk_reference_string (ref);
  _cleanup_free_ char *id = NULL;
  if (store_image_lookup_name (s, full, &id, err) < 0)
    {
      if (mk_error_errno (*err) == ENOENT)
        {
          mk_error_free (err);
          return store_fail (err, ENOENT,
                               "push %s: no such image: tag an image with this name first", name);
        }
      return mk_error_wrap (err, "push %s", name);
    }
  _cleanup_store_image_ struct store_image *img = NULL;
  if (store_image_load (s, id, &img, err) < 0)
    return mk_error_wrap (err, "push %s", name);

  struct push p = { .store = s, .opts = opts, .target = ref, .img = img, .blobs.store = s };
  int rc = mk_registry_open (ref, opts->insecure, &p.reg, err);
  if (rc == 0)
    {
      mk_registry_set_push (p.reg);
      rc = push_image (&p, out, err);
      log_debug ("push %s: %d transient failures retried", full, mk_registry_retries (p.reg));
    }
  mk_registry_free (p.reg);
  mk_image_blobs_clear (&p.blobs);
  if (rc < 0)
    return mk_error_wrap (err, "push %s", name);
  return 0;
}
