/* Loopback registries are insecure by default, others are not
 * (mocker/registry/loopback.c, the endpoint chosen by mk_registry_open). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "mocker/registry/http.h"
#include "mocker/registry/http_internal.h"
#include "mocker/registry/reference.h"

static void
test_classification (void **state)
{
  (void) state;
  const char *loopback[] = { "localhost", "localhost:5000", "LOCALHOST:1", "127.0.0.1",
                             "127.0.0.1:5000", "127.1.2.3:80", "127.255.255.255",
                             "[::1]:5000", "[::1]", "::1",
                             "[0:0:0:0:0:0:0:1]:443" };
  const char *other[] = { "registry.example.com", "registry.example.com:5000", "docker.io",
                          "10.0.0.1:5000", "128.0.0.1", "126.255.255.255:5000",
                          "[::2]:5000", "[fe80::1]", "localhost.example.com:5000",
                          "mylocalhost", "127.0.0.1.example.com", "[::1", "", ":5000" };
  for (size_t i = 0; i < ARRAY_SIZE (loopback); i++)
    if (!registry_host_is_loopback (loopback[i]))
      fail_msg ("`%s` should be loopback", loopback[i]);
  for (size_t i = 0; i < ARRAY_SIZE (other); i++)
    if (registry_host_is_loopback (other[i]))
      fail_msg ("`%s` should not be loopback", other[i]);
}

static char *
endpoint_of (const char *ref_text, bool insecure)
{
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_reference_ struct mk_reference *ref = NULL;
  if (mk_reference_parse (ref_text, &ref, &err) < 0)
    fail_msg ("%s: %s", ref_text, err->msg);
  _cleanup_registry_ struct mk_registry *r = NULL;
  if (mk_registry_open (ref, insecure, &r, &err) < 0)
    fail_msg ("%s: %s", ref_text, err->msg);
  return xstrdup (mk_registry_endpoint (r));
}

/* A name that is not loopback keeps https (no probe, no fallback) unless
 * --insecure or MOCKER_INSECURE_REGISTRIES says otherwise. */
static void
test_endpoints (void **state)
{
  (void) state;
  unsetenv ("MOCKER_INSECURE_REGISTRIES");
  unsetenv ("MOCKER_REGISTRY_MIRROR");
  _cleanup_free_ char *a = endpoint_of ("registry.example.com:5000/x/y", false);
  assert_string_equal (a, "https://registry.example.com:5000");
  _cleanup_free_ char *b = endpoint_of ("10.0.0.1:5000/x", false);
  assert_string_equal (b, "https://10.0.0.1:5000");
  _cleanup_free_ char *c = endpoint_of ("registry.example.com:5000/x", true);
  assert_string_equal (c, "http://registry.example.com:5000");
  setenv ("MOCKER_INSECURE_REGISTRIES", "a.example, 10.0.0.1:5000", 1);
  _cleanup_free_ char *d = endpoint_of ("10.0.0.1:5000/x", false);
  assert_string_equal (d, "http://10.0.0.1:5000");
  unsetenv ("MOCKER_INSECURE_REGISTRIES");
  /* loopback where nothing listens (port 1): https stays, the pull reports it */
  _cleanup_free_ char *e = endpoint_of ("127.0.0.1:1/x", false);
  assert_string_equal (e, "https://127.0.0.1:1");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_classification),
    cmocka_unit_test (test_endpoints),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
