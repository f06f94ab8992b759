/* mocker/run/run_mounts.c (run's -v, --mount, --tmpfs, image VOLUMEs) and the
 * data mounts bundle_make_spec makes of them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"
#include "mocker/run/run_mounts.h"

static char dir[] = "/tmp/mocker-test-run-mounts-XXXXXX";

static int
setup (void **state)
{
  (void) state;
  return mkdtemp (dir) ? 0 : -1;
}

static int
teardown (void **state)
{
  (void) state;
  return rm_rf_one_fs (dir, NULL);
}

static void
test_volume_forms (void **state)
{
  (void) state;
  struct run_options o = { 0 };
  _cleanup_free_ char *bind = xasprintf ("%s/new/dir:/b//c/:ro", dir);
  assert_int_equal (run_parse_volume (bind, &o, NULL), 0);
  assert_int_equal (run_parse_volume ("named:/n:nocopy", &o, NULL), 0);
  assert_int_equal (run_parse_volume ("/anon", &o, NULL), 0);
  assert_int_equal (o.n_volumes, 3);
  /* a bind: the missing host directory was made, the target cleaned */
  assert_int_equal (o.volumes[0].kind, MOUNT_BIND);
  assert_string_equal (o.volumes[0].container, "/b/c");
  assert_true (o.volumes[0].readonly);
  assert_true (dir_exists (o.volumes[0].host));
  assert_string_equal (o.volumes[0].bind_spec, bind);
  assert_int_equal (o.volumes[1].kind, MOUNT_VOLUME);
  assert_string_equal (o.volumes[1].name, "named");
  assert_true (o.volumes[1].nocopy);
  assert_false (o.volumes[1].anonymous);
  assert_int_equal (o.volumes[2].kind, MOUNT_VOLUME);
  assert_null (o.volumes[2].name);
  assert_true (o.volumes[2].anonymous);
  run_volumes_free (&o);
}

static void
test_volume_errors (void **state)
{
  (void) state;
  static const char *const bad[] = { "./rel:/x", "v:relative", "v:/x:bogus", "a:b:c:d",
                                     "v:/", ":/x", "/host:/x:nocopy" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      struct run_options o = { 0 };
      mk_error *err = NULL;
      assert_int_equal (run_parse_volume (bad[i], &o, &err), -1);
      assert_non_null (strstr (err->msg, bad[i]));
      mk_error_free (&err);
      run_volumes_free (&o);
    }
  struct run_options o = { 0 };
  mk_error *err = NULL;
  assert_int_equal (run_parse_volume ("a:/x", &o, NULL), 0);
  assert_int_equal (run_parse_volume ("b:/x/", &o, &err), -1);
  assert_non_null (strstr (err->msg, "duplicate mount point"));
  mk_error_free (&err);
  run_volumes_free (&o);
}

static void
test_mount_and_tmpfs (void **state)
{
  (void) state;
  struct run_options o = { 0 };
  _cleanup_free_ char *bind = xasprintf ("type=bind,source=%s,target=/b,readonly", dir);
  assert_int_equal (run_parse_mount (bind, &o, NULL), 0);
  assert_int_equal (run_parse_mount ("type=volume,target=/anon", &o, NULL), 0);
  assert_int_equal (run_parse_mount ("src=v,dst=/v,volume-nocopy", &o, NULL), 0);
  assert_int_equal (run_parse_mount ("type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770", &o, NULL), 0);
  assert_int_equal (run_parse_tmpfs ("/run:size=64m,exec", &o, NULL), 0);
  assert_int_equal (o.n_volumes, 5);
  assert_true (o.volumes[0].readonly);
  assert_string_equal (o.volumes[0].host, dir);
  assert_true (o.volumes[1].anonymous);
  assert_string_equal (o.volumes[2].name, "v");
  assert_true (o.volumes[2].nocopy);
  assert_int_equal (o.volumes[3].kind, MOUNT_TMPFS);
  assert_string_equal (o.volumes[3].tmpfs_opts, "size=1048576,mode=1770");
  assert_string_equal (o.volumes[4].tmpfs_opts, "size=64m,exec");

  static const char *const bad[] = { "type=bind,source=/nonexistent-x,target=/x",
                                     "type=nfs,target=/x", "type=volume,source=v",
                                     "type=tmpfs,target=/x,source=y", "type=bind,target=/x,tmpfs-size=1",
                                     "type=tmpfs,target=/x,tmpfs-size=abc", "target=/x,bogus=1",
                                     "type=tmpfs,target=/x,tmpfs-size=20000000000g",
                                     "type=tmpfs,target=/x,tmpfs-size=0",
                                     "type=volume,target=/x,readonly=maybe" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      mk_error *err = NULL;
      assert_int_equal (run_parse_mount (bad[i], &o, &err), -1);
      mk_error_free (&err);
    }
  assert_int_equal (o.n_volumes, 5);
  run_volumes_free (&o);
}

static void
test_image_volumes_yield (void **state)
{
  (void) state;
  const char *img = "{\"config\":{\"Volumes\":{\"/data\":{},\"/logs/\":{},\"rel\":{}}}}";
  yajl_val v = NULL;
  assert_int_equal (json_parse (img, strlen (img), "image", &v, NULL), 0);
  struct run_options o = { 0 };
  assert_int_equal (run_parse_volume ("mine:/data", &o, NULL), 0);
  run_image_volumes (v, &o);
  assert_int_equal (o.n_volumes, 2);
  assert_string_equal (o.volumes[0].name, "mine");
  assert_string_equal (o.volumes[1].container, "/logs");
  assert_true (o.volumes[1].anonymous);
  run_volumes_free (&o);
  yajl_tree_free (v);
}

static const struct spec_mount *
find_mount (const struct spec *s, const char *dest, size_t *index)
{
  for (size_t i = 0; i < s->n_mounts; i++)
    if (strcmp (s->mounts[i].destination, dest) == 0)
      {
        *index = i;
        return &s->mounts[i];
      }
  fail_msg ("no mount at %s", dest);
  return NULL;
}

static bool
has_opt (const struct spec_mount *m, const char *opt)
{
  for (size_t i = 0; m->options && m->options[i]; i++)
    if (strcmp (m->options[i], opt) == 0)
      return true;
  return false;
}

static void
test_bundle_data_mounts (void **state)
{
  (void) state;
  struct run_options o = { 0 };
  assert_int_equal (run_parse_tmpfs ("/a/b/c:exec,size=1m", &o, NULL), 0);
  assert_int_equal (run_parse_volume ("v:/a:ro", &o, NULL), 0);
  assert_int_equal (run_parse_tmpfs ("/a/b", &o, NULL), 0);
  o.volumes[1].host = xstrdup ("/store/volumes/v/_data");
  const char *img = "{\"config\":{\"Cmd\":[\"sh\"]}}";
  yajl_val v = NULL;
  assert_int_equal (json_parse (img, strlen (img), "image", &v, NULL), 0);
  struct spec *s = NULL;
  assert_int_equal (bundle_make_spec (v, dir, "0123456789abcdef0123", &o, &s, NULL), 0);
  size_t ia, iab, iabc;
  const struct spec_mount *a = find_mount (s, "/a", &ia);
  const struct spec_mount *ab = find_mount (s, "/a/b", &iab);
  const struct spec_mount *abc = find_mount (s, "/a/b/c", &iabc);
  /* parents first, whatever the order of the options */
  assert_true (ia < iab && iab < iabc);
  assert_string_equal (a->type, "bind");
  assert_string_equal (a->source, "/store/volumes/v/_data");
  assert_true (has_opt (a, "rbind") && has_opt (a, "ro"));
  assert_string_equal (ab->type, "tmpfs");
  assert_true (has_opt (ab, "noexec") && has_opt (ab, "nosuid") && has_opt (ab, "nodev"));
  assert_true (has_opt (abc, "exec") && !has_opt (abc, "noexec") && has_opt (abc, "size=1m"));
  spec_free (s);
  yajl_tree_free (v);
  run_volumes_free (&o);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_volume_forms),
    cmocka_unit_test (test_volume_errors),
    cmocka_unit_test (test_mount_and_tmpfs),
    cmocka_unit_test (test_image_volumes_yield),
    cmocka_unit_test (test_bundle_data_mounts),
  };
  return cmocka_run_group_tests_name ("run_mounts", tests, setup, teardown);
}
