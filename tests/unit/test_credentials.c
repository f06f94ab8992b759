/* Docker's config.json written by login (mocker/registry/credentials.c),
 * read back by the credential lookup (auth.c), and manifests written for
 * push and save (manifest_build.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/registry/auth.h"
#include "mocker/registry/credentials.h"
#include "mocker/registry/manifest.h"

static void
test_domain (void **state)
{
  (void) state;
  const char *cases[][2] = {
    { "127.0.0.1:5000", "127.0.0.1:5000" },
    { "http://127.0.0.1:5000/v2/", "127.0.0.1:5000" },
    { "https://registry.example.com", "registry.example.com" },
    { "index.docker.io", "docker.io" },
    { "https://index.docker.io/v1/", "docker.io" },
    { "registry-1.docker.io", "docker.io" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *d = mk_registry_domain (cases[i][0]);
      assert_string_equal (d, cases[i][1]);
    }
  _cleanup_free_ char *hub = mk_credentials_key ("docker.io");
  assert_string_equal (hub, "https://index.docker.io/v1/");
}

static void
test_store_find_erase (void **state)
{
  (void) state;
  char dir[] = "/tmp/mocker-cred-XXXXXX";
  assert_non_null (mkdtemp (dir));
  _cleanup_free_ char *cfgdir = xasprintf ("%s/docker", dir);
  _cleanup_free_ char *file = xasprintf ("%s/config.json", cfgdir);
  setenv ("DOCKER_CONFIG", cfgdir, 1);
  setenv ("HOME", dir, 1);
  unsetenv ("MOCKER_AUTH");
  _cleanup_error_ mk_error *err = NULL;

  /* a file with other content: kept */
  assert_int_equal (mkdir_p (cfgdir, 0755, NULL), 0);
  const char *before = "{\"auths\":{\"keep.io\":{\"auth\":\"eDp5\"}},\"credHelpers\":{\"a\":\"b\"}}";
  assert_int_equal (write_file_atomic (file, before, strlen (before), 0644, false, NULL), 0);
  assert_int_equal (mk_credentials_store (file, "docker.io", "me", "p:w", &err), 0);
  assert_int_equal (mk_credentials_store (file, "127.0.0.1:5000", "u", "v", &err), 0);
  /* again: replaced, not added */
  assert_int_equal (mk_credentials_store (file, "127.0.0.1:5000", "u", "w", &err), 0);
  struct stat st;
  assert_int_equal (stat (file, &st), 0);
  assert_int_equal (st.st_mode & 0777, 0600);

  _cleanup_json_ yajl_val root = NULL;
  assert_int_equal (json_parse_file (file, &root, &err), 0);
  yajl_val auths = json_get (root, "auths");
  assert_int_equal (auths->u.object.len, 3);
  assert_string_equal (json_get_str (json_get (auths, "keep.io"), "auth"), "eDp5");
  /* bWU6cDp3 = me:p:w */
  assert_string_equal (json_get_str (json_get (auths, "https://index.docker.io/v1/"), "auth"),
                       "bWU6cDp3");
  assert_string_equal (json_get_str (json_get (root, "credHelpers"), "a"), "b");

  struct mk_credentials cr;
  assert_int_equal (mk_auth_find_credentials ("docker.io", &cr, &err), 1);
  assert_string_equal (cr.user, "me");
  assert_string_equal (cr.pass, "p:w");
  mk_credentials_clear (&cr);
  assert_int_equal (mk_auth_find_credentials ("127.0.0.1:5000", &cr, &err), 1);
  assert_string_equal (cr.pass, "w");
  mk_credentials_clear (&cr);

  assert_int_equal (mk_credentials_erase (file, "127.0.0.1:5000", &err), 1);
  assert_int_equal (mk_credentials_erase (file, "127.0.0.1:5000", &err), 0);
  assert_int_equal (mk_auth_find_credentials ("127.0.0.1:5000", &cr, &err), 0);
  /* no file: nothing to erase, no file made */
  _cleanup_free_ char *none = xasprintf ("%s/none/config.json", dir);
  assert_int_equal (mk_credentials_erase (none, "x.io", &err), 0);
  assert_false (path_exists (none));

  /* a broken file is an error naming it, and is left alone */
  assert_int_equal (write_file_atomic (file, "[1", 2, 0600, false, NULL), 0);
  assert_int_equal (mk_credentials_store (file, "x.io", "a", "b", &err), -1);
  assert_non_null (strstr (err->msg, "config.json"));
  unsetenv ("DOCKER_CONFIG");
  assert_int_equal (rm_rf_one_fs (dir, NULL), 0);
}

static void
test_manifest_build (void **state)
{
  (void) state;
  struct mk_descriptor layers[] = {
    { .media_type = (char *) "application/vnd.oci.image.layer.v1.tar+gzip",
      .digest = (char *) "sha256:1111111111111111111111111111111111111111111111111111111111111111",
      .size = 10 },
    { .media_type = (char *) "application/vnd.docker.image.rootfs.diff.tar",
      .digest = (char *) "sha256:2222222222222222222222222222222222222222222222222222222222222222",
      .size = 20 },
  };
  const char *cfg = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
  size_t len = 0;
  _cleanup_free_ char *docker = mk_manifest_build (MK_MT_DOCKER_MANIFEST, cfg, 5, layers, 2, &len);
  _cleanup_error_ mk_error *err = NULL;
  struct mk_manifest *m = NULL;
  assert_int_equal (mk_manifest_parse (NULL, docker, len, "m", &m, &err), 0);
  assert_string_equal (m->media_type, MK_MT_DOCKER_MANIFEST);
  assert_string_equal (m->config.media_type, MK_MT_DOCKER_CONFIG);
  assert_string_equal (m->layers[0].media_type,
                       "application/vnd.docker.image.rootfs.diff.tar.gzip");
  assert_string_equal (m->layers[1].media_type, "application/vnd.docker.image.rootfs.diff.tar");
  assert_int_equal (m->layers[1].size, 20);
  mk_manifest_free (m);
  _cleanup_free_ char *oci = mk_manifest_build (MK_MT_OCI_MANIFEST, cfg, 5, layers, 2, &len);
  assert_int_equal (mk_manifest_parse (NULL, oci, len, "m", &m, &err), 0);
  assert_string_equal (m->config.media_type, MK_MT_OCI_CONFIG);
  assert_string_equal (m->layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  assert_string_equal (m->layers[1].media_type, "application/vnd.oci.image.layer.v1.tar");
  assert_string_equal (m->config.digest, cfg);
  mk_manifest_free (m);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_domain),
    cmocka_unit_test (test_store_find_erase),
    cmocka_unit_test (test_manifest_build),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
