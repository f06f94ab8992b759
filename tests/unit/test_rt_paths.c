/* Paths inside a root (symlinks stay confined) and the executable lookup,
 * against a temporary directory tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/process/exec_lookup.h"
#include "mocker-runtime/mount/paths.h"

struct fixture
{
  char dir[64];     /* the temp dir */
  char *root;       /* dir/root: the container root */
  char *outside;    /* dir/outside: a "host" directory */
  int rootfd;
};

static void
write_file (const char *path, mode_t mode)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, "#!/bin/sh\n", 10), 10);
  close (fd);
  assert_int_equal (chmod (path, mode), 0);
}

static void
in_root (struct fixture *f, const char *rel, mode_t mode, bool dir)
{
  _cleanup_free_ char *p = path_join (f->root, rel);
  if (dir)
    {
      mk_error *err = NULL;
      assert_int_equal (mkdir_p (p, mode, &err), 0);
    }
  else
    write_file (p, mode);
}

static void
link_in_root (struct fixture *f, const char *target, const char *rel)
{
  _cleanup_free_ char *p = path_join (f->root, rel);
  assert_int_equal (symlink (target, p), 0);
}

static int
setup (void **state)
{
  struct fixture *f = xzalloc (sizeof *f);
  strcpy (f->dir, "/tmp/test_rt_paths.XXXXXX");
  assert_non_null (mkdtemp (f->dir));
  f->root = path_join (f->dir, "root");
  f->outside = path_join (f->dir, "outside");
  assert_int_equal (mkdir (f->root, 0755), 0);
  assert_int_equal (mkdir (f->outside, 0755), 0);
  f->rootfd = open (f->root, O_PATH | O_DIRECTORY);
  assert_true (f->rootfd >= 0);
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  close (f->rootfd);
  rm_rf_one_fs (f->dir, &err);
  mk_error_free (&err);
  free (f->root);
  free (f->outside);
  free (f);
  return 0;
}

static void
test_mkdir_p_creates_inside (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  int fd = root_mkdir_p (f->rootfd, "/a/b/c", 0755, &err);
  assert_true (fd >= 0);
  close (fd);
  _cleanup_free_ char *p = path_join (f->root, "a/b/c");
  assert_true (dir_exists (p));
}

static void
test_absolute_symlink_stays_inside (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  /* root/evil -> <outside> (absolute host path): must resolve to
   * root/<outside>, never to the real outside directory. */
  link_in_root (f, f->outside, "evil");
  int fd = root_mkdir_p (f->rootfd, "/evil/sub", 0755, &err);
  assert_true (fd >= 0);
  close (fd);
  _cleanup_free_ char *host = path_join (f->outside, "sub");
  assert_false (path_exists (host));
  _cleanup_free_ char *inside = xasprintf ("%s%s/sub", f->root, f->outside);
  assert_true (dir_exists (inside));
}

static void
test_dotdot_symlink_stays_inside (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  link_in_root (f, "../../../../outside", "up");
  int fd = root_mkmountpoint (f->rootfd, "/up/file", false, &err);
  assert_true (fd >= 0);
  close (fd);
  _cleanup_free_ char *host = path_join (f->outside, "file");
  assert_false (path_exists (host));
  _cleanup_free_ char *inside = path_join (f->root, "outside/file");
  assert_true (path_exists (inside));
  assert_false (dir_exists (inside)); /* a file mount point is a file */
}

static void
test_dangling_last_component_not_followed (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  /* A file mount point named by a dangling link to a host path: created
   * inside the root, not at the host path. */
  _cleanup_free_ char *target = path_join (f->outside, "created");
  link_in_root (f, target, "dangle");
  int fd = root_mkmountpoint (f->rootfd, "/dangle", false, &err);
  if (fd >= 0)
    close (fd);
  mk_error_free (&err);
  assert_false (path_exists (target));
}

static void
test_parent_split (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  char *name = NULL;
  int fd = root_open_parent (f->rootfd, "/dev/net/tun", &name, &err);
  assert_true (fd >= 0);
  assert_string_equal (name, "tun");
  free (name);
  close (fd);
  _cleanup_free_ char *p = path_join (f->root, "dev/net");
  assert_true (dir_exists (p));
  assert_int_equal (root_open_parent (f->rootfd, "/", &name, &err), -1);
  mk_error_free (&err);
}

static void
lookup_ok (struct fixture *f, const char *name, const char *path_env, const char *cwd,
           const char *expect)
{
  char *out = NULL;
  mk_error *err = NULL;
  int r = exec_lookup (f->rootfd, name, path_env, cwd, &out, &err);
  if (r < 0)
    fail_msg ("%s", err->msg);
  assert_string_equal (out, expect);
  free (out);
}

static void
lookup_fails (struct fixture *f, const char *name, const char *path_env, const char *msg)
{
  char *out = NULL;
  mk_error *err = NULL;
  assert_int_equal (exec_lookup (f->rootfd, name, path_env, "/", &out, &err), -1);
  assert_null (out);
  assert_string_equal (err->msg, msg);
  mk_error_free (&err);
}

static void
test_lookup (void **state)
{
  struct fixture *f = *state;
  in_root (f, "bin", 0755, true);
  in_root (f, "usr/bin", 0755, true);
  in_root (f, "opt/tools", 0755, true);
  in_root (f, "bin/sh", 0755, false);
  in_root (f, "usr/bin/both", 0755, false);
  in_root (f, "bin/both", 0755, false);
  in_root (f, "bin/data", 0644, false);
  in_root (f, "opt/tools/tool", 0700, false);
  in_root (f, "usr/bin/adir", 0755, true);

  lookup_ok (f, "sh", NULL, "/", "/bin/sh");
  /* PATH order decides: the default PATH has /usr/bin before /bin. */
  lookup_ok (f, "both", NULL, "/", "/usr/bin/both");
  lookup_ok (f, "both", "/bin:/usr/bin", "/", "/bin/both");
  lookup_ok (f, "tool", "/nope:/opt/tools", "/", "/opt/tools/tool");
  /* A name with '/' is used as is. */
  lookup_ok (f, "/bin/sh", NULL, "/", "/bin/sh");
  lookup_ok (f, "./sh", NULL, "/bin", "./sh");
  /* A non-executable match is skipped when a later one is executable. */
  in_root (f, "usr/bin/data2", 0644, false);
  in_root (f, "bin/data2", 0755, false);
  lookup_ok (f, "data2", NULL, "/", "/bin/data2");

  lookup_fails (f, "nothere", NULL, "exec: \"nothere\": executable file not found in $PATH");
  lookup_fails (f, "tool", NULL, "exec: \"tool\": executable file not found in $PATH");
  lookup_fails (f, "data", NULL, "exec: \"data\": Permission denied");
  lookup_fails (f, "/bin/data", NULL, "exec: \"/bin/data\": Permission denied");
  lookup_fails (f, "/bin/nope", NULL,
                "exec: \"/bin/nope\": stat /bin/nope: No such file or directory");
  lookup_fails (f, "/usr/bin/adir", NULL, "exec: \"/usr/bin/adir\": Is a directory");
}

static void
test_lookup_confined (void **state)
{
  struct fixture *f = *state;
  /* An executable outside the root, reached through a symlink in it: not found. */
  _cleanup_free_ char *host_exe = path_join (f->outside, "hostprog");
  write_file (host_exe, 0755);
  in_root (f, "bin", 0755, true);
  _cleanup_free_ char *up = xasprintf ("../../outside/hostprog");
  link_in_root (f, up, "bin/hostprog");
  lookup_fails (f, "hostprog", "/bin", "exec: \"hostprog\": executable file not found in $PATH");
}

static void
test_env_path (void **state)
{
  (void) state;
  char *env[] = { "HOME=/", "PATH=/a:/b", "X=1", NULL };
  assert_string_equal (exec_env_path (env), "/a:/b");
  char *none[] = { "HOME=/", NULL };
  assert_null (exec_env_path (none));
  assert_null (exec_env_path (NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_mkdir_p_creates_inside, setup, teardown),
    cmocka_unit_test_setup_teardown (test_absolute_symlink_stays_inside, setup, teardown),
    cmocka_unit_test_setup_teardown (test_dotdot_symlink_stays_inside, setup, teardown),
    cmocka_unit_test_setup_teardown (test_dangling_last_component_not_followed, setup, teardown),
    cmocka_unit_test_setup_teardown (test_parent_split, setup, teardown),
    cmocka_unit_test_setup_teardown (test_lookup, setup, teardown),
    cmocka_unit_test_setup_teardown (test_lookup_confined, setup, teardown),
    cmocka_unit_test (test_env_path),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
