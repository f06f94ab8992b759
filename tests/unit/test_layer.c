/* mocker/store layers: pack a directory, unpack it in the confined child,
 * and the overlay whiteout round trip `commit` relies on. Needs root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/layer.h"
#include "mocker/store/layer_blob.h"
#include "mocker/store/store.h"

struct fixture
{
  char *top;
  struct store *store;
};

static int
setup (void **state)
{
  struct fixture *f = xzalloc (sizeof *f);
  f->top = xstrdup ("/tmp/test_layer.XXXXXX");
  if (mkdtemp (f->top) == NULL)
    return -1;
  _cleanup_free_ char *root = path_join (f->top, "root");
  mk_error *err = NULL;
  f->store = store_open (root, &err);
  if (f->store == NULL)
    return -1;
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  store_close (f->store);
  rm_rf_one_fs (f->top, &err);
  mk_error_free (&err);
  free (f->top);
  free (f);
  return 0;
}

static void
write_text (const char *dir, const char *name, const char *text)
{
  _cleanup_free_ char *p = path_join (dir, name);
  mk_error *err = NULL;
  assert_int_equal (write_file_atomic (p, text, strlen (text), 0644, false, &err), 0);
}

/* A tree as an overlay upper dir looks after a container changed things. */
static char *
make_upper (const char *top)
{
  char *up = path_join (top, "upper");
  mk_error *err = NULL;
  _cleanup_free_ char *sub = path_join (up, "etc/opq");
  assert_int_equal (mkdir_p (sub, 0755, &err), 0);
  write_text (up, "etc/new", "new\n");
  write_text (up, "etc/opq/kept", "kept\n");
  _cleanup_free_ char *wh = path_join (up, "etc/deleted");
  assert_int_equal (mknod (wh, S_IFCHR | 0600, makedev (0, 0)), 0);
  assert_int_equal (setxattr (sub, "trusted.overlay.opaque", "y", 1, 0), 0);
  _cleanup_free_ char *other = path_join (up, "etc/new");
  assert_int_equal (setxattr (other, "trusted.overlay.origin", "zz", 2, 0), 0);
  return up;
}

static void
test_commit_round_trip (void **state)
{
  struct fixture *f = *state;
  _cleanup_free_ char *up = make_upper (f->top);
  mk_error *err = NULL;
  struct layer_pack_opts opts = { .overlay_whiteouts = true };
  const char *parent = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  struct layer_created lc = { 0 };
  if (layer_create_from_dir (f->store, up, parent, LAYER_COMPRESSION_NONE, &opts, &lc, &err) < 0)
    fail_msg ("create: %s", err->msg);
  /* plain tar: the blob is the tar, its digest the diff_id */
  assert_string_equal (lc.digest, lc.diff_id);
  assert_string_equal (lc.media_type, "application/vnd.oci.image.layer.v1.tar");
  _cleanup_free_ char *chain = store_chain_id (parent, lc.diff_id);
  assert_string_equal (lc.chain_id, chain);
  assert_true (store_layer_exists (f->store, chain));
  assert_int_equal (lc.size, strlen ("new\n") + strlen ("kept\n"));

  struct store_layer_info info = { 0 };
  assert_int_equal (store_layer_load (f->store, chain, &info, &err), 0);
  assert_string_equal (info.diff_id, lc.diff_id);
  assert_string_equal (info.parent, parent);
  store_layer_info_clear (&info);

  /* the tar holds .wh. entries; unpacked, they are overlay whiteouts again */
  _cleanup_free_ char *diff = store_layer_diff_dir (f->store, chain);
  _cleanup_free_ char *wh = path_join (diff, "etc/deleted");
  struct stat st;
  assert_int_equal (lstat (wh, &st), 0);
  assert_true (S_ISCHR (st.st_mode) && st.st_rdev == makedev (0, 0));
  _cleanup_free_ char *opq = path_join (diff, "etc/opq");
  char v[4] = "";
  assert_int_equal (getxattr (opq, "trusted.overlay.opaque", v, sizeof v), 1);
  assert_int_equal (v[0], 'y');
  _cleanup_free_ char *nw = path_join (diff, "etc/new");
  assert_int_equal (getxattr (nw, "trusted.overlay.origin", v, sizeof v), -1);
  _cleanup_free_ char *marker = path_join (diff, "etc/opq/.wh..wh..opq");
  assert_false (path_exists (marker));

  /* the blob: the tar with the Docker whiteout names */
  _cleanup_free_ char *blob = NULL;
  size_t len = 0;
  assert_int_equal (store_blob_read (f->store, lc.digest, &blob, &len, &err), 0);
  assert_true (len % 512 == 0);
  assert_non_null (memmem (blob, len, "etc/.wh.deleted", 15));
  assert_non_null (memmem (blob, len, "etc/opq/.wh..wh..opq", 20));
  /* layer.json records the tar's length (save streams a layer with it) */
  struct store_layer_info again = { 0 };
  assert_int_equal (store_layer_load (f->store, chain, &again, &err), 0);
  assert_int_equal (again.tar_size, (long long) len);
  store_layer_info_clear (&again);
  layer_created_clear (&lc);
}

static void
test_same_tree_same_layer (void **state)
{
  struct fixture *f = *state;
  _cleanup_free_ char *up = make_upper (f->top);
  mk_error *err = NULL;
  struct layer_created a = { 0 }, b = { 0 };
  assert_int_equal (layer_create_from_dir (f->store, up, NULL, LAYER_COMPRESSION_GZIP, NULL, &a, &err), 0);
  assert_int_equal (layer_create_from_dir (f->store, up, NULL, LAYER_COMPRESSION_GZIP, NULL, &b, &err), 0);
  assert_string_equal (a.diff_id, b.diff_id);
  assert_string_equal (a.digest, b.digest); /* gzip without timestamp */
  assert_string_equal (a.media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  assert_true (a.blob_size > 0);
  /* without overlay conversion, the 0/0 device is just a device */
  _cleanup_free_ char *diff = store_layer_diff_dir (f->store, a.chain_id);
  _cleanup_free_ char *wh = path_join (diff, "etc/deleted");
  struct stat st;
  assert_int_equal (lstat (wh, &st), 0);
  assert_true (S_ISCHR (st.st_mode));
  layer_created_clear (&a);
  layer_created_clear (&b);
}

static void
test_no_blob (void **state)
{
  struct fixture *f = *state;
  _cleanup_free_ char *up = make_upper (f->top);
  mk_error *err = NULL;
  struct layer_pack_opts opts = { .overlay_whiteouts = true };
  struct layer_created lc = { 0 };
  assert_int_equal (layer_create_from_dir (f->store, up, NULL, LAYER_COMPRESSION_NO_BLOB, &opts,
                                           &lc, &err), 0);
  assert_null (lc.digest);
  assert_true (lc.blob_size > 0 && lc.blob_size % 512 == 0);
  assert_true (store_layer_exists (f->store, lc.chain_id));
  _cleanup_free_ char *blobs = store_path (f->store, "blobs/sha256");
  assert_int_equal (rmdir (blobs), 0); /* nothing was stored */
  assert_int_equal (mkdir (blobs, 0700), 0);
  /* same tree, plain blob: same diff_id, and the blob is that tar */
  struct layer_created plain = { 0 };
  assert_int_equal (layer_create_from_dir (f->store, up, NULL, LAYER_COMPRESSION_NONE, &opts,
                                           &plain, &err), 0);
  assert_string_equal (plain.diff_id, lc.diff_id);
  assert_string_equal (plain.digest, lc.diff_id);
  assert_int_equal (plain.blob_size, lc.blob_size);
  layer_created_clear (&lc);
  layer_created_clear (&plain);
}

static void
test_unpack_stream_and_mismatch (void **state)
{
  struct fixture *f = *state;
  /* an empty tar: two zero blocks */
  char tar[1024] = { 0 };
  _cleanup_free_ char *diff_id = digest_bytes (tar, sizeof tar);
  mk_error *err = NULL;
  struct layer_unpack *u = layer_unpack_begin (f->store, &err);
  assert_non_null (u);
  assert_int_equal (layer_unpack_write (u, tar, 100, &err), 0);
  assert_int_equal (layer_unpack_write (u, tar + 100, sizeof tar - 100, &err), 0);
  const char *wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
  assert_int_equal (layer_unpack_finish (u, NULL, wrong, NULL, NULL, NULL, NULL, &err), -1);
  assert_non_null (strstr (err->msg, "layer diff_id mismatch: expected sha256:0000"));
  assert_non_null (strstr (err->msg, diff_id));
  mk_error_free (&err);
  layer_unpack_free (u);
  assert_false (store_layer_exists (f->store, wrong));
  assert_false (store_layer_exists (f->store, diff_id));

  u = layer_unpack_begin (f->store, &err);
  assert_int_equal (layer_unpack_write (u, tar, sizeof tar, &err), 0);
  _cleanup_free_ char *got = NULL, *chain = NULL, *input = NULL;
  long long size = -1;
  assert_int_equal (layer_unpack_finish (u, NULL, diff_id, &got, &chain, &input, &size, &err), 0);
  layer_unpack_free (u);
  assert_string_equal (got, diff_id);
  assert_string_equal (chain, diff_id);
  assert_string_equal (input, diff_id);
  assert_int_equal (size, 0);
  assert_true (store_layer_exists (f->store, diff_id));

  /* abandoned midway: nothing published, staging removed */
  u = layer_unpack_begin (f->store, &err);
  assert_int_equal (layer_unpack_write (u, tar, 10, &err), 0);
  layer_unpack_free (u);
  _cleanup_free_ char *tmp = store_path (f->store, "tmp");
  assert_int_equal (rmdir (tmp), 0);
  assert_int_equal (mkdir (tmp, 0700), 0);
}

/* A committed layer (no blob kept) is packed again at push: the tree its
 * unpack made must give back the same tar, whiteouts made long after the
 * files were deleted included. */
static void
test_commit_then_blob_reproduces (void **state)
{
  struct fixture *f = *state;
  _cleanup_free_ char *up = make_upper (f->top);
  _cleanup_free_ char *wh = path_join (up, "etc/deleted");
  _cleanup_free_ char *etc = path_join (up, "etc");
  const struct timespec old[2] = { { 1600000000, 123 }, { 1600000000, 123 } };
  assert_int_equal (utimensat (AT_FDCWD, wh, old, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (utimensat (AT_FDCWD, etc, old, 0), 0);
  mk_error *err = NULL;
  struct layer_pack_opts opts = { .overlay_whiteouts = true };
  struct layer_created lc = { 0 };
  assert_int_equal (layer_create_from_dir (f->store, up, NULL, LAYER_COMPRESSION_NO_BLOB, &opts,
                                           &lc, &err), 0);
  _cleanup_free_ char *diff = store_layer_diff_dir (f->store, lc.chain_id);
  _cleanup_free_ char *got_wh = path_join (diff, "etc/deleted");
  struct stat st;
  assert_int_equal (lstat (got_wh, &st), 0);
  assert_int_equal (st.st_mtim.tv_sec, 1600000000);
  _cleanup_free_ char *digest = NULL;
  long long size = 0;
  if (store_layer_blob_make (f->store, lc.chain_id, lc.diff_id, &digest, &size, &err) < 0)
    fail_msg ("blob: %s", err->msg);
  assert_non_null (digest);
  assert_true (size > 0);
  layer_created_clear (&lc);
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("1..0 # SKIP test_layer needs root\n");
      return 0;
    }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_commit_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown (test_same_tree_same_layer, setup, teardown),
    cmocka_unit_test_setup_teardown (test_no_blob, setup, teardown),
    cmocka_unit_test_setup_teardown (test_unpack_stream_and_mismatch, setup, teardown),
    cmocka_unit_test_setup_teardown (test_commit_then_blob_reproduces, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
