/* seccomp: name tables, filter compilation errors, and filters loaded in a
 * child process. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "mocker-runtime/seccomp/seccomp.h"
#include "mocker-runtime/seccomp/seccomp_internal.h"
#include "mocker-runtime/seccomp/seccomp_notify.h"
#include "mocker/bundle/seccomp_profile.h"

static void
test_actions (void **state)
{
  (void) state;
  uint32_t a;
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_ALLOW", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_ALLOW);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_ERRNO", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_ERRNO (EPERM));
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_ERRNO", true, 38, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_ERRNO (38));
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_KILL", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_KILL_THREAD);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_KILL_THREAD", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_KILL_THREAD);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_KILL_PROCESS", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_KILL_PROCESS);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_TRAP", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_TRAP);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_LOG", false, 0, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_LOG);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_TRACE", true, 7, "x", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_TRACE (7));

  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (seccomp_parse_action ("X", false, 0, "linux.seccomp.syscalls[2].action", &a, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.syscalls[2].action: unknown action \"X\"");
  mk_error_free (&e);
  assert_int_equal (seccomp_parse_action ("SCMP_ACT_NOTIFY", false, 0, "d", &a, NULL), 0);
  assert_int_equal (a, SCMP_ACT_NOTIFY);
  assert_int_equal (seccomp_parse_action (NULL, false, 0, "d", &a, &e), -1);
  assert_non_null (strstr (e->msg, "d: missing action"));
}

static void
test_ops_and_arches (void **state)
{
  (void) state;
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < ARRAY_SIZE (ops); i++)
    {
      enum scmp_compare op;
      assert_int_equal (seccomp_parse_op (ops[i].name, "x", &op, NULL), 0);
      assert_int_equal (op, ops[i].op);
    }
  enum scmp_compare op;
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (seccomp_parse_op ("SCMP_CMP_XX", "p", &op, &e), -1);
  assert_string_equal (e->msg, "p: unknown operator \"SCMP_CMP_XX\"");
  mk_error_free (&e);

  uint32_t arch;
  assert_int_equal (seccomp_parse_arch ("SCMP_ARCH_X86_64", "x", &arch, NULL), 0);
  assert_int_equal (arch, SCMP_ARCH_X86_64);
  assert_int_equal (seccomp_parse_arch ("SCMP_ARCH_AARCH64", "x", &arch, NULL), 0);
  assert_int_equal (arch, SCMP_ARCH_AARCH64);
  assert_int_equal (seccomp_parse_arch ("SCMP_ARCH_VAX", "linux.seccomp.architectures[1]", &arch, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\"");
}

static void
release (scmp_filter_ctx ctx)
{
  if (ctx)
    seccomp_release (ctx);
}

static void
test_build_errors (void **state)
{
  (void) state;
  scmp_filter_ctx ctx = NULL;
  _cleanup_error_ mk_error *e = NULL;

  char *mkdir_names[] = { (char *) "mkdir", (char *) "no_such_syscall_xyz", NULL };
  struct spec_seccomp_arg bad_op = { .index = 0, .value = 1, .op = (char *) "SCMP_CMP_XX" };
  struct spec_seccomp_arg bad_index = { .index = 6, .value = 1, .op = (char *) "SCMP_CMP_EQ" };
  struct spec_seccomp_syscall calls[3] = {
    { .names = mkdir_names, .action = (char *) "SCMP_ACT_ERRNO" },
    { .names = mkdir_names, .action = (char *) "SCMP_ACT_ALLOW" },
    { .names = mkdir_names, .action = (char *) "X" },
  };
  struct spec_seccomp s = { .default_action = (char *) "SCMP_ACT_ALLOW", .syscalls = calls,
                            .n_syscalls = 3 };
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.syscalls[2].action: unknown action \"X\"");
  mk_error_free (&e);

  /* Unknown syscall names are skipped; a rule equal to the default is dropped. */
  s.n_syscalls = 2;
  assert_int_equal (seccomp_build (&s, &ctx, NULL), 0);
  release (STEAL (ctx));

  calls[0].args = &bad_op;
  calls[0].n_args = 1;
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_XX\"");
  mk_error_free (&e);
  calls[0].args = &bad_index;
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_non_null (strstr (e->msg, "linux.seccomp.syscalls[0].args[0].index: 6 is not in 0..5"));
  mk_error_free (&e);
  calls[0].n_args = 0;

  s.default_action = (char *) "SCMP_ACT_NOPE";
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"");
  mk_error_free (&e);
  s.default_action = (char *) "SCMP_ACT_ALLOW";

  /* SCMP_ACT_NOTIFY: needs a listenerPath, never for sendmsg, never the default. */
  calls[0].action = (char *) "SCMP_ACT_NOTIFY";
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs "
                       "linux.seccomp.listenerPath");
  mk_error_free (&e);
  assert_false (seccomp_wants_listener (NULL));
  assert_true (seccomp_wants_listener (&s));
  s.listener_path = (char *) "/run/agent.sock";
  assert_int_equal (seccomp_build (&s, &ctx, NULL), 0);
  release (STEAL (ctx));
  char *sendmsg_names[] = { (char *) "sendmsg", NULL };
  calls[0].names = sendmsg_names;
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_non_null (strstr (e->msg, "SCMP_ACT_NOTIFY cannot be used for sendmsg"));
  mk_error_free (&e);
  calls[0].names = mkdir_names;
  calls[0].action = (char *) "SCMP_ACT_ERRNO";
  assert_false (seccomp_wants_listener (&s));
  s.default_action = (char *) "SCMP_ACT_NOTIFY";
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_non_null (strstr (e->msg, "SCMP_ACT_NOTIFY cannot be the default action"));
  mk_error_free (&e);
  s.default_action = (char *) "SCMP_ACT_ALLOW";
  s.listener_path = NULL;

  char *flags[] = { (char *) "SECCOMP_FILTER_FLAG_BOGUS", NULL };
  s.flags = flags;
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
  mk_error_free (&e);
  char *log_flag[] = { (char *) "SECCOMP_FILTER_FLAG_LOG", NULL };
  s.flags = log_flag;
  assert_int_equal (seccomp_build (&s, &ctx, NULL), 0);
  release (STEAL (ctx));

  char *archs[] = { (char *) "SCMP_ARCH_X86_64", (char *) "SCMP_ARCH_X86", (char *) "SCMP_ARCH_X32", NULL };
  s.architectures = archs;
  assert_int_equal (seccomp_build (&s, &ctx, NULL), 0);
  release (STEAL (ctx));
  char *bad_archs[] = { (char *) "SCMP_ARCH_X86_64", (char *) "x86", NULL };
  s.architectures = bad_archs;
  assert_int_equal (seccomp_build (&s, &ctx, &e), -1);
  assert_string_equal (e->msg, "linux.seccomp.architectures[1]: unknown architecture \"x86\"");
}

/* Loads s in a child (with no_new_privs) and runs probe there; returns the
 * child's exit status. */
static int
run_filtered (const struct spec_seccomp *s, int (*probe) (void))
{
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_apply (s, NULL) < 0)
        _exit (100);
      /* The raw syscall: sanitizers hook _exit (leak checks) with calls a
       * strict filter refuses. */
      syscall (SYS_exit_group, probe ());
      _exit (99);
    }
  int status;
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char probe_dir[] = "/tmp/mk-test-seccomp.XXXXXX";
static char probe_path[64]; /* made before fork: the probe must not allocate */

/* Exit code: the errno of mkdir, 0 when it worked. */
static int
probe_mkdir (void)
{
  return mkdir (probe_path, 0700) == 0 ? 0 : errno;
}

/* dup(100) normally fails with EBADF, dup(0) works: 1 = dup(0) worked. */
static int
probe_dup (void)
{
  if (dup (100) >= 0)
    return 90;
  int e = errno;
  if (dup (0) < 0)
    return 91;
  return e;
}

static void
test_load (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (probe_dir));
  snprintf (probe_path, sizeof probe_path, "%s/d", probe_dir);
  char *mkdir_names[] = { (char *) "mkdir", (char *) "mkdirat", NULL };
  struct spec_seccomp_syscall deny_mkdir = { .names = mkdir_names, .action = (char *) "SCMP_ACT_ERRNO" };
  struct spec_seccomp s = { .default_action = (char *) "SCMP_ACT_ALLOW", .syscalls = &deny_mkdir,
                            .n_syscalls = 1 };
  assert_int_equal (run_filtered (&s, probe_mkdir), EPERM);
  deny_mkdir.has_errno_ret = true;
  deny_mkdir.errno_ret = ENOSPC;
  assert_int_equal (run_filtered (&s, probe_mkdir), ENOSPC);
  /* Without the filter mkdir works (the probe can tell the difference). */
  assert_int_equal (run_filtered (NULL, probe_mkdir), 0);

  /* An argument condition: only dup(100) is refused, with errno 77. */
  char *dup_names[] = { (char *) "dup", NULL };
  struct spec_seccomp_arg eq100 = { .index = 0, .value = 100, .op = (char *) "SCMP_CMP_EQ" };
  struct spec_seccomp_syscall deny_dup = { .names = dup_names, .action = (char *) "SCMP_ACT_ERRNO",
                                           .has_errno_ret = true, .errno_ret = 77,
                                           .args = &eq100, .n_args = 1 };
  struct spec_seccomp d = { .default_action = (char *) "SCMP_ACT_ALLOW", .syscalls = &deny_dup,
                            .n_syscalls = 1 };
  assert_int_equal (run_filtered (&d, probe_dup), 77);
  assert_int_equal (run_filtered (NULL, probe_dup), EBADF);
  /* MASKED_EQ: (fd & 0xf0) == 0x60 matches 100 (0x64) but not 0. */
  eq100 = (struct spec_seccomp_arg) { .index = 0, .value = 0xf0, .has_value_two = true,
                                      .value_two = 0x60, .op = (char *) "SCMP_CMP_MASKED_EQ" };
  assert_int_equal (run_filtered (&d, probe_dup), 77);

  /* Default action errno with defaultErrnoRet: everything not allowed fails. */
  char *allow_names[] = { (char *) "exit_group", (char *) "exit", (char *) "dup",
#ifdef __SANITIZE_ADDRESS__
                          /* ASan's runtime maps memory and writes reports
                           * around intercepted calls. */
                          (char *) "mmap", (char *) "munmap", (char *) "mprotect",
                          (char *) "write", (char *) "madvise",
#endif
                          NULL };
  struct spec_seccomp_syscall allow = { .names = allow_names, .action = (char *) "SCMP_ACT_ALLOW" };
  struct spec_seccomp strict = { .default_action = (char *) "SCMP_ACT_ERRNO",
                                 .has_default_errno_ret = true, .default_errno_ret = EROFS,
                                 .syscalls = &allow, .n_syscalls = 1 };
  assert_int_equal (run_filtered (&strict, probe_mkdir), EROFS);
  rmdir (probe_path);
  assert_int_equal (rmdir (probe_dir), 0);
}

/* Every rule naming name: its action ("" when no rule names it). */
static const char *
profile_action (const struct spec_seccomp *s, const char *name)
{
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t j = 0; s->syscalls[i].names[j]; j++)
      if (strcmp (s->syscalls[i].names[j], name) == 0)
        return s->syscalls[i].action;
  return "";
}

/* Frees a profile through the spec that would hold it. */
static void
free_profile (struct spec_seccomp *s)
{
  struct spec *sp = xzalloc (sizeof *sp);
  sp->linux_ = xzalloc (sizeof *sp->linux_);
  sp->linux_->seccomp = s;
  spec_free (sp);
}

static void
test_default_profile (void **state)
{
  (void) state;
  char *none[] = { NULL };
  char *admin[] = { (char *) "CAP_CHOWN", (char *) "CAP_SYS_ADMIN", NULL };
  struct spec_seccomp *s = seccomp_default_profile (none);
  assert_string_equal (s->default_action, "SCMP_ACT_ERRNO");
  assert_true (s->has_default_errno_ret);
  assert_int_equal (s->default_errno_ret, EPERM);
  assert_string_equal (profile_action (s, "read"), "SCMP_ACT_ALLOW");
  assert_string_equal (profile_action (s, "mount"), "");
  assert_string_equal (profile_action (s, "io_uring_setup"), "");
  assert_string_equal (profile_action (s, "kexec_load"), "");
  assert_string_equal (profile_action (s, "clone3"), "SCMP_ACT_ERRNO");
  scmp_filter_ctx ctx = NULL;
  assert_int_equal (seccomp_build (s, &ctx, NULL), 0);
  release (ctx);
  free_profile (s);

  s = seccomp_default_profile (admin);
  assert_string_equal (profile_action (s, "mount"), "SCMP_ACT_ALLOW");
  assert_string_equal (profile_action (s, "clone3"), "SCMP_ACT_ALLOW");
  assert_string_equal (profile_action (s, "reboot"), "");
  ctx = NULL;
  assert_int_equal (seccomp_build (s, &ctx, NULL), 0);
  release (ctx);
  free_profile (s);
}

static void
test_notify_state_and_handover (void **state)
{
  (void) state;
  struct rt_state st = { .id = (char *) "c1", .pid = 42, .bundle = (char *) "/b",
                         .rootfs = (char *) "/b/rootfs", .created = (char *) "t",
                         .owner = (char *) "" };
  struct spec_seccomp s = { .listener_path = (char *) "/run/a.sock",
                            .listener_metadata = (char *) "m" };
  _cleanup_free_ char *json = seccomp_notify_state_json (&s, 43, &st, "running");
  assert_string_equal (json, "{\"ociVersion\":\"" RT_OCI_VERSION "\",\"fds\":[\"seccompFd\"],"
                       "\"pid\":43,\"metadata\":\"m\",\"state\":{\"ociVersion\":\""
                       RT_OCI_VERSION "\",\"id\":\"c1\",\"pid\":42,\"status\":\"running\","
                       "\"bundle\":\"/b\",\"rootfs\":\"/b/rootfs\",\"created\":\"t\","
                       "\"owner\":\"\",\"annotations\":{}}}");
  /* no metadata: the key is left out */
  s.listener_metadata = NULL;
  _cleanup_free_ char *bare = seccomp_notify_state_json (&s, 43, &st, "creating");
  assert_null (strstr (bare, "metadata"));

  /* the listener crosses a socketpair; end-of-file is "no listener" */
  int sp[2];
  assert_int_equal (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
  int fd = dup (0), got = -2;
  assert_int_equal (seccomp_notify_send_listener (sp[1], fd, NULL), 0);
  close (fd);
  assert_int_equal (seccomp_notify_recv_listener (sp[0], &got, NULL), 0);
  assert_true (got >= 0);
  close (got);
  close (sp[1]);
  assert_int_equal (seccomp_notify_recv_listener (sp[0], &got, NULL), 0);
  assert_int_equal (got, -1);
  close (sp[0]);

  /* nobody at listenerPath */
  _cleanup_error_ mk_error *e = NULL;
  s.listener_path = (char *) "/nonexistent/agent.sock";
  assert_int_equal (seccomp_notify_agent (&s, 0, 43, &st, "running", &e), -1);
  assert_non_null (strstr (e->msg, "linux.seccomp.listenerPath: connect to `/nonexistent/agent.sock`"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_actions),
    cmocka_unit_test (test_ops_and_arches),
    cmocka_unit_test (test_build_errors),
    cmocka_unit_test (test_load),
    cmocka_unit_test (test_default_profile),
    cmocka_unit_test (test_notify_state_and_handover),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
