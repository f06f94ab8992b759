/* mocker/build/config.c: the next image's config from a stage's fields
 * (history entry, diff_ids, the base's other keys kept). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "mocker/build/build_internal.h"

static const char base[] =
  "{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\",\"created\":\"2020-01-01T00:00:00Z\","
  "\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],\"ArgsEscaped\":true,\"Labels\":{\"a\":\"b\"}},"
  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1111\"]},"
  "\"history\":[{\"created_by\":\"base\"}]}";

static yajl_val
gen (struct image_cfg *c, const char *by, const char *diff)
{
  _cleanup_free_ char *text = image_cfg_generate (c, "2026-01-01T00:00:00Z", by, diff);
  yajl_val v = NULL;
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (json_parse (text, strlen (text), "generated", &v, &e), 0);
  return v;
}

static void
test_generate (void **state)
{
  (void) state;
  struct image_cfg c = { 0 };
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (json_parse (base, strlen (base), "base", &c.doc, &e), 0);
  c.env = strv_dup ((char *[]) { (char *) "PATH=/bin", NULL });
  env_set (&c.env, "A", "1");
  env_set (&c.env, "PATH", "/usr/bin");
  assert_string_equal (env_get (c.env, "PATH"), "/usr/bin");
  assert_null (env_get (c.env, "PAT"));
  c.cmd = NULL; /* null: no Cmd key */
  smap_set (&c.labels, "a", "b");
  smap_set (&c.labels, "c", "d");
  smap_set (&c.labels, "a", "z");
  smap_set (&c.exposed, "80/tcp", NULL);
  c.workdir = xstrdup ("/w");

  _cleanup_json_ yajl_val v = gen (&c, "/bin/sh -c #(nop)  ENV A=1", NULL);
  assert_string_equal (json_get_str (v, "architecture"), "arm64");
  assert_string_equal (json_get_str (v, "variant"), "v8");
  assert_string_equal (json_get_str (v, "created"), "2026-01-01T00:00:00Z");
  yajl_val cfg = json_get (v, "config");
  assert_true (YAJL_IS_TRUE (json_get (cfg, "ArgsEscaped")));
  assert_null (json_get (cfg, "Cmd"));
  assert_string_equal (json_get_str (cfg, "WorkingDir"), "/w");
  assert_string_equal (json_get_str (json_get (cfg, "Labels"), "a"), "z");
  assert_string_equal (json_get_str (json_get (cfg, "Labels"), "c"), "d");
  assert_true (YAJL_IS_OBJECT (json_get (json_get (cfg, "ExposedPorts"), "80/tcp")));
  yajl_val env = json_get (cfg, "Env");
  assert_int_equal (env->u.array.len, 2);
  assert_string_equal (YAJL_GET_STRING (env->u.array.values[0]), "PATH=/usr/bin");
  yajl_val h = json_get (v, "history");
  assert_int_equal (h->u.array.len, 2);
  assert_true (YAJL_IS_TRUE (json_get (h->u.array.values[1], "empty_layer")));
  assert_int_equal (json_get (json_get (v, "rootfs"), "diff_ids")->u.array.len, 1);

  /* A layer step: one more diff_id, no empty_layer. */
  _cleanup_json_ yajl_val v2 = gen (&c, "/bin/sh -c make", "sha256:2222");
  yajl_val ids = json_get (json_get (v2, "rootfs"), "diff_ids");
  assert_int_equal (ids->u.array.len, 2);
  assert_string_equal (YAJL_GET_STRING (ids->u.array.values[1]), "sha256:2222");
  yajl_val h2 = json_get (v2, "history");
  assert_null (json_get (h2->u.array.values[1], "empty_layer"));
  assert_string_equal (json_get_str (h2->u.array.values[1], "created_by"), "/bin/sh -c make");

  /* scratch: no base; the host's architecture, linux, no history entry. */
  struct image_cfg empty = { 0 };
  _cleanup_json_ yajl_val v3 = gen (&empty, NULL, NULL);
  assert_string_equal (json_get_str (v3, "os"), "linux");
  assert_non_null (json_get_str (v3, "architecture"));
  assert_int_equal (json_get (v3, "history")->u.array.len, 0);
  assert_int_equal (json_get (json_get (v3, "rootfs"), "diff_ids")->u.array.len, 0);
  image_cfg_clear (&c);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_generate),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
