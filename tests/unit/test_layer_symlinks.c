/* The unpacker's record of the symlinks a layer made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/layer_symlinks.h"

static void
test_normalize (void **state)
{
  (void) state;
  const char *cases[][2] = {
    { "a", "a" },         { "./a", "a" },       { "a//b/", "a/b" }, { "./a/./b/.", "a/b" },
    { ".//a///b", "a/b" }, { ".", "" },         { "a.b/.c", "a.b/.c" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      _cleanup_free_ char *n = layer_path_normalize (cases[i][0]);
      assert_string_equal (n, cases[i][1]);
    }
}

static void
test_through (void **state)
{
  (void) state;
  char tmp[] = "/tmp/test-layer-symlinks-XXXXXX";
  assert_non_null (mkdtemp (tmp));
  char old[4096];
  assert_non_null (getcwd (old, sizeof old));
  assert_int_equal (chdir (tmp), 0);

  _cleanup_layer_symlinks_ struct layer_symlinks *s = layer_symlinks_new ();
  assert_null (layer_symlinks_through (s, "a/b/c"));
  /* many names: the set grows and keeps them all */
  for (int i = 0; i < 300; i++)
    {
      _cleanup_free_ char *name = xasprintf ("l%d", i);
      assert_int_equal (symlink ("/", name), 0);
      layer_symlinks_add (s, name);
    }
  assert_int_equal (mkdir ("d", 0755), 0);
  assert_int_equal (symlink ("/etc", "d/s"), 0);
  layer_symlinks_add (s, "d/s");
  for (int i = 0; i < 300; i++)
    {
      _cleanup_free_ char *name = xasprintf ("l%d/x/y", i);
      _cleanup_free_ char *t = layer_symlinks_through (s, name);
      _cleanup_free_ char *want = xasprintf ("l%d", i);
      assert_non_null (t);
      assert_string_equal (t, want);
    }
  _cleanup_free_ char *t1 = layer_symlinks_through (s, "d/s/passwd");
  assert_non_null (t1);
  assert_string_equal (t1, "d/s");
  assert_true (layer_symlinks_is_link (s, "d/s"));
  assert_null (layer_symlinks_through (s, "d/s"));   /* the link itself: not through */
  assert_null (layer_symlinks_through (s, "d/sx/y")); /* a prefix of a name is no parent */
  assert_null (layer_symlinks_through (s, "l1x/y"));
  assert_false (layer_symlinks_is_link (s, "d"));

  /* a link replaced by a directory no longer counts */
  assert_int_equal (unlink ("l7"), 0);
  assert_int_equal (mkdir ("l7", 0755), 0);
  assert_null (layer_symlinks_through (s, "l7/x"));
  assert_false (layer_symlinks_is_link (s, "l7"));

  assert_int_equal (chdir (old), 0);
  mk_error *err = NULL;
  assert_int_equal (rm_rf_one_fs (tmp, &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_normalize),
    cmocka_unit_test (test_through),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
