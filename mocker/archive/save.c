/* mocker save: images from the store into a docker-archive or an
 * oci-archive tar (archive.h). */
#include "mocker/archive/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/registry/image_blobs.h"
#include "mocker/registry/manifest.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"

#define COPY_BUF (256 << 10)

struct saver
{
  struct store *s;
  struct archive *out;
  char *tmp;         /* staging directory for uncompressed layers */
  int tmp_lock;
  char **written;    /* names already in the archive */
  char *buf;
  bool out_regular;  /* the archive goes to a regular file (a temp one, renamed at the end) */
  struct mk_image_blobs blobs;  /* the layers' blobs and where they came from */
};

static int
out_fail (struct saver *w, mk_error **err)
{
  return mk_error_set (err, archive_errno (w->out) > 0 ? archive_errno (w->out) : 0,
                       "write archive: %s", archive_error_string (w->out));
}

static bool
already (struct saver *w, const char *name)
{
  for (char **p = w->written; p && *p; p++)
    if (strcmp (*p, name) == 0)
      return true;
  strv_push (&w->written, name);
  return false;
}

static int
header (struct saver *w, const char *name, long long size, mk_error **err)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0644);
  archive_entry_set_size (e, size);
  archive_entry_set_mtime (e, 0, 0);
  int r = archive_write_header (w->out, e);
  archive_entry_free (e);
  return r == ARCHIVE_OK ? 0 : out_fail (w, err);
}

static int
add_bytes (struct saver *w, const char *name, const void *data, size_t len, mk_error **err)
{
  if (already (w, name))
    return 0;
  if (header (w, name, len, err) < 0)
    return -1;
  if (len && archive_write_data (w->out, data, len) < 0)
    return out_fail (w, err);
  return 0;
}

static int
add_file (struct saver *w, const char *name, const char *path, mk_error **err)
{
  if (already (w, name))
    return 0;
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  if (header (w, name, st.st_size, err) < 0)
    return -1;
  for (long long left = st.st_size; left > 0;)
    {
      ssize_t n = read (fd, w->buf, left < COPY_BUF ? left : COPY_BUF);
      if (n <= 0)
        return mk_error_set (err, n < 0 ? errno : EIO, "read `%s`", path);
      if (archive_write_data (w->out, w->buf, n) < 0)
        return out_fail (w, err);
      left -= n;
    }
  return 0;
}

/* Decompresses l's blob, checking what comes out: into the file fd (path
 * names it), or with fd -1 into the archive as member name, size bytes
 * (its header goes once the blob opened). Fails when the bytes are not
 * size of them (size -1: any number) or do not hash to the layer's
 * diff_id. */
static int
unpack_blob (struct saver *w, const struct store_image_layer *l, int fd, const char *path,
             const char *name, long long size, mk_error **err)
{
  _cleanup_free_ char *blob = store_blob_path (w->s, l->digest);
  struct archive *in = archive_read_new ();
  archive_read_support_filter_all (in);
  archive_read_support_format_raw (in);
  struct archive_entry *e;
  _cleanup_digest_ mk_digest *dg = digest_init ();
  int rc = 0;
  if (archive_read_open_filename (in, blob, COPY_BUF) != ARCHIVE_OK
      || archive_read_next_header (in, &e) != ARCHIVE_OK)
    rc = mk_error_set (err, 0, "blob %s: %s", l->digest, archive_error_string (in));
  if (rc == 0 && fd < 0)
    rc = header (w, name, size, err);
  long long left = size;
  while (rc == 0)
    {
      la_ssize_t n = archive_read_data (in, w->buf, COPY_BUF);
      if (n == 0)
        break;
      if (n < 0)
        rc = mk_error_set (err, 0, "blob %s: %s", l->digest, archive_error_string (in));
      else if (size >= 0 && n > left)
        rc = mk_error_set (err, 0, "blob %s: unpacks to more than the layer's %lld bytes",
                           l->digest, size);
      else if (fd >= 0 && write (fd, w->buf, n) != n)
        rc = mk_error_set (err, errno, "write `%s`", path);
      else if (fd < 0 && archive_write_data (w->out, w->buf, n) < 0)
        rc = out_fail (w, err);
      else
        {
          digest_update (dg, w->buf, n);
          left -= n;
        }
    }
  archive_read_free (in);
  if (rc < 0)
    return -1;
  if (size >= 0 && left > 0)
    return mk_error_set (err, 0, "blob %s: unpacks to %lld bytes, not the layer's %lld",
                         l->digest, size - left, size);
  _cleanup_free_ char *got = digest_final (dg);
  if (strcmp (got, l->diff_id) != 0)
    return mk_error_set (err, 0, "blob %s: unpacks to %s, not the layer's diff_id %s", l->digest,
                         got, l->diff_id);
  return 0;
}

/* The layer's blob, decompressed into a staging file that must hash to
 * diff_id; *path gets it. */
static int
plain_layer (struct saver *w, const struct store_image_layer *l, char **path, mk_error **err)
{
  _cleanup_free_ char *p = path_join (w->tmp, digest_hex (l->diff_id));
  _cleanup_close_ int fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return mk_error_set (err, errno, "create `%s`", p);
  if (unpack_blob (w, l, fd, p, NULL, -1, err) < 0)
    return -1;
  *path = STEAL (p);
  return 0;
}

/* The layer's blob decompressed straight into the archive as member
 * name, when the store recorded the uncompressed tar's size at unpack time
 * (the tar header needs it first): no staging file.  The bytes are checked
 * as they go (their count against the header, their digest against the
 * diff_id at the end); a mismatch fails the save.  Only into a regular
 * file (-o's temp file, removed on failure): down a pipe a layer is
 * checked before its first byte goes (plain_layer).  Either way
 * manifest.json goes last, so a failed save is no loadable archive.
 * *done false: not done here. */
static int
stream_layer (struct saver *w, const struct store_image_layer *l, const char *name, bool *done,
              mk_error **err)
{
  *done = false;
  struct store_layer_info info = { 0 };
  _cleanup_error_ mk_error *ignored = NULL;
  if (!w->out_regular || store_layer_load (w->s, l->chain_id, &info, &ignored) < 0)
    return 0;
  long long size = info.tar_size;
  bool same = info.diff_id && strcmp (info.diff_id, l->diff_id) == 0;
  store_layer_info_clear (&info);
  if (size <= 0 || !same)
    return 0;
  *done = true;
  return unpack_blob (w, l, -1, NULL, name, size, err);
}

struct named
{
  struct store_image *img;
  char *tag;  /* normalized "name:tag" asked for, or NULL (by id) */
};

static int
resolve (struct store *s, const char *arg, struct named *out, mk_error **err)
{
  _cleanup_free_ char *id = NULL;
  _cleanup_free_ char *norm = NULL;
  _cleanup_error_ mk_error *ignored = NULL;
  if (store_ref_normalize (arg, &norm, &ignored) == 0 && !strchr (norm, '@')
      && store_image_lookup_name (s, norm, &id, &ignored) == 0)
    out->tag = STEAL (norm);
  else if (store_image_find (s, arg, &id, err) < 0)
    return -1;
  return store_image_load (s, id, &out->img, err);
}

static long long
blob_size (struct store *s, struct store_image_layer *l)
{
  if (l->blob_size >= 0)
    return l->blob_size;
  _cleanup_free_ char *p = store_blob_path (s, l->digest);
  struct stat st;
  return stat (p, &st) == 0 ? st.st_size : -1;
}

static int
save_docker (struct saver *w, struct named *imgs, size_t n, mk_error **err)
{
  json_gen *man = json_gen_new (false);
  json_arr_open (man);
  /* repositories: {"repo": {"tag": "<top layer id>"}}, one key per repo */
  _cleanup_strv_ char **r_repo = NULL, **r_tag = NULL, **r_top = NULL;
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++)
    {
      struct store_image *img = imgs[k].img;
      _cleanup_free_ char *config = NULL;
      size_t config_len = 0;
      _cleanup_free_ char *config_name = xasprintf ("%s.json", digest_hex (img->id));
      if (store_image_config (w->s, img->id, &config, &config_len, err) < 0
          || add_bytes (w, config_name, config, config_len, err) < 0)
        {
          rc = -1;
          break;
        }
      json_obj_open (man);
      json_kv_str (man, "Config", config_name);
      json_key (man, "RepoTags");
      json_arr_open (man);
      if (imgs[k].tag)
        {
          _cleanup_free_ char *fam = store_ref_familiar (imgs[k].tag);
          json_str (man, fam);
          _cleanup_free_ char *repo = NULL, *tag = NULL;
          store_ref_split (fam, &repo, &tag);
          if (img->n_layers)
            {
              strv_push (&r_repo, repo);
              strv_push (&r_tag, tag);
              strv_push (&r_top, digest_hex (img->layers[img->n_layers - 1].diff_id));
            }
        }
      json_arr_close (man);
      json_key (man, "Layers");
      json_arr_open (man);
      for (size_t i = 0; i < img->n_layers && rc == 0; i++)
        {
          struct store_image_layer *l = &img->layers[i];
          _cleanup_free_ char *name = xasprintf ("%s.tar", digest_hex (l->diff_id));
          json_str (man, name);
          bool have = false;
          for (char **p = w->written; p && *p; p++)
            have = have || strcmp (*p, name) == 0;
          if (have)
            continue;
          _cleanup_free_ char *plain = NULL;
          bool streamed = false;
          if (mk_image_layer_blob (&w->blobs, img, i, false, err) < 0
              || stream_layer (w, l, name, &streamed, err) < 0
              || (!streamed && (plain_layer (w, l, &plain, err) < 0
                                || add_file (w, name, plain, err) < 0)))
            rc = mk_error_wrap (err, "layer %s", l->diff_id);
          if (streamed)
            already (w, name);
          if (plain)
            unlink (plain);
        }
      json_arr_close (man);
      json_obj_close (man);
    }
  json_arr_close (man);
  json_gen *repos = json_gen_new (false);
  json_obj_open (repos);
  size_t nr = strv_len (r_repo);
  for (size_t i = 0; i < nr; i++)
    {
      bool done = false;
      for (size_t k = 0; k < i && !done; k++)
        done = strcmp (r_repo[k], r_repo[i]) == 0;
      if (done)
        continue;
      json_key (repos, r_repo[i]);
      json_obj_open (repos);
      for (size_t k = i; k < nr; k++)
        if (strcmp (r_repo[k], r_repo[i]) == 0)
          json_kv_str (repos, r_tag[k], r_top[k]);
      json_obj_close (repos);
    }
  json_obj_close (repos);
  size_t man_len = 0, repos_len = 0;
  _cleanup_free_ char *man_text = json_gen_finish (man, &man_len);
  _cleanup_free_ char *repos_text = json_gen_finish (repos, &repos_len);
  if (rc < 0)
    return -1;
  if (add_bytes (w, "manifest.json", man_text, man_len, err) < 0
      || add_bytes (w, "repositories", repos_text, repos_len, err) < 0)
    return -1;
  return 0;
}

static int
add_blob (struct saver *w, const char *digest, mk_error **err)
{
  _cleanup_free_ char *name = xasprintf ("blobs/sha256/%s", digest_hex (digest));
  _cleanup_free_ char *path = store_blob_path (w->s, digest);
  return add_file (w, name, path, err);
}

/* The image's OCI manifest: the stored one when it is OCI and still names
 * these blobs, else a new one. */
static char *
oci_manifest (struct saver *w, struct store_image *img, size_t config_len, size_t *len)
{
  const char *md = img->manifest_digest;
  _cleanup_free_ char *body = NULL;
  _cleanup_error_ mk_error *ignored = NULL;
  _cleanup_manifest_ struct mk_manifest *m = NULL;
  if (md && store_blob_read (w->s, md, &body, len, &ignored) == 0
      && mk_manifest_parse (NULL, body, *len, md, &m, &ignored) == 0
      && m->kind == MK_MANIFEST_IMAGE && strcmp (m->media_type, MK_MT_OCI_MANIFEST) == 0
      && strcmp (m->config.digest, img->id) == 0 && m->n_layers == img->n_layers)
    {
      bool same = true;
      for (size_t i = 0; i < m->n_layers; i++)
        same = same && strcmp (m->layers[i].digest, img->layers[i].digest) == 0;
      if (same)
        return STEAL (body);
    }
  struct mk_descriptor *d = xzalloc ((img->n_layers + 1) * sizeof *d);
  for (size_t i = 0; i < img->n_layers; i++)
    {
      d[i].media_type = img->layers[i].media_type ? img->layers[i].media_type
                                                  : (char *) "application/vnd.oci.image.layer.v1.tar+gzip";
      d[i].digest = img->layers[i].digest;
      d[i].size = blob_size (w->s, &img->layers[i]);
    }
  char *text = mk_manifest_build (MK_MT_OCI_MANIFEST, img->id, config_len, d, img->n_layers, len);
  free (d);
  return text;
}

static int
save_oci (struct saver *w, struct named *imgs, size_t n, mk_error **err)
{
  static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
  if (add_bytes (w, "oci-layout", layout, strlen (layout), err) < 0)
    return -1;
  json_gen *idx = json_gen_new (false);
  json_obj_open (idx);
  json_kv_int (idx, "schemaVersion", 2);
  json_kv_str (idx, "mediaType", MK_MT_OCI_INDEX);
  json_key (idx, "manifests");
  json_arr_open (idx);
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++)
    {
      struct store_image *img = imgs[k].img;
      for (size_t i = 0; i < img->n_layers && rc == 0; i++)
        if (mk_image_layer_blob (&w->blobs, img, i, false, err) < 0
            || add_blob (w, img->layers[i].digest, err) < 0)
          rc = mk_error_wrap (err, "layer %s", img->layers[i].diff_id);
      if (rc < 0)
        break;
      _cleanup_free_ char *config = NULL;
      size_t config_len = 0, len = 0;
      if (store_image_config (w->s, img->id, &config, &config_len, err) < 0)
        {
          rc = -1;
          break;
        }
      _cleanup_free_ char *config_name = xasprintf ("blobs/sha256/%s", digest_hex (img->id));
      _cleanup_free_ char *man = oci_manifest (w, img, config_len, &len);
      _cleanup_free_ char *md = digest_bytes (man, len);
      _cleanup_free_ char *man_name = xasprintf ("blobs/sha256/%s", digest_hex (md));
      if (add_bytes (w, config_name, config, config_len, err) < 0
          || add_bytes (w, man_name, man, len, err) < 0)
        {
          rc = -1;
          break;
        }
      json_obj_open (idx);
      json_kv_str (idx, "mediaType", MK_MT_OCI_MANIFEST);
      json_kv_str (idx, "digest", md);
      json_kv_int (idx, "size", len);
      if (imgs[k].tag)
        {
          /* the full name, as podman writes it; containerd's key too */
          _cleanup_free_ char *fam = store_ref_familiar (imgs[k].tag);
          json_key (idx, "annotations");
          json_obj_open (idx);
          json_kv_str (idx, "io.containerd.image.name", imgs[k].tag);
          json_kv_str (idx, "org.opencontainers.image.ref.name", fam);
          json_obj_close (idx);
        }
      json_obj_close (idx);
    }
  json_arr_close (idx);
  json_obj_close (idx);
  size_t idx_len = 0;
  _cleanup_free_ char *text = json_gen_finish (idx, &idx_len);
  if (rc < 0)
    return -1;
  return add_bytes (w, "index.json", text, idx_len, err);
}

int
mk_archive_save (struct store *s, char *const *images, size_t n, enum mk_archive_format format,
                 int fd, mk_error **err)
{
  struct named *imgs = xzalloc ((n + 1) * sizeof *imgs);
  struct saver w = { .s = s, .tmp_lock = -1, .blobs.store = s };
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++)
    rc = resolve (s, images[k], &imgs[k], err);
  if (rc == 0)
    {
      w.tmp_lock = store_tmpdir_create (s, "save", &w.tmp, err);
      rc = w.tmp_lock < 0 ? -1 : 0;
    }
  if (rc == 0)
    {
      w.buf = xmalloc (COPY_BUF);
      w.out = archive_write_new ();
      archive_write_set_format_pax_restricted (w.out);
      /* Written 100 records of 10 KiB at a time (a record each cost a
       * write(2): 30,000 for a 300 MB image), the end as with one record
       * per block: unpadded into a regular file (libarchive's choice for
       * one), else padded to a whole record as tar(1) does. */
      struct stat st;
      w.out_regular = fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
      archive_write_set_bytes_per_block (w.out, 100 * 10240);
      archive_write_set_bytes_in_last_block (w.out, w.out_regular ? 1 : 10240);
      if (archive_write_open_fd (w.out, fd) != ARCHIVE_OK)
        rc = out_fail (&w, err);
      if (rc == 0)
        rc = format == MK_ARCHIVE_OCI ? save_oci (&w, imgs, n, err)
                                      : save_docker (&w, imgs, n, err);
      if (rc == 0 && archive_write_close (w.out) != ARCHIVE_OK)
        rc = out_fail (&w, err);
      archive_write_free (w.out);
    }
  if (w.tmp)
    store_tmpdir_remove (w.tmp, w.tmp_lock);
  free (w.tmp);
  free (w.buf);
  strv_free (w.written);
  mk_image_blobs_clear (&w.blobs);
  for (size_t k = 0; k < n; k++)
    {
      store_image_free (imgs[k].img);
      free (imgs[k].tag);
    }
  free (imgs);
  return rc;
}
