#include "mocker/registry/manifest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/registry/reference.h"

static bool
is_manifest_type (const char *mt)
{
  return strcmp (mt, MK_MT_DOCKER_MANIFEST) == 0 || strcmp (mt, MK_MT_OCI_MANIFEST) == 0;
}

static bool
is_index_type (const char *mt)
{
  return strcmp (mt, MK_MT_DOCKER_LIST) == 0 || strcmp (mt, MK_MT_OCI_INDEX) == 0;
}

static bool
is_schema1_type (const char *mt)
{
  return str_has_prefix (mt, "application/vnd.docker.distribution.manifest.v1+");
}

void
mk_platform_clear (struct mk_platform *p)
{
  free (p->os);
  free (p->arch);
  free (p->variant);
  p->os = p->arch = p->variant = NULL;
}

static void
descriptor_clear (struct mk_descriptor *d)
{
  free (d->media_type);
  free (d->digest);
  mk_platform_clear (&d->platform);
}

void
mk_manifest_free (struct mk_manifest *m)
{
  if (m == NULL)
    return;
  free (m->media_type);
  descriptor_clear (&m->config);
  for (size_t i = 0; i < m->n_layers; i++)
    descriptor_clear (&m->layers[i]);
  free (m->layers);
  for (size_t i = 0; i < m->n_manifests; i++)
    descriptor_clear (&m->manifests[i]);
  free (m->manifests);
  free (m);
}

void
cleanup_mk_manifestp (struct mk_manifest **m)
{
  mk_manifest_free (*m);
  *m = NULL;
}

static char *
dup_opt (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

/* Fills d from a JSON descriptor; path names it in errors ("layers[2]"). */
static int
parse_descriptor (yajl_val v, const char *what, const char *path, struct mk_descriptor *d,
                  mk_error **err)
{
  if (v == NULL || !YAJL_IS_OBJECT (v))
    return mk_error_set (err, 0, "%s: %s: want an object, got %s", what, path,
                         json_type_name (v));
  const char *digest = json_get_str (v, "digest");
  if (digest == NULL)
    return mk_error_set (err, 0, "%s: %s.digest: missing", what, path);
  if (!mk_reference_valid_digest (digest))
    return mk_error_set (err, 0, "%s: %s.digest: `%s` is not a sha256 digest", what, path, digest);
  yajl_val size = json_get (v, "size");
  if (size == NULL || !YAJL_IS_INTEGER (size) || YAJL_GET_INTEGER (size) < 0)
    return mk_error_set (err, 0, "%s: %s.size: want a non-negative integer", what, path);
  d->digest = xstrdup (digest);
  d->size = YAJL_GET_INTEGER (size);
  d->media_type = dup_opt (json_get_str (v, "mediaType"));

  yajl_val plat = json_get (v, "platform");
  if (plat && YAJL_IS_OBJECT (plat))
    {
      d->platform.os = dup_opt (json_get_str (plat, "os"));
      d->platform.arch = dup_opt (json_get_str (plat, "architecture"));
      d->platform.variant = dup_opt (json_get_str (plat, "variant"));
    }
  const char *ref_type = json_get_str (json_get (v, "annotations"), "vnd.docker.reference.type");
  d->attestation = (ref_type && strcmp (ref_type, "attestation-manifest") == 0)
                   || (d->platform.os && strcmp (d->platform.os, "unknown") == 0
                       && d->platform.arch && strcmp (d->platform.arch, "unknown") == 0);
  return 0;
}

/* Media type without parameters, lowercase, trimmed. */
static char *
bare_media_type (const char *ct)
{
  if (ct == NULL)
    return xstrdup ("");
  while (isspace ((unsigned char) *ct))
    ct++;
  size_t n = strcspn (ct, ";");
  while (n > 0 && isspace ((unsigned char) ct[n - 1]))
    n--;
  char *r = xstrndup (ct, n);
  for (char *p = r; *p; p++)
    *p = tolower ((unsigned char) *p);
  return r;
}

static int
parse_image (yajl_val root, const char *what, struct mk_manifest *m, mk_error **err)
{
  m->kind = MK_MANIFEST_IMAGE;
  if (parse_descriptor (json_get (root, "config"), what, "config", &m->config, err) < 0)
    return -1;
  yajl_val layers = json_get (root, "layers");
  if (layers == NULL || !YAJL_IS_ARRAY (layers))
    return mk_error_set (err, 0, "%s: layers: want an array, got %s", what,
                         json_type_name (layers));
  size_t n = layers->u.array.len;
  m->layers = xzalloc ((n ? n : 1) * sizeof *m->layers);
  for (size_t i = 0; i < n; i++)
    {
      char path[32];
      snprintf (path, sizeof path, "layers[%zu]", i);
      m->n_layers = i + 1;
      if (parse_descriptor (layers->u.array.values[i], what, path, &m->layers[i], err) < 0)
        return -1;
      const char *mt = m->layers[i].media_type;
      if (mt == NULL)
        return mk_error_set (err, 0, "%s: %s.mediaType: missing", what, path);
      if (mk_layer_compression (mt) == MK_COMPRESSION_UNKNOWN)
        return mk_error_set (err, 0, "%s: %s.mediaType: unsupported layer type `%s`", what, path,
                             mt);
    }
  return 0;
}

static int
parse_index (yajl_val root, const char *what, struct mk_manifest *m, mk_error **err)
{
  m->kind = MK_MANIFEST_INDEX;
  yajl_val list = json_get (root, "manifests");
  if (list == NULL || !YAJL_IS_ARRAY (list))
    return mk_error_set (err, 0, "%s: manifests: want an array, got %s", what,
                         json_type_name (list));
  size_t n = list->u.array.len;
  m->manifests = xzalloc ((n ? n : 1) * sizeof *m->manifests);
  for (size_t i = 0; i < n; i++)
    {
      yajl_val v = list->u.array.values[i];
      const char *mt = json_get_str (v, "mediaType");
      /* Unknown kinds of entries must not cause an error: skip them. */
      if (mt && !is_manifest_type (mt))
        continue;
      char path[32];
      snprintf (path, sizeof path, "manifests[%zu]", i);
      struct mk_descriptor *d = &m->manifests[m->n_manifests++];
      if (parse_descriptor (v, what, path, d, err) < 0)
        return -1;
    }
  return 0;
}

int
mk_manifest_parse (const char *content_type, const char *body, size_t len, const char *what,
                   struct mk_manifest **out, mk_error **err)
{
  _cleanup_free_ char *ct = bare_media_type (content_type);
  _cleanup_json_ yajl_val root = NULL;

  if (is_schema1_type (ct))
    return mk_error_set (err, 0,
                         "%s: schema1 manifest (`%s`) is not supported: the registry serves a "
                         "deprecated image format, push it again with a current client",
                         what, ct);
  if (json_parse (body, len, what, &root, err) < 0)
    return -1;
  if (!YAJL_IS_OBJECT (root))
    return mk_error_set (err, 0, "%s: want a JSON object", what);

  yajl_val sv = json_get (root, "schemaVersion");
  const char *body_mt = json_get_str (root, "mediaType");
  if (sv && YAJL_IS_INTEGER (sv) && YAJL_GET_INTEGER (sv) == 1)
    return mk_error_set (err, 0,
                         "%s: schema1 manifest is not supported: the registry serves a "
                         "deprecated image format, push it again with a current client",
                         what);
  if (sv == NULL || !YAJL_IS_INTEGER (sv) || YAJL_GET_INTEGER (sv) != 2)
    return mk_error_set (err, 0, "%s: schemaVersion: want 2", what);

  const char *mt = ct;
  if (!is_manifest_type (ct) && !is_index_type (ct))
    {
      /* A generic or missing Content-Type: the body decides. */
      if (body_mt)
        mt = body_mt;
      else if (json_get (root, "manifests"))
        mt = MK_MT_OCI_INDEX;
      else if (json_get (root, "config"))
        mt = MK_MT_OCI_MANIFEST;
      else
        mt = "";
    }
  else if (body_mt && strcmp (body_mt, ct) != 0)
    return mk_error_set (err, 0, "%s: mediaType `%s` does not match Content-Type `%s`", what,
                         body_mt, ct);

  _cleanup_manifest_ struct mk_manifest *m = xzalloc (sizeof *m);
  m->media_type = xstrdup (mt);
  if (is_manifest_type (mt))
    {
      if (parse_image (root, what, m, err) < 0)
        return -1;
    }
  else if (is_index_type (mt))
    {
      if (parse_index (root, what, m, err) < 0)
        return -1;
    }
  else
    return mk_error_set (err, 0, "%s: unsupported manifest media type `%s`", what,
                         *mt ? mt : "(none)");
  *out = STEAL (m);
  return 0;
}

enum mk_compression
mk_layer_compression (const char *mt)
{
  static const struct
  {
    const char *type;
    enum mk_compression c;
  } known[] = {
    { "application/vnd.oci.image.layer.v1.tar", MK_COMPRESSION_NONE },
    { "application/vnd.oci.image.layer.v1.tar+gzip", MK_COMPRESSION_GZIP },
    { "application/vnd.oci.image.layer.v1.tar+zstd", MK_COMPRESSION_ZSTD },
    { "application/vnd.docker.image.rootfs.diff.tar.gzip", MK_COMPRESSION_GZIP },
    { "application/vnd.docker.image.rootfs.diff.tar", MK_COMPRESSION_NONE },
    { "application/vnd.oci.image.layer.nondistributable.v1.tar", MK_COMPRESSION_NONE },
    { "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", MK_COMPRESSION_GZIP },
    { "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", MK_COMPRESSION_ZSTD },
  };
  for (size_t i = 0; i < ARRAY_SIZE (known); i++)
    if (strcmp (mt, known[i].type) == 0)
      return known[i].c;
  return MK_COMPRESSION_UNKNOWN;
}

int
mk_platform_parse (const char *s, struct mk_platform *out, mk_error **err)
{
  memset (out, 0, sizeof *out);
  const char *a = strchr (s, '/');
  if (a == NULL || a == s || a[1] == '\0' || a[1] == '/')
    return mk_error_set (err, 0, "invalid platform `%s`: want os/arch[/variant]", s);
  const char *v = strchr (a + 1, '/');
  if (v && (v[1] == '\0' || strchr (v + 1, '/')))
    return mk_error_set (err, 0, "invalid platform `%s`: want os/arch[/variant]", s);
  out->os = xstrndup (s, a - s);
  out->arch = v ? xstrndup (a + 1, v - a - 1) : xstrdup (a + 1);
  out->variant = v ? xstrdup (v + 1) : NULL;
  for (char *p = out->os; *p; p++)
    *p = tolower ((unsigned char) *p);
  for (char *p = out->arch; *p; p++)
    *p = tolower ((unsigned char) *p);
  /* Go names: aarch64 is arm64, x86_64 is amd64 */
  if (strcmp (out->arch, "x86_64") == 0 || strcmp (out->arch, "x86-64") == 0)
    {
      free (out->arch);
      out->arch = xstrdup ("amd64");
    }
  else if (strcmp (out->arch, "aarch64") == 0)
    {
      free (out->arch);
      out->arch = xstrdup ("arm64");
    }
  return 0;
}

void
mk_platform_host (struct mk_platform *out)
{
  struct utsname u;
  memset (out, 0, sizeof *out);
  out->os = xstrdup ("linux");
  if (uname (&u) < 0)
    strcpy (u.machine, "x86_64");
  const char *m = u.machine;
  if (strcmp (m, "x86_64") == 0)
    out->arch = xstrdup ("amd64");
  else if (strcmp (m, "aarch64") == 0 || strcmp (m, "arm64") == 0)
    {
      out->arch = xstrdup ("arm64");
      out->variant = xstrdup ("v8");
    }
  else if (str_has_prefix (m, "armv7"))
    {
      out->arch = xstrdup ("arm");
      out->variant = xstrdup ("v7");
    }
  else if (str_has_prefix (m, "armv6"))
    {
      out->arch = xstrdup ("arm");
      out->variant = xstrdup ("v6");
    }
  else if (strcmp (m, "i686") == 0 || strcmp (m, "i386") == 0)
    out->arch = xstrdup ("386");
  else
    out->arch = xstrdup (m); /* s390x, ppc64le, riscv64 share Go's names */
}

char *
mk_platform_string (const struct mk_platform *p)
{
  const char *os = p->os ? p->os : "?";
  const char *arch = p->arch ? p->arch : "?";
  if (p->variant && *p->variant)
    return xasprintf ("%s/%s/%s", os, arch, p->variant);
  return xasprintf ("%s/%s", os, arch);
}

static bool
str_eq (const char *a, const char *b)
{
  return a && b && strcmp (a, b) == 0;
}

const struct mk_descriptor *
mk_manifest_select (const struct mk_manifest *index, const struct mk_platform *want,
                    mk_error **err)
{
  const struct mk_descriptor *loose = NULL;
  for (size_t i = 0; i < index->n_manifests; i++)
    {
      const struct mk_descriptor *d = &index->manifests[i];
      if (d->attestation || !str_eq (d->platform.os, want->os)
          || !str_eq (d->platform.arch, want->arch))
        continue;
      bool want_v = want->variant && *want->variant;
      bool have_v = d->platform.variant && *d->platform.variant;
      if ((!want_v && !have_v)
          || (want_v && have_v && strcmp (want->variant, d->platform.variant) == 0))
        return d;
      if ((!want_v || !have_v) && loose == NULL)
        loose = d;
    }
  if (loose)
    return loose;

  /* No match: say what is offered. */
  _cleanup_free_ char *offered = NULL;
  for (size_t i = 0; i < index->n_manifests; i++)
    {
      const struct mk_descriptor *d = &index->manifests[i];
      if (d->attestation || d->platform.os == NULL)
        continue;
      _cleanup_free_ char *p = mk_platform_string (&d->platform);
      char *next = offered ? xasprintf ("%s, %s", offered, p) : xstrdup (p);
      free (offered);
      offered = next;
    }
  _cleanup_free_ char *w = mk_platform_string (want);
  mk_error_set (err, 0, "no matching manifest for %s in the manifest list entries (offered: %s)",
                w, offered ? offered : "none");
  return NULL;
}
