/* mocker/store/layer_extract.c without the unpacker's chroot: the entries are
 * written relative to a scratch directory, so a symlink a layer makes points
 * at the real file system, and only the unpacker's own checks keep what is
 * outside the scratch directory unchanged. Needs root (owners, ACLs). */
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker/store/layer_extract.h"

/* A tar built by hand: libarchive's writer never gives a hardlink a size. */
struct tar
{
  char *buf;
  size_t len;
};

static void
tar_block (struct tar *t, const void *data, size_t len)
{
  size_t padded = (len + 511) / 512 * 512;
  t->buf = realloc (t->buf, t->len + padded);
  assert_non_null (t->buf);
  memset (t->buf + t->len, 0, padded);
  memcpy (t->buf + t->len, data, len);
  t->len += padded;
}

static void
tar_header (struct tar *t, const char *name, char type, const char *link, unsigned mode,
            size_t size)
{
  char h[512] = { 0 };
  snprintf (h, 100, "%s", name);
  snprintf (h + 100, 8, "%07o", mode);
  snprintf (h + 108, 8, "%07o", 0);
  snprintf (h + 116, 8, "%07o", 0);
  snprintf (h + 124, 12, "%011zo", size);
  snprintf (h + 136, 12, "%011o", 0);
  h[156] = type;
  if (link)
    snprintf (h + 157, 100, "%s", link);
  memcpy (h + 257, "ustar", 6);
  memcpy (h + 263, "00", 2);
  memset (h + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < sizeof h; i++)
    sum += (unsigned char) h[i];
  snprintf (h + 148, 8, "%06o", sum);
  tar_block (t, h, sizeof h);
}

/* A pax extended header holding one record. */
static void
tar_pax (struct tar *t, const char *key, const char *value)
{
  size_t body = strlen (key) + strlen (value) + 3; /* ' ', '=', '\n' */
  size_t n = body + 1;
  while (n != body + (size_t) snprintf (NULL, 0, "%zu", n))
    n = body + snprintf (NULL, 0, "%zu", n);
  _cleanup_free_ char *rec = xasprintf ("%zu %s=%s\n", n, key, value);
  assert_int_equal (strlen (rec), n);
  tar_header (t, "PaxHeader", 'x', NULL, 0644, n);
  tar_block (t, rec, n);
}

struct fixture
{
  char *top;
  char *outside; /* a file of the host, outside the layer */
  char *layer;   /* the scratch directory the layer is written to */
};

static int
setup (void **state)
{
  struct fixture *f = xzalloc (sizeof *f);
  f->top = xstrdup ("/tmp/test_layer_extract.XXXXXX");
  if (mkdtemp (f->top) == NULL)
    return -1;
  f->outside = path_join (f->top, "outside");
  f->layer = path_join (f->top, "layer");
  mk_error *err = NULL;
  if (write_file_atomic (f->outside, "original\n", 9, 0600, false, &err) < 0
      || mkdir (f->layer, 0755) < 0)
    return -1;
  *state = f;
  return 0;
}

static int
teardown (void **state)
{
  struct fixture *f = *state;
  mk_error *err = NULL;
  rm_rf_one_fs (f->top, &err);
  mk_error_free (&err);
  free (f->top);
  free (f->outside);
  free (f->layer);
  free (f);
  return 0;
}

/* Extracts the tar with f->layer as the current directory (no chroot). */
static int
extract (struct fixture *f, struct tar *t, mk_error **err)
{
  tar_block (t, (char[1024]){ 0 }, 1024);
  int fd = memfd_create ("layer", MFD_CLOEXEC);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, t->buf, t->len), (ssize_t) t->len);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  int here = open (".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true (here >= 0);
  assert_int_equal (chdir (f->layer), 0);
  struct layer_extract_result res;
  int r = layer_extract_stream (fd, &res, err);
  assert_int_equal (fchdir (here), 0);
  close (here);
  close (fd);
  free (t->buf);
  return r;
}

/* The host file kept its mode, its content and got no ACL. */
static void
assert_outside_unchanged (struct fixture *f)
{
  struct stat st;
  assert_int_equal (stat (f->outside, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);
  char acl[256];
  assert_int_equal (getxattr (f->outside, "system.posix_acl_access", acl, sizeof acl), -1);
  assert_int_equal (errno, ENODATA);
  _cleanup_free_ char *text = NULL;
  mk_error *err = NULL;
  assert_int_equal (read_file_at (AT_FDCWD, f->outside, 1024, &text, NULL, &err), 0);
  assert_string_equal (text, "original\n");
}

/* A hardlink to the layer's symlink: linked (the link is one more name of
 * the symlink, as link(2) makes it) but no metadata lands on the target. */
static void
assert_linked_to_symlink (struct fixture *f)
{
  _cleanup_free_ char *h = path_join (f->layer, "h");
  struct stat st;
  assert_int_equal (lstat (h, &st), 0);
  assert_true (S_ISLNK (st.st_mode));
}

static void
test_hardlink_to_symlink_mode (void **state)
{
  struct fixture *f = *state;
  struct tar t = { 0 };
  tar_header (&t, "s", '2', f->outside, 0777, 0);
  /* pax makes libarchive honour a hardlink's size (and data) */
  tar_pax (&t, "comment", "hardlink with data");
  tar_header (&t, "h", '1', "s", 0777, 5);
  tar_block (&t, "xxxxx", 5);
  mk_error *err = NULL;
  int r = extract (f, &t, &err);
  assert_outside_unchanged (f);
  assert_int_equal (r, 0);
  assert_linked_to_symlink (f);
}

static void
test_hardlink_to_symlink_acl (void **state)
{
  struct fixture *f = *state;
  struct tar t = { 0 };
  tar_header (&t, "s", '2', f->outside, 0777, 0);
  tar_pax (&t, "SCHILY.acl.access", "user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r--");
  tar_header (&t, "h", '1', "s", 0644, 5);
  tar_block (&t, "xxxxx", 5);
  mk_error *err = NULL;
  int r = extract (f, &t, &err);
  assert_outside_unchanged (f);
  assert_int_equal (r, 0);
  assert_linked_to_symlink (f);
}

/* The same through a second name: a hardlink to the hardlink of the link. */
static void
test_hardlink_chain_to_symlink (void **state)
{
  struct fixture *f = *state;
  struct tar t = { 0 };
  tar_header (&t, "s", '2', f->outside, 0777, 0);
  tar_header (&t, "h", '1', "s", 0777, 0);
  tar_pax (&t, "comment", "hardlink with data");
  tar_header (&t, "h2", '1', "h", 04777, 5);
  tar_block (&t, "xxxxx", 5);
  mk_error *err = NULL;
  int r = extract (f, &t, &err);
  assert_outside_unchanged (f);
  assert_int_equal (r, 0);
}

/* A hardlink with data to a regular file of the layer: the data is not
 * written into the file (what a hardlink's data is: ignored, as GNU tar
 * and Docker do), the file keeps its own content. */
static void
test_hardlink_data_ignored (void **state)
{
  struct fixture *f = *state;
  struct tar t = { 0 };
  tar_header (&t, "file", '0', NULL, 0644, 4);
  tar_block (&t, "abc\n", 4);
  tar_pax (&t, "comment", "hardlink with data");
  tar_header (&t, "h", '1', "file", 0600, 5);
  tar_block (&t, "xxxxx", 5);
  tar_header (&t, "after", '0', NULL, 0644, 3);
  tar_block (&t, "ok\n", 3);
  mk_error *err = NULL;
  assert_int_equal (extract (f, &t, &err), 0);
  _cleanup_free_ char *after = path_join (f->layer, "after");
  _cleanup_free_ char *after_text = NULL;
  assert_int_equal (read_file_at (AT_FDCWD, after, 1024, &after_text, NULL, &err), 0);
  assert_string_equal (after_text, "ok\n");
  _cleanup_free_ char *h = path_join (f->layer, "h");
  _cleanup_free_ char *text = NULL;
  assert_int_equal (read_file_at (AT_FDCWD, h, 1024, &text, NULL, &err), 0);
  assert_string_equal (text, "abc\n");
  struct stat st;
  assert_int_equal (stat (h, &st), 0);
  assert_int_equal (st.st_nlink, 2);
}

int
main (void)
{
  if (geteuid () != 0)
    {
      printf ("1..0 # SKIP test_layer_extract needs root\n");
      return 0;
    }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_hardlink_to_symlink_mode, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hardlink_to_symlink_acl, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hardlink_chain_to_symlink, setup, teardown),
    cmocka_unit_test_setup_teardown (test_hardlink_data_ignored, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
