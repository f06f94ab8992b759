/* Reference parsing and normalization (mocker/registry/reference.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "mocker/registry/reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Parses s and checks the normalized string and the familiar form. */
static void
check (const char *s, const char *full, const char *familiar)
{
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_reference_ struct mk_reference *r = NULL;
  if (mk_reference_parse (s, &r, &err) < 0)
    fail_msg ("%s: %s", s, err->msg);
  _cleanup_free_ char *got = mk_reference_string (r);
  _cleanup_free_ char *fam = mk_reference_familiar (r);
  assert_string_equal (got, full);
  assert_string_equal (fam, familiar);
}

static void
check_error (const char *s, const char *msg)
{
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_reference_ struct mk_reference *r = NULL;
  assert_int_equal (mk_reference_parse (s, &r, &err), -1);
  assert_null (r);
  assert_non_null (err);
  if (strstr (err->msg, msg) == NULL)
    fail_msg ("%s: got `%s`, want it to contain `%s`", s, err->msg, msg);
}

static void
test_docker_hub (void **state)
{
  (void) state;
  check ("ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest");
  check ("ubuntu:22.04", "docker.io/library/ubuntu:22.04", "ubuntu:22.04");
  check ("user/app", "docker.io/user/app:latest", "user/app:latest");
  check ("docker.io/ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest");
  check ("index.docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1");
  check ("docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest");
  check ("a__b-c---d/e.f_g", "docker.io/a__b-c---d/e.f_g:latest", "a__b-c---d/e.f_g:latest");
}

static void
test_other_registries (void **state)
{
  (void) state;
  check ("localhost/app", "localhost/app:latest", "localhost/app:latest");
  check ("localhost:5000/app:v1", "localhost:5000/app:v1", "localhost:5000/app:v1");
  check ("127.0.0.1:5000/a/b/c:T_1.x-y", "127.0.0.1:5000/a/b/c:T_1.x-y",
         "127.0.0.1:5000/a/b/c:T_1.x-y");
  check ("quay.io/org/img", "quay.io/org/img:latest", "quay.io/org/img:latest");
  check ("Registry.Example.com/x", "Registry.Example.com/x:latest",
         "Registry.Example.com/x:latest");
  check ("[::1]:5000/x:y", "[::1]:5000/x:y", "[::1]:5000/x:y");
}

static void
test_digests (void **state)
{
  (void) state;
  check ("busybox@sha256:" HEX64, "docker.io/library/busybox@sha256:" HEX64,
         "busybox@sha256:" HEX64);
  /* the digest wins over the tag */
  check ("host:1/x:tag@sha256:" HEX64, "host:1/x@sha256:" HEX64, "host:1/x@sha256:" HEX64);

  _cleanup_error_ mk_error *err = NULL;
  _cleanup_reference_ struct mk_reference *r = NULL;
  assert_int_equal (mk_reference_parse ("x:tag@sha256:" HEX64, &r, &err), 0);
  assert_null (r->tag);
  assert_string_equal (mk_reference_object (r), "sha256:" HEX64);
}

static void
test_errors (void **state)
{
  (void) state;
  check_error ("UPPER/x", "invalid reference \"UPPER/x\": repository name must be lowercase");
  check_error ("Ubuntu", "repository name must be lowercase");
  check_error ("", "empty reference");
  check_error (HEX64, "64-character hexadecimal");
  check_error ("x@sha256:abc", "invalid sha256 digest");
  check_error ("x@md5:" HEX64, "unsupported digest algorithm");
  check_error ("x:-bad", "invalid tag");
  check_error ("x:", "invalid tag");
  check_error ("a//b", "invalid repository name");
  check_error ("a/-b", "invalid repository name");
  check_error ("a/b_", "invalid repository name");
  check_error ("a/b___c", "invalid repository name");
  check_error ("host:5000/", "missing repository name");
  check_error ("ho_st.io/x", "invalid registry host");
  check_error ("x y", "invalid repository name");
}

static void
test_tag_grammar (void **state)
{
  (void) state;
  char tag[130];
  memset (tag, 'a', 128);
  tag[128] = '\0';
  assert_true (mk_reference_valid_tag (tag));
  tag[128] = 'a';
  tag[129] = '\0';
  assert_false (mk_reference_valid_tag (tag));
  assert_true (mk_reference_valid_tag ("_x"));
  assert_false (mk_reference_valid_tag (".x"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_docker_hub),  cmocka_unit_test (test_other_registries),
    cmocka_unit_test (test_digests),     cmocka_unit_test (test_errors),
    cmocka_unit_test (test_tag_grammar),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
