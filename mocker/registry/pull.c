#include "mocker/registry/pull.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/registry/http.h"
#include "mocker/registry/manifest.h"
#include "mocker/registry/reference.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"
#include "mocker/store/store.h"

#define MAX_PARALLEL_DOWNLOADS 4
#define MAX_CONFIG_SIZE (64 << 20)
#define PROGRESS_STEP (256 << 10)

struct layer_job
{
  struct pull *p;
  size_t index;
  const struct mk_descriptor *desc;
  const char *diff_id;  /* from the config */
  char *parent_chain;   /* NULL for the base layer */
  char *chain_id;
  bool needed;
  struct layer_unpack *unpack;
  mk_digest *dg;
  mk_error *unpack_err;  /* the unpacker stopped; the download goes on to check the digest */
  int64_t done, reported;
  mk_error *err;
};

struct pull
{
  struct store *store;
  const struct mk_pull_options *opts;
  struct mk_registry *reg;
  pthread_mutex_t report_lock;
  int aborted;  /* atomic: one layer failed, the others stop */
  struct layer_job *jobs;
  size_t n_jobs;
  struct layer_job **queue;  /* the needed ones */
  size_t n_queue;
  size_t next;  /* atomic: next queue entry to take */
};

void
mk_pull_result_clear (struct mk_pull_result *r)
{
  free (r->image_id);
  free (r->name);
  free (r->manifest_digest);
  memset (r, 0, sizeof *r);
}

static void
report (struct pull *p, enum mk_pull_event ev, size_t layer, const char *digest, int64_t done,
        int64_t total)
{
  if (p->opts->report == NULL)
    return;
  struct mk_pull_status st = {
    .event = ev, .layer = layer, .n_layers = p->n_jobs, .digest = digest, .done = done,
    .total = total,
  };
  pthread_mutex_lock (&p->report_lock);
  p->opts->report (&st, p->opts->opaque);
  pthread_mutex_unlock (&p->report_lock);
}

/* ---- manifests ---- */

/* A manifest the store already has (kept by an earlier pull), verified. */
static int
local_manifest (struct pull *p, const char *digest, const char *object, struct mk_manifest **out,
                char **body, size_t *len)
{
  _cleanup_error_ mk_error *local_err = NULL;
  _cleanup_free_ char *data = NULL;
  size_t n = 0;
  if (!store_blob_exists (p->store, digest)
      || store_blob_read (p->store, digest, &data, &n, &local_err) < 0)
    return -1;
  _cleanup_free_ char *d = digest_bytes (data, n);
  _cleanup_free_ char *what = xasprintf ("manifest %s", object);
  if (strcmp (d, digest) != 0 || mk_manifest_parse (NULL, data, n, what, out, &local_err) < 0)
    {
      log_debug ("local manifest %s: %s", digest, local_err ? local_err->msg : "digest mismatch");
      return -1;
    }
  *body = STEAL (data);
  *len = n;
  return 0;
}

/* Fetches and parses a manifest; verifies its digest against expect (when
 * asked by digest) and against Docker-Content-Digest (when sent). A
 * manifest the store already has is not downloaded again: for a tag, a
 * HEAD says which digest it is now. */
static int
fetch_manifest (struct pull *p, const char *object, const char *expect, struct mk_manifest **out,
                char **body, size_t *len, char **digest, mk_error **err)
{
  _cleanup_free_ char *head = NULL;
  if (expect == NULL)
    {
      _cleanup_error_ mk_error *head_err = NULL;
      if (mk_registry_head_manifest (p->reg, object, &head, &head_err) < 0)
        log_debug ("HEAD manifest %s: %s", object, head_err->msg);
    }
  const char *known = expect ? expect : head;
  if (known && local_manifest (p, known, object, out, body, len) == 0)
    {
      *digest = xstrdup (known);
      return 0;
    }

  struct mk_http_response resp;
  if (mk_registry_get_manifest (p->reg, object, &resp, err) < 0)
    return -1;
  _cleanup_free_ char *d = digest_bytes (resp.body, resp.len);
  int rc = 0;
  if (expect && strcmp (d, expect) != 0)
    rc = mk_error_set (err, 0, "manifest %s: digest mismatch: the registry sent %s", expect, d);
  else if (resp.docker_content_digest && digest_valid (resp.docker_content_digest)
           && strcmp (resp.docker_content_digest, d) != 0)
    rc = mk_error_set (err, 0,
                       "manifest %s: digest mismatch: Docker-Content-Digest says %s, the body "
                       "hashes to %s",
                       object, resp.docker_content_digest, d);
  else
    {
      _cleanup_free_ char *what = xasprintf ("manifest %s", object);
      rc = mk_manifest_parse (resp.content_type, resp.body, resp.len, what, out, err);
    }
  if (rc == 0)
    {
      *body = STEAL (resp.body);
      *len = resp.len;
      *digest = STEAL (d);
    }
  mk_http_response_clear (&resp);
  return rc;
}

/* ---- the config ---- */

struct membuf
{
  char *data;
  size_t len;
};

static int
membuf_sink (void *opaque, const void *data, size_t len, mk_error **err)
{
  (void) err;
  struct membuf *b = opaque;
  b->data = xrealloc (b->data, b->len + len + 1);
  memcpy (b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return 0;
}

/* The config bytes: from the store when this config was seen before, else
 * downloaded; verified either way. */
static int
get_config (struct pull *p, const struct mk_descriptor *d, char **data, size_t *len,
            mk_error **err)
{
  if (d->size > MAX_CONFIG_SIZE)
    return mk_error_set (err, 0, "config %s: %lld bytes is too big", d->digest,
                         (long long) d->size);
  struct membuf b = { 0 };
  if (store_blob_exists (p->store, d->digest))
    {
      _cleanup_error_ mk_error *local_err = NULL;
      if (store_blob_read (p->store, d->digest, &b.data, &b.len, &local_err) < 0)
        {
          log_debug ("local config %s: %s", d->digest, local_err->msg);
          b.data = NULL;
          b.len = 0;
        }
    }
  if (b.data == NULL)
    {
      b.data = xstrdup ("");
      if (mk_registry_get_blob (p->reg, d->digest, d->size, membuf_sink, &b, err) < 0)
        {
          free (b.data);
          return -1;
        }
    }
  _cleanup_free_ char *got = digest_bytes (b.data, b.len);
  if (strcmp (got, d->digest) != 0 || (int64_t) b.len != d->size)
    {
      free (b.data);
      return mk_error_set (err, 0, "config %s: digest mismatch: got %s (%zu bytes)", d->digest,
                           got, b.len);
    }
  *data = b.data;
  *len = b.len;
  return 0;
}

/* rootfs.diff_ids of the config, checked against the manifest's layers;
 * and the config's platform against the one asked for. */
static int
config_diff_ids (const char *config, size_t len, size_t n_layers, const struct mk_platform *want,
                 bool check_platform, bool explicit_platform, char ***out, mk_error **err)
{
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse (config, len, "image config", &root, err) < 0)
    return -1;
  /* refused before any layer is fetched (the store would refuse it last) */
  if (json_check_depth (root, JSON_CONFIG_MAX_DEPTH, "image config", err) < 0)
    return -1;
  yajl_val rootfs = json_get (root, "rootfs");
  const char *type = json_get_str (rootfs, "type");
  if (type == NULL || strcmp (type, "layers") != 0)
    return mk_error_set (err, 0, "image config: rootfs.type: want \"layers\"");
  yajl_val ids = json_get (rootfs, "diff_ids");
  if (ids == NULL || !YAJL_IS_ARRAY (ids))
    return mk_error_set (err, 0, "image config: rootfs.diff_ids: want an array, got %s",
                         json_type_name (ids));
  if (ids->u.array.len != n_layers)
    return mk_error_set (err, 0,
                         "image config: rootfs.diff_ids has %zu entries but the manifest has %zu "
                         "layers",
                         ids->u.array.len, n_layers);
  if (check_platform)
    {
      const char *os = json_get_str (root, "os");
      const char *arch = json_get_str (root, "architecture");
      if (os && arch && (strcmp (os, want->os) != 0 || strcmp (arch, want->arch) != 0))
        {
          _cleanup_free_ char *w = mk_platform_string (want);
          if (explicit_platform)
            return mk_error_set (err, 0, "image is for %s/%s, not %s", os, arch, w);
          return mk_error_set (err, 0,
                               "image is for %s/%s, not %s (this host); pull it anyway with "
                               "--platform %s/%s",
                               os, arch, w, os, arch);
        }
    }
  char **v = NULL;
  for (size_t i = 0; i < n_layers; i++)
    {
      yajl_val s = ids->u.array.values[i];
      if (!YAJL_IS_STRING (s) || !digest_valid (s->u.string))
        {
          strv_free (v);
          return mk_error_set (err, 0, "image config: rootfs.diff_ids[%zu]: want a sha256 digest",
                               i);
        }
      strv_push (&v, s->u.string);
    }
  if (v == NULL)
    v = xzalloc (sizeof *v);
  *out = v;
  return 0;
}

/* ---- layers ---- */

static int
layer_sink (void *opaque, const void *data, size_t len, mk_error **err)
{
  struct layer_job *j = opaque;
  if (__atomic_load_n (&j->p->aborted, __ATOMIC_RELAXED))
    return mk_error_set (err, 0, "stopped: another layer failed");
  digest_update (j->dg, data, len);
  if (j->unpack_err == NULL && layer_unpack_write (j->unpack, data, len, &j->unpack_err) < 0)
    log_debug ("layer %s: unpacker stopped: %s", j->desc->digest, j->unpack_err->msg);
  j->done += len;
  if (j->done - j->reported >= PROGRESS_STEP || j->done == j->desc->size)
    {
      j->reported = j->done;
      report (j->p, MK_PULL_LAYER_PROGRESS, j->index, j->desc->digest, j->done, j->desc->size);
    }
  return 0;
}

static int
download_layer (struct layer_job *j, mk_error **err)
{
  const struct mk_descriptor *d = j->desc;
  if (mk_registry_get_blob (j->p->reg, d->digest, d->size, layer_sink, j, err) < 0)
    return -1;
  _cleanup_free_ char *got = digest_final (j->dg);
  if (strcmp (got, d->digest) != 0)
    return mk_error_set (err, 0, "blob %s: digest mismatch: the registry sent %s", d->digest, got);
  if (j->unpack_err)
    {
      *err = STEAL (j->unpack_err);
      return mk_error_wrap (err, "layer %s", d->digest);
    }
  /* checks the diff_id, then publishes layers/<ChainID(parent, diff_id)> */
  if (layer_unpack_finish (j->unpack, j->parent_chain, j->diff_id, NULL, NULL, NULL, NULL, err)
      < 0)
    return mk_error_wrap (err, "layer %s", d->digest);
  report (j->p, MK_PULL_LAYER_DONE, j->index, d->digest, d->size, d->size);
  return 0;
}

static void *
worker (void *opaque)
{
  struct pull *p = opaque;
  for (;;)
    {
      size_t k = __atomic_fetch_add (&p->next, 1, __ATOMIC_RELAXED);
      if (k >= p->n_queue || __atomic_load_n (&p->aborted, __ATOMIC_RELAXED))
        break;
      struct layer_job *j = p->queue[k];
      if (download_layer (j, &j->err) < 0)
        __atomic_store_n (&p->aborted, 1, __ATOMIC_RELAXED);
    }
  return NULL;
}

static void
jobs_free (struct pull *p)
{
  for (size_t i = 0; i < p->n_jobs; i++)
    {
      struct layer_job *j = &p->jobs[i];
      free (j->parent_chain);
      free (j->chain_id);
      layer_unpack_free (j->unpack);
      digest_free (j->dg);
      mk_error_free (&j->unpack_err);
      mk_error_free (&j->err);
    }
  free (p->jobs);
  free (p->queue);
  p->jobs = NULL;
  p->queue = NULL;
  p->n_jobs = p->n_queue = 0;
}

/* Makes sure every layer of the image is in the store. */
static int
fetch_layers (struct pull *p, const struct mk_manifest *m, char **diff_ids, mk_error **err)
{
  p->n_jobs = m->n_layers;
  p->jobs = xzalloc ((m->n_layers + 1) * sizeof *p->jobs);
  p->queue = xzalloc ((m->n_layers + 1) * sizeof *p->queue);
  p->n_queue = 0;
  p->next = 0;
  p->aborted = 0;
  for (size_t i = 0; i < m->n_layers; i++)
    {
      struct layer_job *j = &p->jobs[i];
      j->p = p;
      j->index = i;
      j->desc = &m->layers[i];
      j->diff_id = diff_ids[i];
      j->parent_chain = i ? xstrdup (p->jobs[i - 1].chain_id) : NULL;
      j->chain_id = store_chain_id (j->parent_chain, j->diff_id);
      j->needed = !store_layer_exists (p->store, j->chain_id);
      report (p, j->needed ? MK_PULL_LAYER_WAITING : MK_PULL_LAYER_EXISTS, i, j->desc->digest, 0,
              j->desc->size);
    }
  /* The unpackers are forked here, before any thread exists. */
  for (size_t i = 0; i < m->n_layers; i++)
    {
      struct layer_job *j = &p->jobs[i];
      if (!j->needed)
        continue;
      j->unpack = layer_unpack_begin (p->store, err);
      if (j->unpack == NULL)
        return mk_error_wrap (err, "layer %s", j->desc->digest);
      /* layer_sink hashes the blob itself (j->dg): hashing it twice cost
       * ~0.1 s of CPU per 200 MB. */
      layer_unpack_skip_input_digest (j->unpack);
      j->dg = digest_init ();
      p->queue[p->n_queue++] = j;
    }

  size_t n_threads = p->n_queue < MAX_PARALLEL_DOWNLOADS ? p->n_queue : MAX_PARALLEL_DOWNLOADS;
  pthread_t threads[MAX_PARALLEL_DOWNLOADS];
  size_t started = 0;
  for (; started < n_threads; started++)
    if (pthread_create (&threads[started], NULL, worker, p) != 0)
      break;
  if (started == 0 && n_threads > 0)
    worker (p); /* no thread to be had: do it here */
  for (size_t i = 0; i < started; i++)
    pthread_join (threads[i], NULL);

  /* The first real failure in layer order, not a "stopped: another layer failed". */
  mk_error **first = NULL;
  for (size_t i = 0; i < p->n_queue; i++)
    {
      mk_error **e = &p->queue[i]->err;
      if (*e == NULL)
        continue;
      if (first == NULL || (strstr ((*first)->msg, "stopped: another layer failed")
                            && !strstr ((*e)->msg, "stopped: another layer failed")))
        first = e;
    }
  if (first)
    {
      *err = STEAL (*first);
      return -1;
    }
  return 0;
}

/* ---- the whole pull ---- */

static int
resolve_image_manifest (struct pull *p, const struct mk_reference *ref,
                        const struct mk_platform *want, struct mk_manifest **m, char **body,
                        size_t *len, char **digest, char **top_digest, bool *from_index,
                        mk_error **err)
{
  _cleanup_manifest_ struct mk_manifest *top = NULL;
  _cleanup_free_ char *top_body = NULL;
  size_t top_len = 0;
  if (fetch_manifest (p, mk_reference_object (ref), ref->digest, &top, &top_body, &top_len,
                      top_digest, err)
      < 0)
    return -1;
  if (top->kind == MK_MANIFEST_IMAGE)
    {
      *from_index = false;
      *m = STEAL (top);
      *body = STEAL (top_body);
      *len = top_len;
      *digest = xstrdup (*top_digest);
      return 0;
    }
  *from_index = true;
  const struct mk_descriptor *d = mk_manifest_select (top, want, err);
  if (d == NULL)
    return -1;
  /* kept (verified) so that pulling again needs only a HEAD */
  if (store_blob_put (p->store, top_body, top_len, *top_digest, NULL, err) < 0)
    return mk_error_wrap (err, "store manifest %s", *top_digest);
  if (fetch_manifest (p, d->digest, d->digest, m, body, len, digest, err) < 0)
    return -1;
  if ((*m)->kind != MK_MANIFEST_IMAGE)
    return mk_error_set (err, 0, "manifest %s: an index inside an index is not supported",
                         d->digest);
  return 0;
}

static int
pull_once (struct pull *p, const struct mk_reference *ref, const struct mk_platform *want,
           struct mk_pull_result *out, mk_error **err)
{
  _cleanup_manifest_ struct mk_manifest *m = NULL;
  _cleanup_free_ char *body = NULL, *digest = NULL, *top_digest = NULL;
  size_t len = 0;
  bool from_index = false;
  if (resolve_image_manifest (p, ref, want, &m, &body, &len, &digest, &top_digest, &from_index,
                              err)
      < 0)
    return -1;
  p->n_jobs = m->n_layers;
  report (p, MK_PULL_RESOLVED, 0, top_digest, 0, 0);

  _cleanup_free_ char *config = NULL;
  size_t config_len = 0;
  if (get_config (p, &m->config, &config, &config_len, err) < 0)
    return -1;
  _cleanup_strv_ char **diff_ids = NULL;
  if (config_diff_ids (config, config_len, m->n_layers, want, !from_index,
                       p->opts->platform != NULL, &diff_ids, err)
      < 0)
    return mk_error_wrap (err, "config %s", m->config.digest);

  int rc = fetch_layers (p, m, diff_ids, err);
  size_t downloaded = p->n_queue;
  if (rc < 0)
    {
      jobs_free (p);
      return -1;
    }

  if (store_blob_put (p->store, body, len, digest, NULL, err) < 0)
    {
      jobs_free (p);
      return mk_error_wrap (err, "store manifest %s", digest);
    }

  struct store_image_new_layer *layers = xzalloc ((m->n_layers + 1) * sizeof *layers);
  for (size_t i = 0; i < m->n_layers; i++)
    {
      layers[i].diff_id = diff_ids[i];
      layers[i].digest = m->layers[i].digest;
      layers[i].media_type = m->layers[i].media_type;
      layers[i].blob_size = m->layers[i].size;
    }
  _cleanup_free_ char *name = mk_reference_name (ref);
  for (size_t i = 0; i < m->n_layers; i++)
    layers[i].source = name;
  _cleanup_free_ char *repo_digest = xasprintf ("%s@%s", name, top_digest);
  _cleanup_free_ char *tag = ref->tag ? xasprintf ("%s:%s", name, ref->tag) : NULL;
  struct store_image_new in = {
    .config = config, .config_len = config_len, .layers = layers, .n_layers = m->n_layers,
    .manifest_digest = digest, .repo_digest = repo_digest, .tag = tag,
  };
  _cleanup_free_ char *id = NULL;
  rc = store_image_register (p->store, &in, &id, err);
  free (layers);
  jobs_free (p);
  if (rc < 0)
    return -1;

  out->image_id = STEAL (id);
  out->name = mk_reference_string (ref);
  out->manifest_digest = STEAL (top_digest);
  out->n_layers = m->n_layers;
  out->n_downloaded = downloaded;
  return 0;
}

int
mk_pull (struct store *s, const char *image, const struct mk_pull_options *opts,
         struct mk_pull_result *out, mk_error **err)
{
  _cleanup_reference_ struct mk_reference *ref = NULL;
  if (mk_reference_parse (image, &ref, err) < 0)
    return -1;
  _cleanup_free_ char *full = mk_reference_string (ref);

  struct mk_platform want;
  if (opts->platform)
    {
      if (mk_platform_parse (opts->platform, &want, err) < 0)
        return -1;
    }
  else
    mk_platform_host (&want);

  struct pull p = { .store = s, .opts = opts };
  pthread_mutex_init (&p.report_lock, NULL);
  int rc = mk_registry_open (ref, opts->insecure, &p.reg, err);
  memset (out, 0, sizeof *out);
  for (int attempt = 0; rc == 0; attempt++)
    {
      rc = pull_once (&p, ref, &want, out, err);
      /* a layer removed meanwhile by a concurrent rmi: fetch it again, once */
      if (rc < 0 && attempt == 0 && mk_error_errno (*err) == ENOENT)
        {
          mk_error_free (err);
          rc = 0;
          continue;
        }
      break;
    }
  if (p.reg)
    log_debug ("pull %s: %d transient failures retried", full, mk_registry_retries (p.reg));
  mk_registry_free (p.reg);
  pthread_mutex_destroy (&p.report_lock);
  mk_platform_clear (&want);
  if (rc < 0)
    return mk_error_wrap (err, "pull %s", full);
  return 0;
}
