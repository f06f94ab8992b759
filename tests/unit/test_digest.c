/* common/digest: sha256 streaming, formatting and validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/util.h"

#define EMPTY_SHA "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_SHA "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void
test_known_vectors (void **state)
{
  (void) state;
  _cleanup_free_ char *e = digest_bytes ("", 0);
  assert_string_equal (e, EMPTY_SHA);
  _cleanup_free_ char *a = digest_bytes ("abc", 3);
  assert_string_equal (a, ABC_SHA);
  assert_int_equal (strlen (a), DIGEST_STR_LEN);
}

static void
test_streaming_equals_one_shot (void **state)
{
  (void) state;
  char buf[10000];
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (char) (i * 7 + 3);
  _cleanup_free_ char *whole = digest_bytes (buf, sizeof buf);
  _cleanup_digest_ mk_digest *d = digest_init ();
  size_t off = 0, step = 1;
  while (off < sizeof buf)
    {
      size_t n = step < sizeof buf - off ? step : sizeof buf - off;
      digest_update (d, buf + off, n);
      off += n;
      step = step * 3 + 1;
    }
  assert_int_equal (digest_count (d), sizeof buf);
  _cleanup_free_ char *streamed = digest_final (d);
  assert_string_equal (whole, streamed);
}

static void
test_digest_file (void **state)
{
  (void) state;
  char path[] = "/tmp/test_digest.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, "abc", 3), 3);
  close (fd);
  mk_error *err = NULL;
  _cleanup_free_ char *d = NULL;
  assert_int_equal (digest_file (path, &d, &err), 0);
  assert_string_equal (d, ABC_SHA);
  unlink (path);
  assert_int_equal (digest_file (path, &d, &err), -1);
  assert_non_null (strstr (err->msg, "open `/tmp/test_digest."));
  mk_error_free (&err);
}

static void
test_validation (void **state)
{
  (void) state;
  assert_true (digest_valid (ABC_SHA));
  assert_false (digest_valid (NULL));
  assert_false (digest_valid (""));
  assert_false (digest_valid ("sha256:"));
  assert_false (digest_valid ("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  assert_false (digest_valid (ABC_SHA "0"));
  assert_false (digest_valid ("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  assert_false (digest_valid ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  assert_string_equal (digest_hex (ABC_SHA), ABC_SHA + 7);
  assert_string_equal (digest_hex ("abc"), "abc");

  assert_true (digest_is_hex_prefix ("ba78"));
  assert_false (digest_is_hex_prefix (""));
  assert_false (digest_is_hex_prefix ("xyz"));
  assert_false (digest_is_hex_prefix ("BA78"));
  assert_false (digest_is_hex_prefix (ABC_SHA));

  mk_error *err = NULL;
  assert_int_equal (digest_check (ABC_SHA, "layer", &err), 0);
  assert_null (err);
  assert_int_equal (digest_check ("md5:abc", "layer", &err), -1);
  assert_string_equal (err->msg, "layer: unsupported digest algorithm `md5`");
  mk_error_free (&err);
  assert_int_equal (digest_check ("sha256:abc", "config", &err), -1);
  assert_non_null (strstr (err->msg, "config: invalid digest `sha256:abc`"));
  mk_error_free (&err);
  assert_int_equal (digest_check (NULL, "blob", &err), -1);
  assert_string_equal (err->msg, "blob: missing digest");
  mk_error_free (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_known_vectors),
    cmocka_unit_test (test_streaming_equals_one_shot),
    cmocka_unit_test (test_digest_file),
    cmocka_unit_test (test_validation),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
