/* The shared helpers in common/: errors, JSON, files, strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/duration.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/lock.h"
#include "common/log.h"
#include "common/util.h"

/* A fresh temp directory (heap path). */
static char *
make_temp_dir (void)
{
  char *dir = xstrdup ("/tmp/test_common.XXXXXX");
  assert_non_null (mkdtemp (dir));
  return dir;
}

static int
count_entries (const char *dir)
{
  DIR *d = opendir (dir);
  assert_non_null (d);
  int n = 0;
  struct dirent *de;
  while ((de = readdir (d)))
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      n++;
  closedir (d);
  return n;
}

static void
expect_parse_error (const char *text, size_t len, const char *message)
{
  _cleanup_error_ mk_error *err = NULL;
  yajl_val v = NULL;
  assert_int_equal (json_parse (text, len, "t.json", &v, &err), -1);
  assert_null (v);
  assert_string_equal (err->msg, message);
  assert_int_equal (mk_error_errno (err), 0);
}

static void
test_json_parse_errors (void **state)
{
  (void) state;
  expect_parse_error ("", 0, "t.json: invalid JSON at line 1, column 1: empty input");
  expect_parse_error ("{", 1, "t.json: invalid JSON at line 1, column 2: premature EOF");
  expect_parse_error ("{\"a\" 1}", 7,
                      "t.json: invalid JSON at line 1, column 6: object key and value must be "
                      "separated by a colon (':')");
  const char *multi = "{\n  \"a\": 1,\n  \"b\": @\n}";
  expect_parse_error (multi, strlen (multi),
                      "t.json: invalid JSON at line 3, column 8: lexical error: invalid char in "
                      "json text.");
  expect_parse_error ("[1,]", 4,
                      "t.json: invalid JSON at line 1, column 4: unallowed token at this point in "
                      "JSON text");
  expect_parse_error ("{} x", 4, "t.json: invalid JSON at line 1, column 4: trailing garbage");
  expect_parse_error ("{\"a\":\0}", 7, "t.json: invalid JSON: contains a NUL byte");
  const char *nul = "[\"ok\\\\u0000\",\n \"/a\\u0000b\"]";
  expect_parse_error (nul, strlen (nul),
                      "t.json: invalid JSON at line 2, column 5: a string contains \\u0000");
  /* Other escapes are fine. */
  const char *esc = "[\"\\u0041\\n\\\\\"]";
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (esc, strlen (esc), "t.json", &v, &err), 0);
  assert_string_equal (v->u.array.values[0]->u.string, "A\n\\");
}

static void
test_json_parse_depth (void **state)
{
  (void) state;
  /* At the limit is fine; one deeper is refused before yajl sees it. */
  for (size_t depth = 1000; depth <= 1001; depth++)
    {
      _cleanup_free_ char *text = xmalloc (2 * depth + 1);
      memset (text, '[', depth);
      memset (text + depth, ']', depth);
      text[2 * depth] = '\0';
      _cleanup_error_ mk_error *err = NULL;
      _cleanup_json_ yajl_val v = NULL;
      int r = json_parse (text, 2 * depth, "t.json", &v, &err);
      if (depth == 1000)
        assert_int_equal (r, 0);
      else
        assert_string_equal (err->msg,
                             "t.json: invalid JSON at line 1, column 1001: nested deeper than 1000");
    }
  /* Brackets inside strings do not count. */
  _cleanup_free_ char *str = xmalloc (5000);
  str[0] = '"';
  memset (str + 1, '[', 4000);
  strcpy (str + 4001, "\\\"\"");
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (str, strlen (str), "t.json", &v, &err), 0);
  assert_true (YAJL_IS_STRING (v));
  assert_int_equal (strlen (v->u.string), 4001);
}

static void
test_json_lookups_and_generator (void **state)
{
  (void) state;
  const char *text = "{\"s\":\"x\",\"n\":18446744073709551615,\"o\":{},\"a\":[true,null]}";
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (text, strlen (text), "t", &v, &err), 0);
  assert_string_equal (json_get_str (v, "s"), "x");
  assert_null (json_get_str (v, "n"));
  assert_null (json_get (v, "missing"));
  assert_null (json_get (json_get (v, "a"), "x"));
  assert_string_equal (json_type_name (json_get (v, "n")), "a number");
  assert_string_equal (json_type_name (json_get (v, "o")), "an object");
  assert_string_equal (json_type_name (json_get (v, "a")), "an array");
  assert_string_equal (json_type_name (json_get (v, "s")), "a string");
  assert_string_equal (json_type_name (json_get (v, "a")->u.array.values[0]), "a boolean");
  assert_string_equal (json_type_name (json_get (v, "a")->u.array.values[1]), "null");
  assert_string_equal (json_type_name (NULL), "nothing");

  /* json_tree re-emits the same text, big numbers included. */
  json_gen *g = json_gen_new (false);
  json_tree (g, v);
  size_t len;
  _cleanup_free_ char *out = json_gen_finish (g, &len);
  assert_string_equal (out, text);
  assert_int_equal (len, strlen (text));

  g = json_gen_new (false);
  json_obj_open (g);
  json_key (g, "u");
  json_uint (g, UINT64_MAX);
  json_kv_int (g, "i", -5);
  json_kv_bool (g, "b", false);
  json_kv_str (g, "skipped", NULL);
  json_kv_str (g, "esc", "a\"b\\c\n");
  json_key (g, "arr");
  json_arr_open (g);
  json_null (g);
  json_arr_close (g);
  json_obj_close (g);
  _cleanup_free_ char *gen = json_gen_finish (g, NULL);
  assert_string_equal (gen, "{\"u\":18446744073709551615,\"i\":-5,\"b\":false,"
                            "\"esc\":\"a\\\"b\\\\c\\n\",\"arr\":[null]}");
}

static void
test_json_parse_file (void **state)
{
  (void) state;
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *path = path_join (dir, "x.json");
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (write_file_atomic (path, "[1", 2, 0600, false, &err), 0);
  yajl_val v = NULL;
  assert_int_equal (json_parse_file (path, &v, &err), -1);
  _cleanup_free_ char *expected = xasprintf ("%s: invalid JSON at line 1, column 3: premature EOF",
                                             path);
  assert_string_equal (err->msg, expected);
  unlink (path);
  rmdir (dir);
}

static void
test_error_set_and_wrap (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (mk_error_set (&err, ENOENT, "open `%s`", "/x"), -1);
  assert_string_equal (err->msg, "open `/x`: No such file or directory");
  assert_int_equal (mk_error_errno (err), ENOENT);
  /* The first error wins: a second set does not overwrite it. */
  assert_int_equal (mk_error_set (&err, EPERM, "other"), -1);
  assert_string_equal (err->msg, "open `/x`: No such file or directory");
  assert_int_equal (mk_error_wrap (&err, "load container `%s`", "c1"), -1);
  assert_string_equal (err->msg, "load container `c1`: open `/x`: No such file or directory");
  assert_int_equal (mk_error_errno (err), ENOENT);
  mk_error_free (&err);
  assert_null (err);
  mk_error_free (&err); /* twice is fine */

  assert_int_equal (mk_error_set (&err, 0, "plain %d", 7), -1);
  assert_string_equal (err->msg, "plain 7");
  assert_int_equal (mk_error_errno (err), 0);

  /* A NULL destination or an empty error is harmless. */
  assert_int_equal (mk_error_set (NULL, EIO, "ignored"), -1);
  mk_error *none = NULL;
  assert_int_equal (mk_error_wrap (&none, "ctx"), -1);
  assert_null (none);
  assert_int_equal (mk_error_errno (NULL), 0);
}

static void
test_write_file_atomic (void **state)
{
  (void) state;
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *path = path_join (dir, "state.json");
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (write_file_atomic (path, "one", 3, 0640, true, &err), 0);
  assert_int_equal (write_file_atomic (path, "two!", 4, 0600, false, &err), 0);
  assert_int_equal (count_entries (dir), 1); /* no temp file left */
  _cleanup_free_ char *text = NULL;
  size_t len;
  assert_int_equal (read_file (path, &text, &len, &err), 0);
  assert_string_equal (text, "two!");
  assert_int_equal (len, 4);
  struct stat st;
  assert_int_equal (stat (path, &st), 0);
  assert_int_equal (st.st_mode & 07777, 0600);

  /* Failure (the target is a directory): the old content stays, no temp. */
  _cleanup_free_ char *sub = path_join (dir, "sub");
  assert_int_equal (mkdir (sub, 0700), 0);
  _cleanup_free_ char *inner = path_join (sub, "f");
  assert_int_equal (write_file_atomic (inner, "x", 1, 0600, false, &err), 0);
  assert_int_equal (write_file_atomic (sub, "x", 1, 0600, false, &err), -1);
  assert_non_null (strstr (err->msg, "rename `"));
  assert_int_equal (count_entries (dir), 2);
  mk_error_free (&err);

  _cleanup_free_ char *nodir = path_join (dir, "missing/f");
  assert_int_equal (write_file_atomic (nodir, "x", 1, 0600, false, &err), -1);
  assert_int_equal (mk_error_errno (err), ENOENT);
  assert_non_null (strstr (err->msg, "create `"));
  mk_error_free (&err);

  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
  assert_false (path_exists (dir));
}

struct writer
{
  const char *path;
  char fill;
  int failures;
};

static void *
write_many (void *arg)
{
  struct writer *w = arg;
  char buf[8192];
  memset (buf, w->fill, sizeof buf);
  for (int i = 0; i < 100; i++)
    {
      mk_error *err = NULL;
      if (write_file_atomic (w->path, buf, sizeof buf, 0600, false, &err) < 0)
        w->failures++;
      mk_error_free (&err);
    }
  return NULL;
}

static void
test_write_file_atomic_threads (void **state)
{
  (void) state;
  /* Threads of one process writing one file: every write lands whole,
   * none fails, no temp file stays. */
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *path = path_join (dir, "shared");
  struct writer w[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    {
      w[i] = (struct writer) { .path = path, .fill = (char) ('a' + i), .failures = 0 };
      assert_int_equal (pthread_create (&t[i], NULL, write_many, &w[i]), 0);
    }
  for (int i = 0; i < 4; i++)
    {
      assert_int_equal (pthread_join (t[i], NULL), 0);
      assert_int_equal (w[i].failures, 0);
    }
  assert_int_equal (count_entries (dir), 1);
  _cleanup_error_ mk_error *err = NULL;
  _cleanup_free_ char *text = NULL;
  size_t len;
  assert_int_equal (read_file (path, &text, &len, &err), 0);
  assert_int_equal (len, 8192);
  for (size_t i = 1; i < len; i++)
    assert_int_equal (text[i], text[0]);
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
}

static void
test_read_file (void **state)
{
  (void) state;
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *path = path_join (dir, "big");
  _cleanup_error_ mk_error *err = NULL;
  /* Larger than the first buffer, to exercise growth. */
  size_t n = 10000;
  _cleanup_free_ char *data = xmalloc (n);
  for (size_t i = 0; i < n; i++)
    data[i] = 'a' + i % 26;
  assert_int_equal (write_file_atomic (path, data, n, 0600, false, &err), 0);
  _cleanup_free_ char *text = NULL;
  size_t len;
  assert_int_equal (read_file (path, &text, &len, &err), 0);
  assert_int_equal (len, n);
  assert_memory_equal (text, data, n);
  assert_int_equal (text[n], '\0');

  char *small = NULL;
  assert_int_equal (read_file_at (AT_FDCWD, path, 100, &small, NULL, &err), -1);
  assert_null (small);
  assert_int_equal (mk_error_errno (err), EFBIG);
  mk_error_free (&err);

  _cleanup_free_ char *empty = path_join (dir, "empty");
  assert_int_equal (write_file_atomic (empty, "", 0, 0600, false, &err), 0);
  _cleanup_free_ char *etext = NULL;
  assert_int_equal (read_file (empty, &etext, &len, &err), 0);
  assert_int_equal (len, 0);
  assert_string_equal (etext, "");

  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
}

/* read_append: what a growing file has now, appended after what was read */
static void
test_read_append (void **state)
{
  (void) state;
  int p[2];
  assert_int_equal (pipe2 (p, O_NONBLOCK), 0);
  char *buf = NULL;
  size_t len = 0, cap = 0;
  read_append (p[0], &buf, &len, &cap); /* nothing yet */
  assert_int_equal (len, 0);
  assert_int_equal (write (p[1], "one\n", 4), 4);
  read_append (p[0], &buf, &len, &cap);
  assert_int_equal (len, 4);
  static char big[100000];
  memset (big, 'x', sizeof big);
  close (p[1]); /* a pipe holds 64 KiB: a file for the rest */
  close (p[0]);
  char path[] = "/tmp/mk-read-append-XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  unlink (path);
  assert_int_equal (write (fd, big, sizeof big), (ssize_t) sizeof big);
  lseek (fd, 0, SEEK_SET);
  read_append (fd, &buf, &len, &cap); /* grows past its first 64 KiB */
  assert_int_equal (len, 4 + sizeof big);
  assert_true (cap >= len);
  assert_memory_equal (buf, "one\nxxx", 7);
  assert_int_equal (buf[len - 1], 'x');
  close (fd);
  free (buf);
}

static void
test_path_join (void **state)
{
  (void) state;
  const char *cases[][3] = {
    { "/a", "b", "/a/b" },     { "/a/", "b", "/a/b" },    { "/a//", "/b", "/a/b" },
    { "/", "b", "/b" },        { "/", "/b/c", "/b/c" },   { "a", "b", "a/b" },
    { "", "b", "b" },          { "/a", "", "/a/" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *p = path_join (cases[i][0], cases[i][1]);
      assert_string_equal (p, cases[i][2]);
    }
}

static void
test_parse_integers (void **state)
{
  (void) state;
  long long i;
  unsigned long long u;
  assert_true (parse_int64 ("0", &i) && i == 0);
  assert_true (parse_int64 ("-42", &i) && i == -42);
  assert_true (parse_int64 ("9223372036854775807", &i) && i == INT64_MAX);
  assert_true (parse_int64 ("-9223372036854775808", &i) && i == INT64_MIN);
  const char *bad_signed[] = { "", "-", "9223372036854775808", "1x", " 1", "+1", "1 ", "0x10", "1.5" };
  for (size_t k = 0; k < ARRAY_SIZE (bad_signed); k++)
    assert_false (parse_int64 (bad_signed[k], &i));
  assert_false (parse_int64 (NULL, &i));

  assert_true (parse_uint64 ("18446744073709551615", &u) && u == UINT64_MAX);
  assert_true (parse_uint64 ("007", &u) && u == 7);
  const char *bad_unsigned[] = { "", "-1", " -1", "18446744073709551616", "+1", "1e3", "abc" };
  for (size_t k = 0; k < ARRAY_SIZE (bad_unsigned); k++)
    assert_false (parse_uint64 (bad_unsigned[k], &u));
  u = 99;
  assert_false (parse_uint64 (" -1", &u));
  assert_int_equal (u, 99); /* untouched on failure */
}

static void
test_strv_and_strings (void **state)
{
  (void) state;
  _cleanup_strv_ char **v = NULL;
  assert_int_equal (strv_len (v), 0);
  strv_push (&v, "a");
  strv_push (&v, "");
  strv_push (&v, "c");
  assert_int_equal (strv_len (v), 3);
  assert_null (v[3]);
  _cleanup_strv_ char **copy = strv_dup (v);
  assert_int_equal (strv_len (copy), 3);
  assert_true (copy[0] != v[0]);
  assert_string_equal (copy[2], "c");
  _cleanup_strv_ char **none = strv_dup (NULL);
  assert_non_null (none);
  assert_null (none[0]);
  strv_free (NULL);

  assert_true (str_has_prefix ("container", "con"));
  assert_true (str_has_prefix ("x", ""));
  assert_false (str_has_prefix ("co", "con"));
  assert_true (str_has_suffix ("config.json", ".json"));
  assert_false (str_has_suffix ("json", ".json"));
  assert_true (str_is_empty (NULL));
  assert_true (str_is_empty (""));
  assert_false (str_is_empty (" "));
  _cleanup_free_ char *s = xasprintf ("%s-%d", "id", 3);
  assert_string_equal (s, "id-3");
  _cleanup_free_ char *c = xconcat ("/sys/fs/cgroup", "/", "", "mocker-x", NULL);
  assert_string_equal (c, "/sys/fs/cgroup/mocker-x");
  _cleanup_free_ char *c1 = xconcat ("", NULL);
  assert_string_equal (c1, "");
  _cleanup_free_ char *n = xstrndup ("abcdef", 3);
  assert_string_equal (n, "abc");

  char *p = xstrdup ("x");
  char *stolen = NULL;
  {
    _cleanup_free_ char *owned = p;
    stolen = STEAL (owned);
    assert_null (owned);
  }
  assert_string_equal (stolen, "x");
  free (stolen);
}

static void
test_mkdir_p (void **state)
{
  (void) state;
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *deep = path_join (dir, "a/b//c/");
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (mkdir_p (deep, 0755, &err), 0);
  assert_true (dir_exists (deep));
  assert_int_equal (mkdir_p (deep, 0755, &err), 0); /* existing is fine */
  _cleanup_free_ char *file = path_join (dir, "a/file");
  assert_int_equal (write_file_atomic (file, "x", 1, 0600, false, &err), 0);
  _cleanup_free_ char *under = path_join (file, "sub");
  assert_int_equal (mkdir_p (under, 0755, &err), -1);
  assert_int_equal (mk_error_errno (err), ENOTDIR);
  mk_error_free (&err);
  assert_int_equal (mkdir_p (file, 0755, &err), -1);
  mk_error_free (&err);
  assert_int_equal (mkdir_p ("", 0755, &err), -1);
  assert_int_equal (mk_error_errno (err), EINVAL);
  mk_error_free (&err);
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
}

static void
test_rm_rf_one_fs (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (rm_rf_one_fs ("/tmp/test_common.does-not-exist", &err), 0);

  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *deep = path_join (dir, "a/b/c");
  assert_int_equal (mkdir_p (deep, 0700, &err), 0);
  _cleanup_free_ char *f = path_join (deep, "f");
  assert_int_equal (write_file_atomic (f, "x", 1, 0600, false, &err), 0);
  _cleanup_free_ char *link = path_join (dir, "link");
  assert_int_equal (symlink ("/etc", link), 0); /* removed, never followed */
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
  assert_false (path_exists (dir));
  assert_true (path_exists ("/etc/passwd"));

  /* A plain file is just unlinked. */
  char path[] = "/tmp/test_common.file.XXXXXX";
  int fd = mkstemp (path);
  assert_true (fd >= 0);
  close (fd);
  assert_int_equal (rm_rf_one_fs (path, &err), 0);
  assert_false (path_exists (path));
}

/* Runs in a child in a private mount namespace, so nothing can leak onto
 * the host's mount table. Exit 0 = the expectations held, 77 = skip. */
static int
rm_rf_refuses_mounts_child (const char *dir)
{
  if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return 77;
  mk_error *err = NULL;
  _cleanup_free_ char *keep = path_join (dir, "keep");
  _cleanup_free_ char *victim = path_join (dir, "victim");
  _cleanup_free_ char *mnt = path_join (victim, "mnt");
  _cleanup_free_ char *precious = path_join (keep, "precious");
  if (mkdir_p (mnt, 0700, &err) < 0 || mkdir_p (keep, 0700, &err) < 0
      || write_file_atomic (precious, "x", 1, 0600, false, &err) < 0)
    return 1;
  /* A bind mount of the same file system: same st_dev, another mount. */
  if (mount (keep, mnt, NULL, MS_BIND, NULL) < 0)
    return 77;
  int r = rm_rf_one_fs (victim, &err);
  int ok = r == -1 && mk_error_errno (err) == EBUSY && strstr (err->msg, "refusing to remove mount point")
           && path_exists (precious);
  mk_error_free (&err);
  umount2 (mnt, MNT_DETACH);
  /* Also a tmpfs (another device). */
  if (mount ("tmpfs", mnt, "tmpfs", 0, "size=64k") < 0)
    return 1;
  r = rm_rf_one_fs (victim, &err);
  ok = ok && r == -1 && mk_error_errno (err) == EBUSY;
  mk_error_free (&err);
  umount2 (mnt, MNT_DETACH);
  return ok ? 0 : 1;
}

static void
test_rm_rf_refuses_mount_points (void **state)
{
  (void) state;
  if (geteuid () != 0)
    skip ();
  _cleanup_free_ char *dir = make_temp_dir ();
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    _exit (rm_rf_refuses_mounts_child (dir));
  int status;
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
  if (WEXITSTATUS (status) == 77)
    skip ();
  assert_int_equal (WEXITSTATUS (status), 0);
}

static void
test_lock_path (void **state)
{
  (void) state;
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *path = path_join (dir, "lock");
  _cleanup_error_ mk_error *err = NULL;
  int fd = lock_path (path, true, &err);
  assert_true (fd >= 0);
  /* Another open file description cannot take it while held. */
  int other = open (path, O_RDONLY | O_CLOEXEC);
  assert_true (other >= 0);
  assert_int_equal (flock (other, LOCK_EX | LOCK_NB), -1);
  assert_int_equal (errno, EWOULDBLOCK);
  close (fd);
  assert_int_equal (flock (other, LOCK_EX | LOCK_NB), 0);
  close (other);
  _cleanup_free_ char *bad = path_join (dir, "missing/lock");
  assert_int_equal (lock_path (bad, false, &err), -1);
  assert_non_null (strstr (err->msg, "open lock `"));
  mk_error_free (&err);
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
}

static void
test_log_file (void **state)
{
  (void) state;
  _cleanup_free_ char *dir = make_temp_dir ();
  _cleanup_free_ char *jpath = path_join (dir, "log.json");
  _cleanup_free_ char *tpath = path_join (dir, "log.txt");
  _cleanup_error_ mk_error *err = NULL;
  /* info is not echoed to stderr without debug, but goes to the file. */
  assert_int_equal (log_init ("test", jpath, true, false, &err), 0);
  log_info ("hello %d \"q\"", 1);
  log_debug ("not written");
  assert_int_equal (log_init ("test", tpath, false, false, &err), 0); /* replaces */
  log_info ("plain");
  log_close ();

  _cleanup_free_ char *jtext = NULL;
  assert_int_equal (read_file (jpath, &jtext, NULL, &err), 0);
  assert_non_null (strchr (jtext, '\n'));
  assert_null (strchr (strchr (jtext, '\n') + 1, '\n')); /* one line */
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (jtext, strlen (jtext), "log", &v, &err), 0);
  assert_string_equal (json_get_str (v, "level"), "info");
  assert_string_equal (json_get_str (v, "msg"), "hello 1 \"q\"");
  const char *t = json_get_str (v, "time");
  assert_non_null (t);
  assert_int_equal (strlen (t), strlen ("2026-11-22T13:51:58.123456Z"));
  assert_true (str_has_suffix (t, "Z"));

  _cleanup_free_ char *ttext = NULL;
  assert_int_equal (read_file (tpath, &ttext, NULL, &err), 0);
  assert_true (str_has_suffix (ttext, " info: plain\n"));

  char buf[64];
  struct timespec ts = { .tv_sec = 86400 + 3661, .tv_nsec = 123456789 };
  format_rfc3339 (&ts, buf, sizeof buf);
  assert_string_equal (buf, "1970-01-02T01:01:01.123456Z");
  assert_int_equal (rm_rf_one_fs (dir, &err), 0);
}

/* utc_time agrees with gmtime_r: the epoch, leap days, century years, before
 * 1970, and a sweep of every ~13 hours over 1960-2160. */
static void
test_utc_time (void **state)
{
  (void) state;
  const time_t fixed[] = { 0, -1, 86399, 86400, 951782400 /* 2000-02-29 */,
                           4107542400 /* 2100-03-01 */, -2208988800 /* 1900-01-01 */,
                           1795366433 };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    {
      struct tm want, got;
      gmtime_r (&fixed[i], &want);
      utc_time (fixed[i], &got);
      assert_int_equal (got.tm_year, want.tm_year);
      assert_int_equal (got.tm_mon, want.tm_mon);
      assert_int_equal (got.tm_mday, want.tm_mday);
      assert_int_equal (got.tm_hour, want.tm_hour);
      assert_int_equal (got.tm_min, want.tm_min);
      assert_int_equal (got.tm_sec, want.tm_sec);
    }
  for (time_t t = -315619200; t < 6000000000; t += 47317)
    {
      struct tm want, got;
      gmtime_r (&t, &want);
      utc_time (t, &got);
      if (got.tm_year != want.tm_year || got.tm_mon != want.tm_mon || got.tm_mday != want.tm_mday
          || got.tm_hour != want.tm_hour || got.tm_min != want.tm_min || got.tm_sec != want.tm_sec)
        fail_msg ("utc_time (%lld) differs from gmtime_r", (long long) t);
    }
  char buf[64];
  struct timespec ts = { .tv_sec = 951782400 + 3723, .tv_nsec = 5000 };
  format_rfc3339 (&ts, buf, sizeof buf);
  assert_string_equal (buf, "2000-02-29T01:02:03.000005Z");
}

struct objects_seen
{
  char log[64], stream[16];
  int ends;
};

static void
seen_member (const char *key, const char *val, size_t len, void *opaque)
{
  struct objects_seen *o = opaque;
  if (strcmp (key, "log") == 0)
    snprintf (o->log, sizeof o->log, "%.*s", (int) len, val);
  else if (strcmp (key, "stream") == 0)
    snprintf (o->stream, sizeof o->stream, "%.*s", (int) len, val);
}

static void
seen_end (void *opaque)
{
  ((struct objects_seen *) opaque)->ends++;
}

/* json_objects: string members of flat objects, one object per feed, and a
 * broken or partial one does not spoil the next. */
static void
test_json_objects (void **state)
{
  (void) state;
  struct objects_seen o = { 0 };
  json_objects *r = json_objects_new (seen_member, seen_end, &o);
  const char *a = "{\"log\":\"hi\\n\",\"stream\":\"stderr\",\"n\":3,\"x\":{\"log\":\"inner\"}}";
  assert_int_equal (json_objects_feed (r, a, strlen (a)), 0);
  assert_string_equal (o.log, "hi\n");  /* escapes decoded; the nested member ignored */
  assert_string_equal (o.stream, "stderr");
  assert_int_equal (o.ends, 1);
  const char *broken[] = { "{\"log\":\"torn", "not json", "\"a string\"", "[1,2]", "" };
  for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
    assert_int_equal (json_objects_feed (r, broken[i], strlen (broken[i])), -1);
  assert_int_equal (o.ends, 1);
  const char *b = "{\"stream\":\"stdout\",\"log\":\"again\"}";
  assert_int_equal (json_objects_feed (r, b, strlen (b)), 0);
  assert_string_equal (o.log, "again");
  assert_string_equal (o.stream, "stdout");
  assert_int_equal (o.ends, 2);
  json_objects_free (r);
}

/* Go's time.ParseDuration, and what it refuses (strtold alone would take
 * "inf", "nan", hex and signs). */
static void
test_go_duration (void **state)
{
  (void) state;
  assert_int_equal (parse_go_duration ("0"), 0);
  assert_int_equal (parse_go_duration ("30s"), 30000000000LL);
  assert_int_equal (parse_go_duration ("1m30s"), 90000000000LL);
  assert_int_equal (parse_go_duration ("500ms"), 500000000LL);
  assert_int_equal (parse_go_duration ("1.5h"), 5400000000000LL);
  static const char *const bad[] = { "", "s", "10", "infs", "nans", "0x10s", "+5s", " 5s",
                                     "-1s", "5x", "1e30h" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    if (parse_go_duration (bad[i]) != -1)
      fail_msg ("`%s` was taken as a duration", bad[i]);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_json_parse_errors),
    cmocka_unit_test (test_json_parse_depth),
    cmocka_unit_test (test_json_lookups_and_generator),
    cmocka_unit_test (test_json_parse_file),
    cmocka_unit_test (test_error_set_and_wrap),
    cmocka_unit_test (test_write_file_atomic),
    cmocka_unit_test (test_write_file_atomic_threads),
    cmocka_unit_test (test_read_file),
    cmocka_unit_test (test_read_append),
    cmocka_unit_test (test_path_join),
    cmocka_unit_test (test_parse_integers),
    cmocka_unit_test (test_strv_and_strings),
    cmocka_unit_test (test_mkdir_p),
    cmocka_unit_test (test_rm_rf_one_fs),
    cmocka_unit_test (test_rm_rf_refuses_mount_points),
    cmocka_unit_test (test_lock_path),
    cmocka_unit_test (test_log_file),
    cmocka_unit_test (test_go_duration),
    cmocka_unit_test (test_utc_time),
    cmocka_unit_test (test_json_objects),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
