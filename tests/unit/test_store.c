/* mocker/store: names, chain ids, entry-name checks, blobs, staging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/layer_extract.h"
#include "mocker/store/image.h"
#include "mocker/store/refname.h"
#include "mocker/store/store.h"

static void
check_norm (const char *in, const char *want)
{
  mk_error *err = NULL;
  _cleanup_free_ char *out = NULL;
  if (store_ref_normalize (in, &out, &err) < 0)
    fail_msg ("normalize `%s`: %s", in, err->msg);
  assert_string_equal (out, want);
}

static void
check_bad (const char *in, const char *want_part)
{
  mk_error *err = NULL;
  _cleanup_free_ char *out = NULL;
  assert_int_equal (store_ref_normalize (in, &out, &err), -1);
  if (strstr (err->msg, want_part) == NULL)
    fail_msg ("`%s`: error `%s` lacks `%s`", in, err->msg, want_part);
  mk_error_free (&err);
}

#define HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void
test_normalize (void **state)
{
  (void) state;
  check_norm ("busybox", "docker.io/library/busybox:latest");
  check_norm ("busybox:1.36", "docker.io/library/busybox:1.36");
  check_norm ("user/app", "docker.io/user/app:latest");
  check_norm ("docker.io/busybox", "docker.io/library/busybox:latest");
  check_norm ("index.docker.io/library/busybox:x", "docker.io/library/busybox:x");
  check_norm ("localhost/app:1", "localhost/app:1");
  check_norm ("127.0.0.1:5000/a/b:tag", "127.0.0.1:5000/a/b:tag");
  check_norm ("quay.io/x/y", "quay.io/x/y:latest");
  check_norm ("busybox@sha256:" HEX, "docker.io/library/busybox@sha256:" HEX);
  check_norm ("busybox:1@sha256:" HEX, "docker.io/library/busybox@sha256:" HEX);
  check_norm ("a_b__c-d--e.f", "docker.io/library/a_b__c-d--e.f:latest");
  check_bad ("", "invalid reference \"");
  check_bad ("Busybox", "invalid reference \"");
  check_bad ("bad name", "invalid reference \"");
  check_bad ("a..b", "invalid reference \"");
  check_bad ("a___b", "invalid reference \"");
  check_bad ("x:", "invalid reference \"");
  check_bad ("x:-t", "invalid reference \"");
  check_bad ("x@sha256:abc", "invalid reference \"");
  check_bad (HEX, "invalid reference \"");
}

static void
test_familiar_and_split (void **state)
{
  (void) state;
  _cleanup_free_ char *a = store_ref_familiar ("docker.io/library/busybox:latest");
  assert_string_equal (a, "busybox:latest");
  _cleanup_free_ char *b = store_ref_familiar ("docker.io/user/app:1");
  assert_string_equal (b, "user/app:1");
  _cleanup_free_ char *c = store_ref_familiar ("localhost:5000/library/x:1");
  assert_string_equal (c, "localhost:5000/library/x:1");
  _cleanup_free_ char *d = store_ref_familiar ("docker.io/library/a/b:1");
  assert_string_equal (d, "library/a/b:1");

  _cleanup_free_ char *repo = NULL, *tag = NULL;
  store_ref_split ("localhost:5000/app:v1", &repo, &tag);
  assert_string_equal (repo, "localhost:5000/app");
  assert_string_equal (tag, "v1");
  _cleanup_free_ char *repo2 = NULL, *dig = NULL;
  store_ref_split ("busybox@sha256:" HEX, &repo2, &dig);
  assert_string_equal (repo2, "busybox");
  assert_string_equal (dig, "sha256:" HEX);
}

static void
test_chain_id (void **state)
{
  (void) state;
  const char *d0 = "sha256:" HEX;
  const char *d1 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  _cleanup_free_ char *c0 = store_chain_id (NULL, d0);
  assert_string_equal (c0, d0);
  _cleanup_free_ char *c1 = store_chain_id (c0, d1);
  _cleanup_free_ char *joined = xasprintf ("%s %s", d0, d1);
  _cleanup_free_ char *want = digest_bytes (joined, strlen (joined));
  assert_string_equal (c1, want);
}

static void
test_entry_names (void **state)
{
  (void) state;
  const char *why = NULL;
  assert_string_equal (layer_entry_name_check ("./a/b", &why), "a/b");
  assert_string_equal (layer_entry_name_check ("a/b", &why), "a/b");
  assert_string_equal (layer_entry_name_check ("a/..b/c..", &why), "a/..b/c..");
  assert_string_equal (layer_entry_name_check ("./", &why), "");
  assert_null (layer_entry_name_check ("../x", &why));
  assert_string_equal (why, "`..` in name");
  assert_null (layer_entry_name_check ("a/../../x", &why));
  assert_null (layer_entry_name_check ("a/..", &why));
  assert_null (layer_entry_name_check ("/etc/passwd", &why));
  assert_string_equal (why, "absolute name");
  assert_null (layer_entry_name_check ("", &why));
}

static void
test_blobs_and_staging (void **state)
{
  (void) state;
  char root[] = "/tmp/test_store.XXXXXX";
  assert_non_null (mkdtemp (root));
  mk_error *err = NULL;
  struct store *s = store_open (root, &err);
  assert_non_null (s);

  _cleanup_free_ char *d = NULL;
  assert_int_equal (store_blob_put (s, "abc", 3, NULL, &d, &err), 0);
  assert_string_equal (d, "sha256:" HEX);
  assert_true (store_blob_exists (s, d));
  long long size = 0;
  assert_int_equal (store_blob_verify (s, d, &size, &err), 0);
  assert_int_equal (size, 3);

  /* A mismatch is refused and leaves nothing behind. */
  struct blob_writer *w = store_blob_writer_new (s, &err);
  assert_non_null (w);
  assert_int_equal (blob_writer_write (w, "abd", 3, &err), 0);
  assert_int_equal (blob_writer_commit (w, "sha256:" HEX, -1, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "digest mismatch: expected sha256:" HEX));
  mk_error_free (&err);
  blob_writer_free (w);
  w = store_blob_writer_new (s, &err);
  assert_int_equal (blob_writer_write (w, "abc", 3, &err), 0);
  assert_int_equal (blob_writer_commit (w, NULL, 4, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "size 3, expected 4"));
  mk_error_free (&err);
  blob_writer_free (w);
  _cleanup_free_ char *tmp = store_path (s, "tmp");
  assert_int_equal (rmdir (tmp), 0); /* empty: the temp files went away */
  assert_int_equal (mkdir (tmp, 0700), 0);

  /* A corrupt blob is detected and removed. */
  _cleanup_free_ char *bp = store_blob_path (s, d);
  assert_int_equal (write_file_atomic (bp, "xyz", 3, 0644, false, &err), 0);
  assert_int_equal (store_blob_verify (s, d, NULL, &err), -1);
  assert_int_equal (mk_error_errno (err), ENOENT);
  mk_error_free (&err);
  assert_false (store_blob_exists (s, d));

  /* Staging directories are locked while owned. */
  _cleanup_free_ char *st = NULL;
  int lock = store_tmpdir_create (s, "t", &st, &err);
  assert_true (lock >= 0);
  assert_true (dir_exists (st));
  store_tmpdir_remove (st, lock);
  assert_false (dir_exists (st));

  store_close (s);
  assert_int_equal (rm_rf_one_fs (root, &err), 0);
}

/* An image config nested deeper than run and commit can embed is refused
 * when registered, naming the field; nothing is stored (issue 15). */
static void
test_register_refuses_deep_config (void **state)
{
  (void) state;
  char root[] = "/tmp/test_store.XXXXXX";
  assert_non_null (mkdtemp (root));
  mk_error *err = NULL;
  struct store *s = store_open (root, &err);
  assert_non_null (s);
  char deep[2 * 70 + 1];
  for (size_t i = 0; i < 70; i++)
    {
      deep[i] = '[';
      deep[2 * 70 - 1 - i] = ']';
    }
  deep[2 * 70] = '\0';
  _cleanup_free_ char *cfg = xasprintf (
    "{\"config\":{\"Labels\":{\"l\":%s}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", deep);
  struct store_image_new in = { .config = cfg, .config_len = strlen (cfg) };
  _cleanup_free_ char *id = NULL;
  assert_int_equal (store_image_register (s, &in, &id, &err), -1);
  assert_non_null (strstr (err->msg, "image config: `config.Labels.l"));
  assert_non_null (strstr (err->msg, "nested deeper than 64 levels"));
  mk_error_free (&err);
  assert_null (id);
  _cleanup_free_ char *images = store_path (s, "images");
  DIR *d = opendir (images);
  size_t n = 0;
  for (struct dirent *e; d && (e = readdir (d)) != NULL;)
    n += e->d_name[0] != '.';
  if (d)
    closedir (d);
  assert_int_equal (n, 0);
  store_close (s);
  assert_int_equal (rm_rf_one_fs (root, &err), 0);
}

/* -1: the file system has no inode flags (tmpfs) */
static int
inode_flags (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int flags = 0;
  if (fd < 0)
    return -1;
  int r = ioctl (fd, FS_IOC_GETFLAGS, &flags);
  close (fd);
  return r < 0 ? -1 : flags;
}

static void
set_inode_flags (const char *path, int flags)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (fd >= 0);
  assert_int_equal (ioctl (fd, FS_IOC_SETFLAGS, &flags), 0);
  close (fd);
}

/* tmp/ and containers/ spread their subdirectories over the file system
 * (FS_TOPDIR_FL, see store.c); a store made without it gets tmp/ marked at
 * its next staging directory. */
static void
test_spread_dirs (void **state)
{
  (void) state;
  char root[] = "/var/tmp/test_store.XXXXXX";
  assert_non_null (mkdtemp (root));
  if (inode_flags (root) < 0)
    {
      rmdir (root);
      skip ();
    }
  mk_error *err = NULL;
  struct store *s = store_open (root, &err);
  assert_non_null (s);
  _cleanup_free_ char *tmp = store_path (s, "tmp");
  _cleanup_free_ char *ctrs = store_path (s, "containers");
  _cleanup_free_ char *images = store_path (s, "images");
  assert_true (inode_flags (tmp) & FS_TOPDIR_FL);
  assert_true (inode_flags (ctrs) & FS_TOPDIR_FL);
  assert_false (inode_flags (images) & FS_TOPDIR_FL);

  set_inode_flags (tmp, inode_flags (tmp) & ~FS_TOPDIR_FL);
  _cleanup_free_ char *st = NULL;
  int lock = store_tmpdir_create (s, "t", &st, &err);
  assert_true (lock >= 0);
  assert_true (inode_flags (tmp) & FS_TOPDIR_FL);
  store_tmpdir_remove (st, lock);
  store_close (s);
  assert_int_equal (rm_rf_one_fs (root, &err), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_normalize),
    cmocka_unit_test (test_familiar_and_split),
    cmocka_unit_test (test_chain_id),
    cmocka_unit_test (test_entry_names),
    cmocka_unit_test (test_blobs_and_staging),
    cmocka_unit_test (test_register_refuses_deep_config),
    cmocka_unit_test (test_spread_dirs),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
