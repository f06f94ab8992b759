/* mocker/network/dns_opts.c (--dns*, --add-host in the /etc files) and
 * mocker/bundle/bundle_seccomp_file.c (a Docker-format seccomp profile). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/bundle/bundle.h"
#include "mocker/network/internal.h"

static const char host[] = "# generated\n"
                           "domain corp.example\n"
                           "nameserver 192.0.2.1\n"
                           "nameserver 192.0.2.2 # second\n"
                           "options edns0 trust-ad\n";

static void
test_resolv_none_given (void **state)
{
  (void) state;
  _cleanup_free_ char *same = resolv_apply_opts (host, NULL, NULL, NULL);
  assert_string_equal (same, host);
}

static void
test_resolv_each_kind_replaces_its_lines (void **state)
{
  (void) state;
  char *dns[] = { "198.51.100.1", NULL }, *search[] = { "a.example", "b.example", NULL },
       *opts[] = { "ndots:3", NULL }, *dot[] = { ".", NULL };
  _cleanup_free_ char *all = resolv_apply_opts (host, dns, search, opts);
  assert_string_equal (all, "search a.example b.example\nnameserver 198.51.100.1\noptions ndots:3\n");
  /* Only --dns: the host's domain (as search) and options stay. */
  _cleanup_free_ char *ns = resolv_apply_opts (host, dns, NULL, NULL);
  assert_string_equal (ns, "search corp.example\nnameserver 198.51.100.1\noptions edns0 trust-ad\n");
  /* Only --dns-option: the host's nameservers stay (the comment does not). */
  _cleanup_free_ char *o = resolv_apply_opts (host, NULL, NULL, opts);
  assert_string_equal (o, "search corp.example\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n"
                          "options ndots:3\n");
  /* --dns-search . : no search line at all. */
  _cleanup_free_ char *nos = resolv_apply_opts (host, dns, dot, NULL);
  assert_string_equal (nos, "nameserver 198.51.100.1\noptions edns0 trust-ad\n");
}

static void
test_hosts_extra (void **state)
{
  (void) state;
  char *extra[] = { "db:192.0.2.7", "v6:2001:db8::1", NULL };
  _cleanup_free_ char *h = hosts_render_extra ("abc123", "web", "10.89.0.2", extra);
  assert_true (str_has_suffix (h, "ff02::2\tip6-allrouters\n192.0.2.7\tdb\n2001:db8::1\tv6\n"
                                  "10.89.0.2\tabc123 web\n"));
  _cleanup_free_ char *none = hosts_render_extra ("abc123", NULL, NULL, extra);
  assert_true (str_has_suffix (none, "192.0.2.7\tdb\n2001:db8::1\tv6\n"));
  char *text = xstrdup ("127.0.0.1 localhost"); /* no final newline */
  hosts_append_extra (&text, extra);
  assert_string_equal (text, "127.0.0.1 localhost\n192.0.2.7\tdb\n2001:db8::1\tv6\n");
  free (text);
}

static char *
profile (const char *json)
{
  char tmpl[] = "/tmp/mocker-test-seccomp-XXXXXX";
  int fd = mkstemp (tmpl);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, json, strlen (json)), (ssize_t) strlen (json));
  close (fd);
  return xstrdup (tmpl);
}

static void
test_seccomp_file (void **state)
{
  (void) state;
  _cleanup_free_ char *p = profile (
      "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
      " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]},"
      "               {\"architecture\": \"SCMP_ARCH_AARCH64\", \"subArchitectures\": [\"SCMP_ARCH_ARM\"]}],"
      " \"syscalls\": ["
      "  {\"names\": [\"read\", \"write\"], \"action\": \"SCMP_ACT_ALLOW\"},"
      "  {\"name\": \"ptrace\", \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_PTRACE\"]}},"
      "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": [\"CAP_CHOWN\"]}},"
      "  {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\","
      "   \"args\": [{\"index\": 0, \"value\": 18446744073709551615, \"valueTwo\": 0, \"op\": \"SCMP_CMP_EQ\"}]}"
      " ]}");
  char *caps[] = { "CAP_CHOWN", NULL };
  struct spec_seccomp *s = NULL;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (bundle_seccomp_from_file (p, caps, &s, &err), 0);
  unlink (p);
  assert_string_equal (s->default_action, "SCMP_ACT_ERRNO");
  assert_true (s->has_default_errno_ret);
#if defined(__x86_64__)
  assert_string_equal (s->architectures[0], "SCMP_ARCH_X86_64");
  assert_string_equal (s->architectures[1], "SCMP_ARCH_X86");
  assert_null (s->architectures[2]);
#endif
  /* ptrace needs CAP_SYS_PTRACE, mount is excluded with CAP_CHOWN. */
  assert_int_equal (s->n_syscalls, 2);
  assert_string_equal (s->syscalls[0].names[1], "write");
  assert_string_equal (s->syscalls[1].names[0], "personality");
  assert_int_equal (s->syscalls[1].n_args, 1);
  assert_true (s->syscalls[1].args[0].value == UINT64_MAX);
  assert_true (s->syscalls[1].args[0].has_value_two);
  /* Freed the usual way, inside a spec. */
  struct spec *holder = xzalloc (sizeof *holder);
  holder->linux_ = xzalloc (sizeof *holder->linux_);
  holder->linux_->seccomp = s;
  spec_free (holder);
}

static void
test_seccomp_file_errors (void **state)
{
  (void) state;
  static const struct { const char *json, *msg; } cases[] = {
    { "[]", "(top): not an object" },
    { "{\"syscalls\": []}", ".defaultAction: missing" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", ".syscalls: not an array" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [1], \"action\": \"X\"}]}",
      ".syscalls[0].names[0]: not a string" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
      ".syscalls[0].action: missing" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"X\","
      " \"args\": [{\"index\": 6, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}",
      ".syscalls[0].args[0].index: missing or not 0 to 5" },
    { "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": -1}",
      ".defaultErrnoRet: not an unsigned integer" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *p = profile (cases[i].json);
      struct spec_seccomp *s = NULL;
      _cleanup_error_ mk_error *err = NULL;
      assert_int_equal (bundle_seccomp_from_file (p, NULL, &s, &err), -1);
      unlink (p);
      assert_null (s);
      assert_non_null (strstr (err->msg, cases[i].msg));
      assert_non_null (strstr (err->msg, p));
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_resolv_none_given),
    cmocka_unit_test (test_resolv_each_kind_replaces_its_lines),
    cmocka_unit_test (test_hosts_extra),
    cmocka_unit_test (test_seccomp_file),
    cmocka_unit_test (test_seccomp_file_errors),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
