/* Mount option parsing: flags, propagation, data for the file system. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/mount.h>

#include "common/util.h"
#include "mocker-runtime/mount/mount_options.h"

static void
parse_ok (char **opts, struct mount_options *o)
{
  mk_error *err = NULL;
  assert_int_equal (mount_options_parse (opts, o, &err), 0);
  assert_null (err);
}

static void
test_flags (void **state)
{
  (void) state;
  char *opts[] = { "ro", "nosuid", "nodev", "noexec", "relatime", NULL };
  struct mount_options o;
  parse_ok (opts, &o);
  assert_int_equal (o.flags, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME);
  assert_false (o.bind);
  assert_null (o.data);
  assert_int_equal (o.n_propagation, 0);
  mount_options_clear (&o);
}

static void
test_clearing_options (void **state)
{
  (void) state;
  char *opts[] = { "ro", "nosuid", "rw", "suid", "noexec", "exec", "sync", "async",
                   "mand", "nomand", "noatime", "atime", "relatime", "norelatime", NULL };
  struct mount_options o;
  parse_ok (opts, &o);
  assert_int_equal (o.flags, 0);
  mount_options_clear (&o);
}

static void
test_every_flag (void **state)
{
  (void) state;
  char *opts[] = { "strictatime", "dirsync", "remount", "nosymfollow", "defaults",
                   "tmpcopyup", NULL };
  struct mount_options o;
  parse_ok (opts, &o);
  assert_int_equal (o.flags, MS_STRICTATIME | MS_DIRSYNC | MS_REMOUNT | MS_NOSYMFOLLOW);
  assert_null (o.data); /* tmpcopyup and defaults are dropped, not passed on */
  mount_options_clear (&o);
}

static void
test_bind_and_rbind (void **state)
{
  (void) state;
  char *bind[] = { "bind", "ro", NULL };
  char *rbind[] = { "rbind", NULL };
  struct mount_options o;
  parse_ok (bind, &o);
  assert_true (o.bind);
  assert_int_equal (o.flags, MS_BIND | MS_RDONLY);
  mount_options_clear (&o);
  parse_ok (rbind, &o);
  assert_true (o.bind);
  assert_int_equal (o.flags, MS_BIND | MS_REC);
  mount_options_clear (&o);
}

static void
test_propagation_separate (void **state)
{
  (void) state;
  char *opts[] = { "rbind", "rprivate", "shared", "rslave", "unbindable", NULL };
  struct mount_options o;
  parse_ok (opts, &o);
  /* Never mixed into the mount call's flags. */
  assert_int_equal (o.flags, MS_BIND | MS_REC);
  assert_int_equal (o.n_propagation, 4);
  assert_int_equal (o.propagation[0], MS_PRIVATE | MS_REC);
  assert_int_equal (o.propagation[1], MS_SHARED);
  assert_int_equal (o.propagation[2], MS_SLAVE | MS_REC);
  assert_int_equal (o.propagation[3], MS_UNBINDABLE);
  mount_options_clear (&o);
}

static void
test_too_many_propagation (void **state)
{
  (void) state;
  char *opts[] = { "private", "shared", "slave", "rprivate", "rshared", NULL };
  struct mount_options o;
  mk_error *err = NULL;
  assert_int_equal (mount_options_parse (opts, &o, &err), -1);
  assert_non_null (err);
  assert_non_null (strstr (err->msg, "propagation"));
  mk_error_free (&err);
}

static void
test_data_passthrough (void **state)
{
  (void) state;
  char *opts[] = { "nosuid", "mode=755", "size=65536k", "newinstance", "", NULL };
  struct mount_options o;
  parse_ok (opts, &o);
  assert_int_equal (o.flags, MS_NOSUID);
  assert_string_equal (o.data, "mode=755,size=65536k,newinstance");
  mount_options_clear (&o);
}

static void
test_recursive_options (void **state)
{
  (void) state;
  char *opts[] = { "rbind", "rro", "rnosuid", "rnodev", "rexec", "rnoatime", NULL };
  struct mount_options o;
  parse_ok (opts, &o);
  /* Not mount(2) flags: they go to mount_setattr on the whole tree. */
  assert_int_equal (o.flags, MS_BIND | MS_REC);
  assert_int_equal (o.rec_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                   | MOUNT_ATTR_NOATIME);
  assert_int_equal (o.rec_clr, MOUNT_ATTR_NOEXEC | MOUNT_ATTR__ATIME);
  mount_options_clear (&o);

  char *flip[] = { "rro", "rrw", "rnoatime", "rstrictatime", NULL };
  parse_ok (flip, &o);
  assert_int_equal (o.rec_set, MOUNT_ATTR_STRICTATIME);
  assert_int_equal (o.rec_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME);
  mount_options_clear (&o);
}

static void
test_no_options (void **state)
{
  (void) state;
  struct mount_options o;
  parse_ok (NULL, &o);
  assert_int_equal (o.flags, 0);
  assert_null (o.data);
  mount_options_clear (&o);
}

static void
test_propagation_names (void **state)
{
  (void) state;
  assert_int_equal (mount_propagation_flag ("rprivate"), MS_PRIVATE | MS_REC);
  assert_int_equal (mount_propagation_flag ("runbindable"), MS_UNBINDABLE | MS_REC);
  assert_int_equal (mount_propagation_flag ("slave"), MS_SLAVE);
  assert_int_equal (mount_propagation_flag ("ro"), 0);
  assert_int_equal (mount_propagation_flag ("bogus"), 0);
  assert_int_equal (mount_propagation_flag (NULL), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_flags),
    cmocka_unit_test (test_clearing_options),
    cmocka_unit_test (test_every_flag),
    cmocka_unit_test (test_bind_and_rbind),
    cmocka_unit_test (test_propagation_separate),
    cmocka_unit_test (test_too_many_propagation),
    cmocka_unit_test (test_data_passthrough),
    cmocka_unit_test (test_recursive_options),
    cmocka_unit_test (test_no_options),
    cmocka_unit_test (test_propagation_names),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
