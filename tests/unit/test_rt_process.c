/* Capability names, rlimit names, sysctl keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/resource.h>
#include <linux/capability.h>

#include "common/util.h"
#include "mocker-runtime/kernel/caps.h"
#include "mocker-runtime/kernel/rlimits.h"
#include "mocker-runtime/kernel/sysctl.h"

static void
test_cap_names (void **state)
{
  (void) state;
  int v = -1;
  mk_error *err = NULL;
  assert_int_equal (caps_from_name ("CAP_CHOWN", &v, &err), 0);
  assert_int_equal (v, CAP_CHOWN);
  assert_int_equal (caps_from_name ("CAP_SYS_ADMIN", &v, &err), 0);
  assert_int_equal (v, CAP_SYS_ADMIN);
  assert_int_equal (caps_from_name ("CAP_NET_BIND_SERVICE", &v, &err), 0);
  assert_int_equal (v, CAP_NET_BIND_SERVICE);
  assert_null (err);
}

static void
test_cap_bad_names (void **state)
{
  (void) state;
  const char *bad[] = { "CAP_FOO", "CHOWN", "12", "CAP_", "all", "CAP_12", "", "CAP_CHOWN " };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      int v;
      mk_error *err = NULL;
      assert_int_equal (caps_from_name (bad[i], &v, &err), -1);
      assert_non_null (err);
      assert_non_null (strstr (err->msg, "unknown capability"));
      mk_error_free (&err);
    }
}

static void
test_cap_list_error_names_json_path (void **state)
{
  (void) state;
  char *names[] = { "CAP_CHOWN", "CAP_FOO", NULL };
  uint64_t mask;
  mk_error *err = NULL;
  assert_int_equal (caps_parse_list (names, "process.capabilities.bounding", &mask, &err), -1);
  assert_string_equal (err->msg, "process.capabilities.bounding: unknown capability \"CAP_FOO\"");
  mk_error_free (&err);
}

static void
test_cap_sets (void **state)
{
  (void) state;
  char *bnd[] = { "CAP_CHOWN", "CAP_KILL", NULL };
  char *eff[] = { "CAP_KILL", NULL };
  struct spec_capabilities c = { .bounding = bnd, .effective = eff, .permitted = eff };
  struct cap_sets s;
  mk_error *err = NULL;
  assert_int_equal (caps_parse (&c, &s, &err), 0);
  assert_int_equal (s.bounding, (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL));
  assert_int_equal (s.effective, 1ULL << CAP_KILL);
  assert_int_equal (s.permitted, 1ULL << CAP_KILL);
  assert_int_equal (s.inheritable, 0);
  assert_int_equal (s.ambient, 0);

  char *amb[] = { "CAP_NOPE", NULL };
  c.ambient = amb;
  assert_int_equal (caps_parse (&c, &s, &err), -1);
  assert_non_null (strstr (err->msg, "process.capabilities.ambient: "));
  mk_error_free (&err);
}

static void
test_rlimit_names (void **state)
{
  (void) state;
  assert_int_equal (rlimit_from_name ("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  assert_int_equal (rlimit_from_name ("RLIMIT_NPROC"), RLIMIT_NPROC);
  assert_int_equal (rlimit_from_name ("RLIMIT_CORE"), RLIMIT_CORE);
  assert_int_equal (rlimit_from_name ("RLIMIT_RTTIME"), RLIMIT_RTTIME);
  assert_int_equal (rlimit_from_name ("RLIMIT_AS"), RLIMIT_AS);
  assert_int_equal (rlimit_from_name ("NOFILE"), -1);
  assert_int_equal (rlimit_from_name ("rlimit_nofile"), -1);
  assert_int_equal (rlimit_from_name ("RLIMIT_FOO"), -1);
  assert_int_equal (rlimit_from_name (NULL), -1);
}

static void
test_rlimit_errors (void **state)
{
  (void) state;
  struct spec_rlimit bad_name[] = { { .type = "RLIMIT_NOFILE", .soft = 10, .hard = 10 },
                                    { .type = "RLIMIT_FOO", .soft = 1, .hard = 1 } };
  mk_error *err = NULL;
  struct rlimit before;
  getrlimit (RLIMIT_NOFILE, &before);
  assert_int_equal (rlimits_apply (bad_name, 2, &err), -1);
  assert_string_equal (err->msg, "process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"");
  mk_error_free (&err);
  /* Nothing was applied before the error was found. */
  struct rlimit after;
  getrlimit (RLIMIT_NOFILE, &after);
  assert_int_equal (before.rlim_cur, after.rlim_cur);

  struct spec_rlimit inverted[] = { { .type = "RLIMIT_CORE", .soft = 10, .hard = 5 } };
  assert_int_equal (rlimits_apply (inverted, 1, &err), -1);
  assert_non_null (strstr (err->msg, "soft limit above the hard limit"));
  mk_error_free (&err);
}

static void
test_sysctl_keys (void **state)
{
  (void) state;
  struct spec_namespace ns[] = { { .type = "network" }, { .type = "ipc" } };
  struct spec_linux l = { .namespaces = ns, .n_namespaces = 2 };
  struct spec s = { .linux_ = &l };
  mk_error *err = NULL;
  assert_int_equal (sysctl_check (&s, "net.ipv4.ip_forward", &err), 0);
  assert_int_equal (sysctl_check (&s, "kernel.shmmax", &err), 0);
  assert_int_equal (sysctl_check (&s, "fs.mqueue.msg_max", &err), 0);
  /* sysctl(8)'s slash form: '.' belongs to a name there. */
  assert_int_equal (sysctl_check (&s, "net/ipv4/conf/eth0.100/rp_filter", &err), 0);
  assert_null (err);
  assert_int_equal (sysctl_check (&s, "vm/swappiness", &err), -1);
  mk_error_free (&err);
  assert_int_equal (sysctl_check (&s, "net//x", &err), -1);
  mk_error_free (&err);

  assert_int_equal (sysctl_check (&s, "kernel.hostname", &err), -1); /* no uts ns */
  assert_non_null (strstr (err->msg, "needs a uts namespace"));
  mk_error_free (&err);
  assert_int_equal (sysctl_check (&s, "vm.swappiness", &err), -1);
  assert_non_null (strstr (err->msg, "not namespaced"));
  mk_error_free (&err);
  assert_int_equal (sysctl_check (&s, "net...x", &err), -1);
  mk_error_free (&err);
  assert_int_equal (sysctl_check (&s, "net/../../x", &err), -1);
  mk_error_free (&err);

  l.n_namespaces = 0;
  assert_int_equal (sysctl_check (&s, "net.ipv4.ip_forward", &err), -1);
  assert_string_equal (err->msg,
                       "linux.sysctl: \"net.ipv4.ip_forward\" needs a network namespace");
  mk_error_free (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_cap_names),
    cmocka_unit_test (test_cap_bad_names),
    cmocka_unit_test (test_cap_list_error_names_json_path),
    cmocka_unit_test (test_cap_sets),
    cmocka_unit_test (test_rlimit_names),
    cmocka_unit_test (test_rlimit_errors),
    cmocka_unit_test (test_sysctl_keys),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
