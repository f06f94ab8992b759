/* mocker/image/commit_config.c: the config of a committed image and -c changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/util.h"
#include "mocker/image/commit.h"
#include "mocker/store/layer.h"

static const char base[] =
  "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2020-01-01T00:00:00Z\","
  "\"container_config\":{\"Cmd\":[\"old\"]},"
  "\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"/bin/sh\"],\"Labels\":{\"a\":\"b\"},"
  "\"StopSignal\":\"SIGINT\"},"
  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1111\"]},"
  "\"history\":[{\"created_by\":\"base\"}]}";

static const char ctr[] =
  "{\"Hostname\":\"abc123\",\"User\":\"\",\"Tty\":true,"
  "\"Env\":[\"PATH=/bin\",\"HOSTNAME=abc123\",\"TERM=xterm\",\"FOO=bar\"],"
  "\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Entrypoint\":null,\"WorkingDir\":\"/w\"}";

/* Builds with the changes; returns the parsed result (NULL on error, *err set). */
static yajl_val
build (char *const *changes, mk_error **err)
{
  _cleanup_json_ yajl_val c = NULL;
  assert_int_equal (json_parse (ctr, strlen (ctr), "ctr", &c, NULL), 0);
  struct commit_meta m = {
    .diff_id = "sha256:2222", .created = "2026-01-01T00:00:00Z", .created_by = "sh -c echo hi",
    .author = "me", .comment = "msg", .changes = changes,
  };
  _cleanup_free_ char *out = NULL;
  if (commit_config_build (base, strlen (base), c, &m, &out, err) < 0)
    return NULL;
  yajl_val v = NULL;
  assert_int_equal (json_parse (out, strlen (out), "out", &v, NULL), 0);
  return v;
}

static const char seed_base[] =
  "{\"architecture\":\"amd64\",\"os\":\"linux\","
  "\"config\":{\"Env\":[\"PATH=/bin\",\"SEED=1\"],\"Cmd\":[\"run\"],"
  "\"Entrypoint\":[\"/entry\"],\"WorkingDir\":\"/seed\",\"User\":\"nobody\","
  "\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"l\":\"v\"}},"
  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1111\"]},"
  "\"history\":[{\"created_by\":\"seed\"}]}";

/* The seed form (no container config): the image's own settings are kept,
 * -c changes still apply, a history entry is added. */
static void
test_seed_keeps_image_config (void **state)
{
  (void) state;
  char *changes[] = { (char *) "ENV EXTRA=2", NULL };
  struct commit_meta m = {
    .diff_id = "sha256:2222", .created = "2026-01-01T00:00:00Z", .created_by = "sh",
    .changes = changes,
  };
  _cleanup_free_ char *out = NULL;
  assert_int_equal (commit_config_build (seed_base, strlen (seed_base), NULL, &m, &out, NULL), 0);
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (out, strlen (out), "out", &v, NULL), 0);
  yajl_val cfg = json_get (v, "config");
  yajl_val env = json_get (cfg, "Env");
  assert_int_equal (env->u.array.len, 3);
  assert_string_equal (YAJL_GET_STRING (env->u.array.values[0]), "PATH=/bin");
  assert_string_equal (YAJL_GET_STRING (env->u.array.values[1]), "SEED=1");
  assert_string_equal (YAJL_GET_STRING (env->u.array.values[2]), "EXTRA=2");
  assert_string_equal (YAJL_GET_STRING (json_get (cfg, "Cmd")->u.array.values[0]), "run");
  assert_string_equal (YAJL_GET_STRING (json_get (cfg, "Entrypoint")->u.array.values[0]), "/entry");
  assert_string_equal (json_get_str (cfg, "WorkingDir"), "/seed");
  assert_string_equal (json_get_str (cfg, "User"), "nobody");
  assert_non_null (json_get (json_get (cfg, "ExposedPorts"), "80/tcp"));
  assert_string_equal (json_get_str (json_get (cfg, "Labels"), "l"), "v");
  yajl_val hist = json_get (v, "history");
  assert_int_equal (hist->u.array.len, 2);
  assert_string_equal (json_get_str (hist->u.array.values[1], "created_by"), "sh");
  yajl_val ids = json_get (json_get (v, "rootfs"), "diff_ids");
  assert_int_equal (ids->u.array.len, 2);
}

static const char *
arr_str (yajl_val a, size_t i)
{
  assert_true (a && YAJL_IS_ARRAY (a) && i < a->u.array.len);
  return YAJL_GET_STRING (a->u.array.values[i]);
}

static void
test_keeps_container_settings (void **state)
{
  (void) state;
  _cleanup_json_ yajl_val v = build (NULL, NULL);
  assert_non_null (v);
  yajl_val cfg = json_get (v, "config");
  yajl_val env = json_get (cfg, "Env");
  assert_int_equal (env->u.array.len, 2); /* HOSTNAME and the tty's TERM dropped */
  assert_string_equal (arr_str (env, 0), "PATH=/bin");
  assert_string_equal (arr_str (env, 1), "FOO=bar");
  assert_string_equal (arr_str (json_get (cfg, "Cmd"), 2), "echo hi");
  assert_true (YAJL_IS_NULL (json_get (cfg, "Entrypoint")));
  assert_string_equal (json_get_str (cfg, "WorkingDir"), "/w");
  assert_null (json_get (cfg, "User"));
  /* The base's other settings stay. */
  assert_string_equal (json_get_str (json_get (cfg, "Labels"), "a"), "b");
  assert_string_equal (json_get_str (cfg, "StopSignal"), "SIGINT");
  assert_string_equal (json_get_str (v, "architecture"), "amd64");
  assert_null (json_get (v, "container_config"));
  assert_string_equal (json_get_str (v, "created"), "2026-01-01T00:00:00Z");
  assert_string_equal (json_get_str (v, "author"), "me");
  yajl_val ids = json_get (json_get (v, "rootfs"), "diff_ids");
  assert_int_equal (ids->u.array.len, 2);
  assert_string_equal (arr_str (ids, 0), "sha256:1111");
  assert_string_equal (arr_str (ids, 1), "sha256:2222");
  yajl_val hist = json_get (v, "history");
  assert_int_equal (hist->u.array.len, 2);
  yajl_val h = hist->u.array.values[1];
  assert_string_equal (json_get_str (h, "created_by"), "sh -c echo hi");
  assert_string_equal (json_get_str (h, "comment"), "msg");
}

static void
test_changes (void **state)
{
  (void) state;
  char *changes[] = { (char *) "ENV A=1 B=\"two words\" C='x y'", (char *) "env D  spaced value",
                      (char *) "ENV FOO=baz", (char *) "CMD echo $A",
                      (char *) "WORKDIR sub", (char *) "USER nobody", NULL };
  _cleanup_json_ yajl_val v = build (changes, NULL);
  assert_non_null (v);
  yajl_val cfg = json_get (v, "config");
  yajl_val env = json_get (cfg, "Env");
  assert_int_equal (env->u.array.len, 6);
  assert_string_equal (arr_str (env, 1), "FOO=baz");
  assert_string_equal (arr_str (env, 2), "A=1");
  assert_string_equal (arr_str (env, 3), "B=two words");
  assert_string_equal (arr_str (env, 4), "C=x y");
  assert_string_equal (arr_str (env, 5), "D=spaced value");
  yajl_val cmd = json_get (cfg, "Cmd");
  assert_string_equal (arr_str (cmd, 0), "/bin/sh");
  assert_string_equal (arr_str (cmd, 1), "-c");
  assert_string_equal (arr_str (cmd, 2), "echo $A");
  assert_string_equal (json_get_str (cfg, "WorkingDir"), "/w/sub");
  assert_string_equal (json_get_str (cfg, "User"), "nobody");
}

static void
test_entrypoint_drops_cmd (void **state)
{
  (void) state;
  char *only_ep[] = { (char *) "ENTRYPOINT [\"/bin/echo\", \"x\"]", NULL };
  _cleanup_json_ yajl_val v = build (only_ep, NULL);
  yajl_val cfg = json_get (v, "config");
  assert_true (YAJL_IS_NULL (json_get (cfg, "Cmd")));
  assert_string_equal (arr_str (json_get (cfg, "Entrypoint"), 0), "/bin/echo");

  char *both[] = { (char *) "CMD [\"y\"]", (char *) "ENTRYPOINT [\"/bin/echo\"]", NULL };
  _cleanup_json_ yajl_val w = build (both, NULL);
  assert_string_equal (arr_str (json_get (json_get (w, "config"), "Cmd"), 0), "y");
}

static void
expect_error (const char *change, const char *text)
{
  char *changes[] = { (char *) change, NULL };
  _cleanup_error_ mk_error *err = NULL;
  yajl_val v = build (changes, &err);
  assert_null (v);
  assert_non_null (err);
  if (strstr (err->msg, text) == NULL)
    fail_msg ("`%s`: error `%s` lacks `%s`", change, err->msg, text);
}

static void
test_bad_changes (void **state)
{
  (void) state;
  expect_error ("EXPOSE 80", "unsupported instruction `EXPOSE`");
  expect_error ("CMD", "needs an argument");
  expect_error ("CMD [\"a\", 1]", "not a string");
  expect_error ("CMD [\"a\"", "CMD");
  expect_error ("ENV A=\"open", "unterminated quote");
  expect_error ("ENV =x", "not KEY=VALUE");
  expect_error ("ENV ONLYKEY", "a value is needed");
  expect_error ("   ", "empty change");
  /* Issue 15: not UTF-8 is refused, named, before any JSON is written. */
  expect_error ("ENV \xff=", "change `ENV \\xff=`: not valid UTF-8");
  expect_error ("CMD echo \xc0\xaf", "not valid UTF-8");
}

/* A base config nested deeper than a generator takes: refused with the
 * field's path (issue 15); before, the new config came out as broken JSON. */
static void
test_deep_base_config (void **state)
{
  (void) state;
  size_t depth = 200;
  _cleanup_free_ char *deep = xmalloc (depth * 2 + 1);
  for (size_t i = 0; i < depth; i++)
    {
      deep[i] = '[';
      deep[2 * depth - 1 - i] = ']';
    }
  deep[2 * depth] = '\0';
  _cleanup_free_ char *cfg = xasprintf (
    "{\"config\":{\"Labels\":{\"x\":\"y\",\"deep\":%s}},"
    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", deep);
  _cleanup_json_ yajl_val c = NULL;
  assert_int_equal (json_parse (ctr, strlen (ctr), "ctr", &c, NULL), 0);
  struct commit_meta m = { .diff_id = "sha256:2222", .created = "2026-01-01T00:00:00Z",
                           .created_by = "sh" };
  _cleanup_free_ char *out = NULL;
  mk_error *err = NULL;
  assert_int_equal (commit_config_build (cfg, strlen (cfg), c, &m, &out, &err), -1);
  assert_null (out);
  assert_non_null (strstr (err->msg, "image config: `config.Labels.deep"));
  assert_non_null (strstr (err->msg, "nested deeper than 64 levels"));
  mk_error_free (&err);

  /* --author and --message too are checked */
  m.author = "\xfe";
  _cleanup_free_ char *ok_cfg = xstrdup (base);
  assert_int_equal (commit_config_build (ok_cfg, strlen (ok_cfg), c, &m, &out, &err), -1);
  assert_string_equal (err->msg, "--author `\\xfe`: not valid UTF-8");
  mk_error_free (&err);
}

/* ---- packing an upper directory (layer_pack_dir as commit calls it) ---- */

struct bytes
{
  char *data;
  size_t len;
};

static int
collect (void *opaque, const void *data, size_t len, mk_error **err)
{
  (void) err;
  struct bytes *b = opaque;
  b->data = xrealloc (b->data, b->len + len);
  memcpy (b->data + b->len, data, len);
  b->len += len;
  return 0;
}

/* The entry names of a tar, joined by spaces. */
static char *
tar_names (const struct bytes *b)
{
  struct archive *a = archive_read_new ();
  archive_read_support_format_tar (a);
  assert_int_equal (archive_read_open_memory (a, b->data, b->len), ARCHIVE_OK);
  char *out = xstrdup ("");
  struct archive_entry *e;
  while (archive_read_next_header (a, &e) == ARCHIVE_OK)
    {
      char *n = xasprintf ("%s%s ", out, archive_entry_pathname (e));
      free (out);
      out = n;
    }
  archive_read_free (a);
  return out;
}

static void
test_pack_upper (void **state)
{
  (void) state;
  char tmpl[] = "/tmp/test-commit-XXXXXX";
  assert_non_null (mkdtemp (tmpl));
  _cleanup_free_ char *etc = path_join (tmpl, "etc");
  _cleanup_free_ char *hosts = path_join (tmpl, "etc/hosts");
  _cleanup_free_ char *added = path_join (tmpl, "added");
  _cleanup_free_ char *gone = path_join (tmpl, "gone");
  _cleanup_free_ char *opq = path_join (tmpl, "opq");
  _cleanup_free_ char *opq_f = path_join (tmpl, "opq/f");
  assert_int_equal (mkdir (etc, 0755), 0);
  assert_int_equal (write_file_atomic (hosts, "", strlen (""), 0644, false, NULL), 0);
  assert_int_equal (write_file_atomic (added, "x", strlen ("x"), 0644, false, NULL), 0);
  assert_int_equal (mkdir (opq, 0755), 0);
  assert_int_equal (write_file_atomic (opq_f, "y", strlen ("y"), 0644, false, NULL), 0);
  /* Overlay's whiteout and opaque mark need root (the suites run as root). */
  bool root = mknod (gone, S_IFCHR | 0600, makedev (0, 0)) == 0
              && setxattr (opq, "trusted.overlay.opaque", "y", 1, 0) == 0;

  char *skip[] = { (char *) "etc/hosts", NULL };
  struct layer_pack_opts po = { .overlay_whiteouts = true, .skip = skip };
  struct bytes b = { 0 };
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (layer_pack_dir (tmpl, &po, collect, &b, &err), 0);
  _cleanup_free_ char *names = tar_names (&b);
  free (b.data);
  assert_non_null (strstr (names, "added "));
  assert_non_null (strstr (names, "etc/ "));
  assert_null (strstr (names, "hosts"));
  if (root)
    {
      assert_non_null (strstr (names, ".wh.gone "));
      assert_non_null (strstr (names, "opq/.wh..wh..opq "));
      assert_null (strstr (names, " gone "));
    }
  _cleanup_error_ mk_error *e2 = NULL;
  assert_int_equal (rm_rf_one_fs (tmpl, &e2), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_keeps_container_settings),
    cmocka_unit_test (test_seed_keeps_image_config),
    cmocka_unit_test (test_changes),
    cmocka_unit_test (test_entrypoint_drops_cmd),
    cmocka_unit_test (test_bad_changes),
    cmocka_unit_test (test_deep_base_config),
    cmocka_unit_test (test_pack_upper),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
