/* WWW-Authenticate parsing, token answers and credentials (mocker/registry/auth.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/registry/auth.h"

static void
test_bearer (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  struct mk_auth_challenge *c = NULL;
  size_t n = 0;
  const char *h = "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                  "scope=\"repository:library/ubuntu:pull,push\"";
  assert_int_equal (mk_www_authenticate_parse (h, &c, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (c[0].scheme, "bearer");
  assert_string_equal (mk_auth_challenge_param (&c[0], "realm"), "https://auth.docker.io/token");
  assert_string_equal (mk_auth_challenge_param (&c[0], "service"), "registry.docker.io");
  /* the comma inside the quotes is part of the value */
  assert_string_equal (mk_auth_challenge_param (&c[0], "scope"),
                       "repository:library/ubuntu:pull,push");
  assert_null (mk_auth_challenge_param (&c[0], "error"));
  mk_auth_challenges_free (c, n);
}

static void
test_several_challenges (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  struct mk_auth_challenge *c = NULL;
  size_t n = 0;
  const char *h = "Basic realm=\"Registry \\\"x\\\"\" , bearer REALM=http://h/t, "
                  "error=\"invalid_token\", Negotiate abcDEF+/==";
  assert_int_equal (mk_www_authenticate_parse (h, &c, &n, &err), 0);
  assert_int_equal (n, 3);
  assert_string_equal (c[0].scheme, "basic");
  assert_string_equal (mk_auth_challenge_param (&c[0], "realm"), "Registry \"x\"");
  assert_string_equal (c[1].scheme, "bearer");
  assert_string_equal (mk_auth_challenge_param (&c[1], "realm"), "http://h/t");
  assert_string_equal (mk_auth_challenge_param (&c[1], "Error"), "invalid_token");
  assert_string_equal (c[2].scheme, "negotiate");
  assert_string_equal (mk_auth_challenge_param (&c[2], ""), "abcDEF+/==");
  mk_auth_challenges_free (c, n);
}

static void
test_malformed (void **state)
{
  (void) state;
  struct mk_auth_challenge *c = NULL;
  size_t n = 0;
  const char *bad[] = { "", "   ", "Bearer realm=\"unterminated", "=x", "Bearer a=b c" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      _cleanup_error_ mk_error *err = NULL;
      if (mk_www_authenticate_parse (bad[i], &c, &n, &err) == 0)
        fail_msg ("accepted `%s`", bad[i]);
      assert_non_null (err);
    }
}

static void
test_token_response (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  char *t = NULL;
  long exp = 0;
  const char *a = "{\"token\":\"abc\",\"expires_in\":300}";
  assert_int_equal (mk_auth_parse_token_response (a, strlen (a), &t, &exp, &err), 0);
  assert_string_equal (t, "abc");
  assert_int_equal (exp, 300);
  free (t);
  const char *b = "{\"access_token\":\"xyz\",\"expires_in\":5}";
  assert_int_equal (mk_auth_parse_token_response (b, strlen (b), &t, &exp, &err), 0);
  assert_string_equal (t, "xyz");
  assert_int_equal (exp, 60); /* never less than 60 */
  free (t);
  const char *c = "{\"nothing\":1}";
  assert_int_equal (mk_auth_parse_token_response (c, strlen (c), &t, &exp, &err), -1);
  assert_non_null (strstr (err->msg, "access_token"));
}

static void
test_credentials (void **state)
{
  (void) state;
  char dir[] = "/tmp/mocker-auth-XXXXXX";
  assert_non_null (mkdtemp (dir));
  _cleanup_free_ char *sub = xasprintf ("%s/.mocker", dir);
  _cleanup_free_ char *file = xasprintf ("%s/auth.json", sub);
  assert_int_equal (mkdir_p (sub, 0700, NULL), 0);
  /* dXNlcjpwYTpzcw== is user:pa:ss */
  const char *json = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dXNlcjpwYTpzcw==\"},"
                     "\"127.0.0.1:5000\":{\"username\":\"u2\",\"password\":\"p2\"}}}";
  assert_int_equal (write_file_atomic (file, json, strlen (json), 0600, false, NULL), 0);
  setenv ("HOME", dir, 1);
  unsetenv ("MOCKER_AUTH");

  _cleanup_error_ mk_error *err = NULL;
  struct mk_credentials cr;
  assert_int_equal (mk_auth_find_credentials ("docker.io", &cr, &err), 1);
  assert_string_equal (cr.user, "user");
  assert_string_equal (cr.pass, "pa:ss");
  _cleanup_free_ char *basic = mk_auth_basic_value (&cr);
  assert_string_equal (basic, "Basic dXNlcjpwYTpzcw==");
  mk_credentials_clear (&cr);
  assert_int_equal (mk_auth_find_credentials ("127.0.0.1:5000", &cr, &err), 1);
  assert_string_equal (cr.user, "u2");
  mk_credentials_clear (&cr);
  assert_int_equal (mk_auth_find_credentials ("other.io", &cr, &err), 0);

  setenv ("MOCKER_AUTH", "env:secret", 1);
  assert_int_equal (mk_auth_find_credentials ("other.io", &cr, &err), 1);
  assert_string_equal (cr.pass, "secret");
  mk_credentials_clear (&cr);
  unsetenv ("MOCKER_AUTH");

  assert_int_equal (rm_rf_one_fs (dir, NULL), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_bearer),         cmocka_unit_test (test_several_challenges),
    cmocka_unit_test (test_malformed),      cmocka_unit_test (test_token_response),
    cmocka_unit_test (test_credentials),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
