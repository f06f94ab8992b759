/* Manifest parsing and platform selection (mocker/registry/manifest.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "mocker/registry/manifest.h"

/* "sha256:" and 64 times the character c */
#define C8(c) c c c c c c c c
#define DIG(c) "sha256:" C8 (C8 (c))
#define D(c) "\"" DIG (c) "\""

#define OCI_INDEX "\"application/vnd.oci.image.index.v1+json\""
#define OCI_M "\"application/vnd.oci.image.manifest.v1+json\""
#define DOCKER_LIST "\"application/vnd.docker.distribution.manifest.list.v2+json\""
#define DOCKER_M "\"application/vnd.docker.distribution.manifest.v2+json\""
#define LINUX(arch) "{\"os\":\"linux\",\"architecture\":\"" arch "\"}"
#define LINUX_V(arch, v) "{\"os\":\"linux\",\"architecture\":\"" arch "\",\"variant\":\"" v "\"}"
#define ENTRY(mt, c, plat)                                                                         \
  "{\"mediaType\":" mt ",\"digest\":" D (c) ",\"size\":10,\"platform\":" plat "}"
#define LAYER(mt, c) "{\"mediaType\":\"" mt "\",\"digest\":" D (c) ",\"size\":7}"

static const char *index_json
    = "{\"schemaVersion\":2,\"mediaType\":" OCI_INDEX ",\"manifests\":["
      ENTRY (OCI_M, "a", LINUX ("amd64")) ","
      ENTRY (OCI_M, "b", LINUX_V ("arm", "v7")) ","
      ENTRY (OCI_M, "c", LINUX ("arm64")) ","
      "{\"mediaType\":\"application/vnd.example.unknown\",\"digest\":\"junk\"},"
      "{\"mediaType\":" OCI_M ",\"digest\":" D ("d") ",\"size\":10,"
      "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
      "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}}"
      "]}";

static struct mk_manifest *
parse (const char *ct, const char *body)
{
  _cleanup_error_ mk_error *err = NULL;
  struct mk_manifest *m = NULL;
  if (mk_manifest_parse (ct, body, strlen (body), "test", &m, &err) < 0)
    fail_msg ("%s", err->msg);
  return m;
}

/* The digest chosen for plat, or NULL with *error set. */
static const char *
select_for (const struct mk_manifest *m, const char *plat, char **error)
{
  _cleanup_error_ mk_error *err = NULL;
  struct mk_platform p;
  assert_int_equal (mk_platform_parse (plat, &p, &err), 0);
  const struct mk_descriptor *d = mk_manifest_select (m, &p, &err);
  mk_platform_clear (&p);
  if (d == NULL)
    {
      *error = xstrdup (err->msg);
      return NULL;
    }
  return d->digest;
}

static void
test_select (void **state)
{
  (void) state;
  _cleanup_manifest_ struct mk_manifest *m
      = parse ("application/vnd.oci.image.index.v1+json; charset=utf-8", index_json);
  assert_int_equal (m->kind, MK_MANIFEST_INDEX);
  assert_int_equal (m->n_manifests, 4); /* the unknown entry is skipped */
  char *error = NULL;
  assert_string_equal (select_for (m, "linux/amd64", &error), DIG ("a"));
  assert_string_equal (select_for (m, "linux/arm/v7", &error), DIG ("b"));
  /* arm64/v8 matches an entry without a variant */
  assert_string_equal (select_for (m, "linux/arm64/v8", &error), DIG ("c"));
  assert_string_equal (select_for (m, "linux/aarch64", &error), DIG ("c"));
  assert_null (select_for (m, "linux/arm/v6", &error));
  assert_string_equal (error, "no matching manifest for linux/arm/v6 in the manifest list entries "
                              "(offered: linux/amd64, linux/arm/v7, linux/arm64)");
  free (error);
  /* attestation entries are never chosen */
  assert_null (select_for (m, "unknown/unknown", &error));
  free (error);
  assert_null (select_for (m, "windows/amd64", &error));
  free (error);
}

static void
test_prefer_exact_variant (void **state)
{
  (void) state;
  const char *j = "{\"schemaVersion\":2,\"mediaType\":" DOCKER_LIST ",\"manifests\":["
                  ENTRY (DOCKER_M, "1", LINUX ("arm64")) ","
                  ENTRY (DOCKER_M, "2", LINUX_V ("arm64", "v8")) "]}";
  _cleanup_manifest_ struct mk_manifest *m
      = parse ("application/vnd.docker.distribution.manifest.list.v2+json", j);
  char *error = NULL;
  assert_string_equal (select_for (m, "linux/arm64/v8", &error), DIG ("2"));
  /* without a variant asked, the first compatible one */
  assert_string_equal (select_for (m, "linux/arm64", &error), DIG ("1"));
}

static void
test_image_manifest (void **state)
{
  (void) state;
  const char *j = "{\"schemaVersion\":2,\"mediaType\":" DOCKER_M ","
                  "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
                  "\"digest\":" D ("e") ",\"size\":5},\"layers\":["
                  LAYER ("application/vnd.docker.image.rootfs.diff.tar.gzip", "f") ","
                  LAYER ("application/vnd.oci.image.layer.v1.tar+zstd", "0") ","
                  LAYER ("application/vnd.oci.image.layer.v1.tar", "9") "]}";
  _cleanup_manifest_ struct mk_manifest *m
      = parse ("application/vnd.docker.distribution.manifest.v2+json", j);
  assert_int_equal (m->kind, MK_MANIFEST_IMAGE);
  assert_string_equal (m->config.digest, DIG ("e"));
  assert_int_equal (m->config.size, 5);
  assert_int_equal (m->n_layers, 3);
  assert_int_equal (mk_layer_compression (m->layers[0].media_type), MK_COMPRESSION_GZIP);
  assert_int_equal (mk_layer_compression (m->layers[1].media_type), MK_COMPRESSION_ZSTD);
  assert_int_equal (mk_layer_compression (m->layers[2].media_type), MK_COMPRESSION_NONE);
  assert_int_equal (m->layers[2].size, 7);

  /* A generic Content-Type: the body's mediaType decides. */
  _cleanup_manifest_ struct mk_manifest *m2 = parse ("application/json", j);
  assert_string_equal (m2->media_type, "application/vnd.docker.distribution.manifest.v2+json");
}

static void
expect_error (const char *ct, const char *body, const char *msg)
{
  _cleanup_error_ mk_error *err = NULL;
  struct mk_manifest *m = NULL;
  assert_int_equal (mk_manifest_parse (ct, body, strlen (body), "m", &m, &err), -1);
  assert_null (m);
  if (strstr (err->msg, msg) == NULL)
    fail_msg ("got `%s`, want `%s`", err->msg, msg);
}

static void
test_rejects (void **state)
{
  (void) state;
  const char *oci = "application/vnd.oci.image.manifest.v1+json";
  expect_error ("application/vnd.docker.distribution.manifest.v1+prettyjws", "{}", "schema1");
  expect_error ("application/json", "{\"schemaVersion\":1,\"fsLayers\":[]}", "schema1");
  expect_error (oci, "{\"schemaVersion\":2,\"mediaType\":" OCI_INDEX ",\"manifests\":[]}",
                "does not match Content-Type");
  expect_error (oci,
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:12\",\"size\":1},"
                "\"layers\":[]}",
                "config.digest: `sha256:12` is not a sha256 digest");
  expect_error (oci, "{\"schemaVersion\":2,\"config\":{\"digest\":" D ("a") ",\"size\":-1},"
                     "\"layers\":[]}",
                "config.size");
  expect_error (oci,
                "{\"schemaVersion\":2,\"config\":{\"digest\":" D ("a") ",\"size\":1},\"layers\":["
                LAYER ("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "b") "]}",
                "layers[0].mediaType: unsupported layer type");
  expect_error (oci, "{not json", "invalid JSON");
  expect_error ("text/html", "{\"schemaVersion\":2}", "unsupported manifest media type");
}

static void
test_platform_parse (void **state)
{
  (void) state;
  struct mk_platform p;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (mk_platform_parse ("linux/arm/v7", &p, &err), 0);
  _cleanup_free_ char *s = mk_platform_string (&p);
  assert_string_equal (s, "linux/arm/v7");
  mk_platform_clear (&p);
  const char *bad[] = { "linux", "/amd64", "linux/", "linux/arm/", "a/b/c/d", "linux//v7" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      mk_error_free (&err);
      if (mk_platform_parse (bad[i], &p, &err) == 0)
        fail_msg ("accepted `%s`", bad[i]);
    }
  mk_platform_host (&p);
  assert_string_equal (p.os, "linux");
  assert_non_null (p.arch);
  mk_platform_clear (&p);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_select),         cmocka_unit_test (test_prefer_exact_variant),
    cmocka_unit_test (test_image_manifest), cmocka_unit_test (test_rejects),
    cmocka_unit_test (test_platform_parse),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
