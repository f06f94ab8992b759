/* mocker load: a docker-archive or oci-archive into the store (archive.h).
 * The tar is staged under the store's tmp/ (regular files only; links
 * are remembered as aliases, never made), then each image is loaded: every
 * layer file goes at once into the confined unpacker (checked against the
 * config's diff_ids) and into a blob (kept: push and save reuse it), then
 * the image is registered with its names. */
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
#include "mocker/registry/manifest.h"
#include "mocker/store/image.h"
#include "mocker/store/layer.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"

#define COPY_BUF (256 << 10)
#define MAX_META (64 << 20)
#define MAX_ALIAS_DEPTH 8

struct loader
{
  struct store *s;
  char *stage;      /* <tmp>/load-XXXXXX */
  char **alias_from, **alias_to;  /* symlinks and hardlinks of the archive */
  mk_load_report_fn report;
  void *opaque;
  char *buf;
};

/* An archive member name made canonical ("./a//b" -> "a/b"); NULL when it
 * is absolute or climbs with "..". */
static char *
clean_name (const char *name)
{
  _cleanup_free_ char *out = xzalloc (strlen (name) + 1);
  size_t n = 0;
  if (name[0] == '/')
    return NULL;
  for (const char *p = name; *p;)
    {
      size_t len = strcspn (p, "/");
      if (len == 2 && p[0] == '.' && p[1] == '.')
        return NULL;
      if (len > 0 && !(len == 1 && p[0] == '.'))
        {
          if (n)
            out[n++] = '/';
          memcpy (out + n, p, len);
          n += len;
        }
      p += len;
      while (*p == '/')
        p++;
    }
  return n ? STEAL (out) : NULL;
}

/* "dir/x" + "../y" -> "y" (relative to the link's directory); NULL if outside. */
static char *
link_target (const char *name, const char *target, bool hardlink)
{
  if (hardlink || target[0] == '/')
    return clean_name (target[0] == '/' ? target + 1 : target);
  _cleanup_free_ char *dir = xstrdup (name);
  char *slash = strrchr (dir, '/');
  if (slash)
    *slash = '\0';
  else
    dir[0] = '\0';
  /* resolve ".." against dir by hand */
  _cleanup_free_ char *joined = *dir ? xasprintf ("%s/%s", dir, target) : xstrdup (target);
  char **parts = NULL;
  for (char *save = NULL, *tok = strtok_r (joined, "/", &save); tok;
       tok = strtok_r (NULL, "/", &save))
    {
      if (strcmp (tok, ".") == 0)
        continue;
      if (strcmp (tok, "..") == 0)
        {
          size_t k = strv_len (parts);
          if (k == 0)
            {
              strv_free (parts);
              return NULL;
            }
          free (parts[k - 1]);
          parts[k - 1] = NULL;
          continue;
        }
      strv_push (&parts, tok);
    }
  size_t len = 1;
  for (char **p = parts; p && *p; p++)
    len += strlen (*p) + 1;
  char *out = xzalloc (len);
  for (char **p = parts; p && *p; p++)
    {
      if (p != parts)
        strcat (out, "/");
      strcat (out, *p);
    }
  strv_free (parts);
  if (*out == '\0')
    {
      free (out);
      return NULL;
    }
  return out;
}

static int
stage_entry (struct loader *l, struct archive *in, struct archive_entry *e, mk_error **err)
{
  const char *raw = archive_entry_pathname (e);
  _cleanup_free_ char *name = raw ? clean_name (raw) : NULL;
  mode_t type = archive_entry_filetype (e);
  if (name == NULL)
    {
      if (raw && (strcmp (raw, ".") == 0 || strcmp (raw, "./") == 0))
        return 0;
      return mk_error_set (err, 0, "archive entry `%s`: absolute or outside the archive",
                           raw ? raw : "");
    }
  const char *hl = archive_entry_hardlink (e);
  if (hl || type == AE_IFLNK)
    {
      const char *t = hl ? hl : archive_entry_symlink (e);
      char *target = t ? link_target (name, t, hl != NULL) : NULL;
      if (target == NULL)
        return 0; /* a link leading out: never followed */
      strv_push (&l->alias_from, name);
      strv_push (&l->alias_to, target);
      free (target);
      return 0;
    }
  _cleanup_free_ char *path = xasprintf ("%s/f/%s", l->stage, name);
  if (type == AE_IFDIR)
    return mkdir_p (path, 0700, err);
  if (type != AE_IFREG)
    return 0;
  char *slash = strrchr (path, '/');
  *slash = '\0';
  if (mkdir_p (path, 0700, err) < 0)
    return -1;
  *slash = '/';
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return mk_error_set (err, errno, "archive entry `%s`", name);
  for (;;)
    {
      la_ssize_t n = archive_read_data (in, l->buf, COPY_BUF);
      if (n == 0)
        break;
      if (n < 0)
        return mk_error_set (err, 0, "archive entry `%s`: %s", name, archive_error_string (in));
      if (write (fd, l->buf, n) != n)
        return mk_error_set (err, errno, "stage `%s`", name);
    }
  return 0;
}

static int
stage (struct loader *l, int fd, mk_error **err)
{
  struct archive *in = archive_read_new ();
  archive_read_support_filter_all (in);
  archive_read_support_format_tar (in);
  archive_read_support_format_gnutar (in);
  int rc = 0, n = 0;
  if (archive_read_open_fd (in, fd, COPY_BUF) != ARCHIVE_OK)
    rc = mk_error_set (err, 0, "read archive: %s", archive_error_string (in));
  while (rc == 0)
    {
      struct archive_entry *e;
      int r = archive_read_next_header (in, &e);
      if (r == ARCHIVE_EOF)
        break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        {
          rc = mk_error_set (err, 0, "read archive: %s", archive_error_string (in));
          break;
        }
      n++;
      rc = stage_entry (l, in, e, err);
    }
  archive_read_free (in);
  if (rc == 0 && n == 0)
    rc = mk_error_set (err, 0, "read archive: empty, or not a tar archive");
  return rc;
}

/* The staged file for an archive member (following aliases), or NULL. */
static char *
member (struct loader *l, const char *name)
{
  _cleanup_free_ char *cur = clean_name (name);
  for (int depth = 0; cur && depth < MAX_ALIAS_DEPTH; depth++)
    {
      _cleanup_free_ char *path = xasprintf ("%s/f/%s", l->stage, cur);
      struct stat st;
      if (lstat (path, &st) == 0 && S_ISREG (st.st_mode))
        return STEAL (path);
      const char *next = NULL;
      for (size_t i = 0; l->alias_from && l->alias_from[i]; i++)
        if (strcmp (l->alias_from[i], cur) == 0)
          next = l->alias_to[i];
      if (next == NULL)
        return NULL;
      free (cur);
      cur = xstrdup (next);
    }
  return NULL;
}

static int
read_member (struct loader *l, const char *name, char **data, size_t *len, mk_error **err)
{
  _cleanup_free_ char *path = member (l, name);
  if (path == NULL)
    return mk_error_set (err, 0, "archive: no member `%s`", name);
  if (read_file_at (AT_FDCWD, path, MAX_META, data, len, err) < 0)
    return mk_error_wrap (err, "archive member `%s`", name);
  return 0;
}

static const char *
sniff_media_type (const unsigned char *b, size_t n)
{
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
    return "application/vnd.oci.image.layer.v1.tar+zstd";
  return "application/vnd.oci.image.layer.v1.tar";
}

struct layer_in
{
  const char *member;      /* archive member */
  const char *digest;      /* expected blob digest (OCI) or NULL */
  const char *media_type;  /* from the manifest (OCI) or NULL: sniffed */
};

/* One layer file: into the unpacker, hashed on the way; then the staged
 * file itself becomes the blob (a hard link, not a copy). */
static int
load_layer (struct loader *l, const struct layer_in *in, const char *parent, const char *diff_id,
            char **digest, char **media_type, long long *size, mk_error **err)
{
  _cleanup_free_ char *path = member (l, in->member);
  if (path == NULL)
    return mk_error_set (err, 0, "archive: no layer `%s`", in->member);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return mk_error_set (err, errno, "open `%s`", path);
  /* Unpacked even when the store has the layer: that is what checks the
   * file against the diff_id before it is kept as the layer's blob (the
   * store then keeps its own copy of the layer). */
  _cleanup_layer_unpack_ struct layer_unpack *u = layer_unpack_begin (l->s, err);
  if (u == NULL)
    return -1;
  bool first = true;
  long long total = 0;
  for (;;)
    {
      ssize_t n = read (fd, l->buf, COPY_BUF);
      if (n < 0)
        return mk_error_set (err, errno, "read `%s`", in->member);
      if (n == 0)
        break;
      if (first && in->media_type == NULL)
        *media_type = xstrdup (sniff_media_type ((unsigned char *) l->buf, n));
      first = false;
      total += n;
      if (layer_unpack_write (u, l->buf, n, err) < 0)
        return -1;
    }
  if (in->media_type)
    *media_type = xstrdup (in->media_type);
  else if (first)
    *media_type = xstrdup (sniff_media_type (NULL, 0));
  _cleanup_free_ char *got = NULL;
  if (layer_unpack_finish (u, parent, diff_id, NULL, NULL, &got, NULL, err) < 0)
    return -1;
  if (in->digest && strcmp (in->digest, got) != 0)
    return mk_error_set (err, 0, "digest mismatch: expected %s, got %s", in->digest, got);
  if (store_blob_adopt (l->s, fd, path, got, err) < 0)
    return -1;
  *size = total;
  *digest = STEAL (got);
  return 0;
}

/* config's rootfs.diff_ids (strv). */
static int
diff_ids (const char *config, size_t len, char ***out, mk_error **err)
{
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse (config, len, "image config", &root, err) < 0)
    return -1;
  yajl_val ids = json_get (json_get (root, "rootfs"), "diff_ids");
  if (ids == NULL || !YAJL_IS_ARRAY (ids))
    return mk_error_set (err, 0, "image config: rootfs.diff_ids: want an array");
  char **v = xzalloc (sizeof *v);
  for (size_t i = 0; i < ids->u.array.len; i++)
    {
      yajl_val d = ids->u.array.values[i];
      if (!YAJL_IS_STRING (d) || !digest_valid (d->u.string))
        {
          strv_free (v);
          return mk_error_set (err, 0, "image config: rootfs.diff_ids[%zu]: want a digest", i);
        }
      strv_push (&v, d->u.string);
    }
  *out = v;
  return 0;
}

/* Loads one image: config bytes, its layers, its names (normalized). */
static int
load_image (struct loader *l, const char *config, size_t config_len,
            const struct layer_in *layers, size_t n, char **names, const char *manifest_digest,
            mk_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  if (diff_ids (config, config_len, &ids, err) < 0)
    return -1;
  if (strv_len (ids) != n)
    return mk_error_set (err, 0, "image config: %zu diff_ids for %zu layers", strv_len (ids), n);
  struct store_image_new_layer *nl = xzalloc ((n + 1) * sizeof *nl);
  char **digests = xzalloc ((n + 1) * sizeof *digests);
  char **types = xzalloc ((n + 1) * sizeof *types);
  _cleanup_free_ char *parent = NULL;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++)
    {
      long long size = 0;
      rc = load_layer (l, &layers[i], parent, ids[i], &digests[i], &types[i], &size, err);
      if (rc < 0)
        {
          rc = mk_error_wrap (err, "layer `%s`", layers[i].member);
          break;
        }
      nl[i] = (struct store_image_new_layer){
        .diff_id = ids[i], .digest = digests[i], .media_type = types[i], .blob_size = size,
      };
      char *chain = store_chain_id (parent, ids[i]);
      free (parent);
      parent = chain;
    }
  _cleanup_free_ char *id = NULL;
  if (rc == 0)
    {
      struct store_image_new in = {
        .config = config, .config_len = config_len, .layers = nl, .n_layers = n,
        .manifest_digest = manifest_digest, .tag = names && names[0] ? names[0] : NULL,
      };
      rc = store_image_register (l->s, &in, &id, err);
    }
  for (size_t i = 1; rc == 0 && names && names[0] && names[i]; i++)
    rc = store_image_tag (l->s, id, names[i], err);
  for (size_t i = 0; i < n; i++)
    {
      free (digests[i]);
      free (types[i]);
    }
  free (digests);
  free (types);
  free (nl);
  if (rc < 0)
    return -1;
  if (l->report)
    {
      if (names == NULL || names[0] == NULL)
        l->report (NULL, id, l->opaque);
      for (size_t i = 0; names && names[i]; i++)
        {
          _cleanup_free_ char *fam = store_ref_familiar (names[i]);
          l->report (fam, id, l->opaque);
        }
    }
  return 0;
}

static int
load_docker (struct loader *l, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (read_member (l, "manifest.json", &text, &len, err) < 0)
    return -1;
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse (text, len, "manifest.json", &root, err) < 0)
    return -1;
  if (!YAJL_IS_ARRAY (root))
    return mk_error_set (err, 0, "manifest.json: want an array");
  for (size_t k = 0; k < root->u.array.len; k++)
    {
      yajl_val e = root->u.array.values[k];
      const char *cfg = json_get_str (e, "Config");
      yajl_val tags = json_get (e, "RepoTags");
      yajl_val lays = json_get (e, "Layers");
      if (cfg == NULL || lays == NULL || !YAJL_IS_ARRAY (lays))
        return mk_error_set (err, 0, "manifest.json[%zu]: want Config and Layers", k);
      _cleanup_free_ char *config = NULL;
      size_t config_len = 0;
      if (read_member (l, cfg, &config, &config_len, err) < 0)
        return -1;
      _cleanup_strv_ char **names = NULL;
      for (size_t i = 0; tags && YAJL_IS_ARRAY (tags) && i < tags->u.array.len; i++)
        {
          yajl_val t = tags->u.array.values[i];
          _cleanup_free_ char *norm = NULL;
          if (!YAJL_IS_STRING (t))
            return mk_error_set (err, 0, "manifest.json[%zu].RepoTags[%zu]: want a string", k, i);
          if (store_ref_normalize (t->u.string, &norm, err) < 0)
            return mk_error_wrap (err, "manifest.json[%zu].RepoTags[%zu]", k, i);
          strv_push (&names, norm);
        }
      size_t n = lays->u.array.len;
      struct layer_in *in = xzalloc ((n + 1) * sizeof *in);
      for (size_t i = 0; i < n; i++)
        {
          yajl_val m = lays->u.array.values[i];
          if (!YAJL_IS_STRING (m))
            {
              free (in);
              return mk_error_set (err, 0, "manifest.json[%zu].Layers[%zu]: want a string", k, i);
            }
          in[i].member = m->u.string;
        }
      int rc = load_image (l, config, config_len, in, n, names, NULL, err);
      free (in);
      if (rc < 0)
        return -1;
    }
  return 0;
}

static int
read_blob (struct loader *l, const char *digest, char **data, size_t *len, mk_error **err)
{
  if (!digest_valid (digest))
    return mk_error_set (err, 0, "index.json: bad digest `%s`", digest);
  _cleanup_free_ char *name = xasprintf ("blobs/sha256/%s", digest_hex (digest));
  if (read_member (l, name, data, len, err) < 0)
    return -1;
  _cleanup_free_ char *got = digest_bytes (*data, *len);
  if (strcmp (got, digest) != 0)
    return mk_error_set (err, 0, "archive: blob %s hashes to %s", digest, got);
  return 0;
}

/* The name an index entry gives its image (normalized), or NULL. */
static char *
oci_name (yajl_val desc)
{
  yajl_val ann = json_get (desc, "annotations");
  const char *n = json_get_str (ann, "io.containerd.image.name");
  if (n == NULL)
    {
      n = json_get_str (ann, "org.opencontainers.image.ref.name");
      /* a bare tag ("latest", as skopeo writes) names no repository */
      if (n && !strchr (n, '/') && !strchr (n, ':'))
        n = NULL;
    }
  char *norm = NULL;
  _cleanup_error_ mk_error *ignored = NULL;
  if (n && store_ref_normalize (n, &norm, &ignored) < 0)
    return NULL;
  return norm;
}

static int
load_oci_manifest (struct loader *l, const char *digest, char **names, mk_error **err)
{
  _cleanup_free_ char *body = NULL;
  size_t len = 0;
  _cleanup_manifest_ struct mk_manifest *m = NULL;
  if (read_blob (l, digest, &body, &len, err) < 0
      || mk_manifest_parse (NULL, body, len, digest, &m, err) < 0)
    return -1;
  if (m->kind == MK_MANIFEST_INDEX)
    {
      struct mk_platform host;
      mk_platform_host (&host);
      const struct mk_descriptor *d = mk_manifest_select (m, &host, err);
      mk_platform_clear (&host);
      if (d == NULL)
        return -1;
      return load_oci_manifest (l, d->digest, names, err);
    }
  _cleanup_free_ char *config = NULL;
  size_t config_len = 0;
  if (read_blob (l, m->config.digest, &config, &config_len, err) < 0)
    return -1;
  struct layer_in *in = xzalloc ((m->n_layers + 1) * sizeof *in);
  _cleanup_strv_ char **members = NULL;
  for (size_t i = 0; i < m->n_layers; i++)
    {
      _cleanup_free_ char *name = xasprintf ("blobs/sha256/%s", digest_hex (m->layers[i].digest));
      strv_push (&members, name);
    }
  for (size_t i = 0; i < m->n_layers; i++)
    in[i] = (struct layer_in){ .member = members[i], .digest = m->layers[i].digest,
                               .media_type = m->layers[i].media_type };
  int rc = store_blob_put (l->s, body, len, digest, NULL, err);
  if (rc == 0)
    rc = load_image (l, config, config_len, in, m->n_layers, names, digest, err);
  free (in);
  return rc;
}

static int
load_oci (struct loader *l, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (read_member (l, "index.json", &text, &len, err) < 0)
    return -1;
  _cleanup_json_ yajl_val root = NULL;
  if (json_parse (text, len, "index.json", &root, err) < 0)
    return -1;
  yajl_val list = json_get (root, "manifests");
  if (list == NULL || !YAJL_IS_ARRAY (list))
    return mk_error_set (err, 0, "index.json: manifests: want an array");
  for (size_t k = 0; k < list->u.array.len; k++)
    {
      yajl_val d = list->u.array.values[k];
      const char *digest = json_get_str (d, "digest");
      if (digest == NULL)
        return mk_error_set (err, 0, "index.json: manifests[%zu].digest: missing", k);
      _cleanup_free_ char *name = oci_name (d);
      char *names[] = { name, NULL };
      if (load_oci_manifest (l, digest, name ? names : NULL, err) < 0)
        return mk_error_wrap (err, "index.json: manifests[%zu]", k);
    }
  return 0;
}

int
mk_archive_load (struct store *s, int fd, mk_load_report_fn report, void *opaque, mk_error **err)
{
  struct loader l = { .s = s, .report = report, .opaque = opaque };
  int lock = store_tmpdir_create (s, "load", &l.stage, err);
  if (lock < 0)
    return -1;
  l.buf = xmalloc (COPY_BUF);
  int rc = stage (&l, fd, err);
  if (rc == 0)
    {
      _cleanup_free_ char *oci = member (&l, "oci-layout");
      _cleanup_free_ char *docker = member (&l, "manifest.json");
      if (oci)
        rc = load_oci (&l, err);
      else if (docker)
        rc = load_docker (&l, err);
      else
        rc = mk_error_set (err, 0,
                           "archive: neither a docker-archive (manifest.json) nor an "
                           "oci-archive (oci-layout)");
    }
  store_tmpdir_remove (l.stage, lock);
  free (l.stage);
  free (l.buf);
  strv_free (l.alias_from);
  strv_free (l.alias_to);
  return rc;
}
