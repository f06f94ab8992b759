/* common/json.c's generator on input from outside (issue 15): it never
 * writes invalid JSON, whatever the nesting or the bytes of a string. */
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

/* [[[...]]] n deep. */
static char *
nested (size_t n)
{
  char *s = xmalloc (2 * n + 1);
  for (size_t i = 0; i < n; i++)
    {
      s[i] = '[';
      s[2 * n - 1 - i] = ']';
    }
  s[2 * n] = '\0';
  return s;
}

static void
test_tree_too_deep (void **state)
{
  (void) state;
  _cleanup_free_ char *text = nested (128);
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (text, strlen (text), "t", &v, NULL), 0);
  assert_int_equal (json_depth (v), 128);

  /* Alone: one level too many. Before, the closing brackets were written
   * without the opening ones. */
  json_gen *g = json_gen_new (false);
  json_tree (g, v);
  assert_true (json_gen_failed (g));
  char *out = NULL;
  mk_error *err = NULL;
  assert_int_equal (json_gen_finish_checked (g, "thing", &out, NULL, &err), -1);
  assert_null (out);
  assert_string_equal (err->msg, "thing: cannot write JSON: nested deeper than 127 levels");
  mk_error_free (&err);

  /* 126 levels inside one object: fits exactly. */
  _cleanup_free_ char *fits = nested (126);
  _cleanup_json_ yajl_val w = NULL;
  assert_int_equal (json_parse (fits, strlen (fits), "t", &w, NULL), 0);
  g = json_gen_new (false);
  json_obj_open (g);
  json_key (g, "k");
  json_tree (g, w);
  json_obj_close (g);
  assert_int_equal (json_gen_finish_checked (g, "thing", &out, NULL, &err), 0);
  _cleanup_json_ yajl_val back = NULL;
  assert_int_equal (json_parse (out, strlen (out), "out", &back, NULL), 0);
  free (out);

  /* ... and one more level inside an array fails, nothing more is written. */
  g = json_gen_new (false);
  json_arr_open (g);
  json_arr_open (g);
  json_tree (g, w);
  json_arr_close (g);
  json_str (g, "after");
  json_arr_close (g);
  assert_true (json_gen_failed (g));
  assert_int_equal (json_gen_finish_checked (g, "x", &out, NULL, &err), -1);
  mk_error_free (&err);
}

static void
test_check_depth_names_the_field (void **state)
{
  (void) state;
  _cleanup_free_ char *deep = nested (70);
  _cleanup_free_ char *text
    = xasprintf ("{\"config\":{\"Cmd\":[\"a\"],\"Labels\":{\"l\":[1,%s]}}}", deep);
  _cleanup_json_ yajl_val v = NULL;
  assert_int_equal (json_parse (text, strlen (text), "t", &v, NULL), 0);
  mk_error *err = NULL;
  assert_int_equal (json_check_depth (v, 64, "image config", &err), -1);
  assert_non_null (strstr (err->msg, "image config: `config.Labels.l[1]"));
  assert_non_null (strstr (err->msg, "` is nested deeper than 64 levels"));
  mk_error_free (&err);
  assert_int_equal (json_check_depth (v, 74, "image config", &err), 0);
  assert_int_equal (json_check_depth (v, 73, "image config", &err), -1);
  mk_error_free (&err);
}

static void
test_invalid_utf8_replaced (void **state)
{
  (void) state;
  json_gen *g = json_gen_new (false);
  json_arr_open (g);
  json_str (g, "\xff=");         /* a stray byte */
  json_str (g, "a\xc3");         /* cut short */
  json_str (g, "\xc0\xaf");      /* overlong '/' */
  json_str (g, "\xed\xa0\x80");  /* a UTF-16 surrogate */
  json_str (g, "caf\xc3\xa9 \xf0\x9f\x90\xb3");  /* valid: kept */
  json_arr_close (g);
  char *out = NULL;
  mk_error *err = NULL;
  assert_int_equal (json_gen_finish_checked (g, "x", &out, NULL, &err), 0);
  assert_string_equal (out, "[\"\xef\xbf\xbd=\",\"a\xef\xbf\xbd\",\"\xef\xbf\xbd\xef\xbf\xbd\","
                            "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\","
                            "\"caf\xc3\xa9 \xf0\x9f\x90\xb3\"]");
  _cleanup_json_ yajl_val back = NULL;
  assert_int_equal (json_parse (out, strlen (out), "out", &back, NULL), 0);
  free (out);

  assert_true (json_utf8_valid ("caf\xc3\xa9"));
  assert_false (json_utf8_valid ("\xf4\x90\x80\x80")); /* past U+10FFFF */
  _cleanup_free_ char *shown = json_utf8_show ("ENV \xff=");
  assert_string_equal (shown, "ENV \\xff=");
}

/* json_strv: an array's strings, other members skipped; NULL for no array */
static void
test_strv (void **state)
{
  (void) state;
  const char *text = "{\"a\":[\"x\",1,\"y\",null],\"e\":[],\"s\":\"x\"}";
  yajl_val v = NULL;
  assert_int_equal (json_parse (text, strlen (text), "t", &v, NULL), 0);
  char **a = json_strv (json_get (v, "a"));
  assert_int_equal (strv_len (a), 2);
  assert_string_equal (a[0], "x");
  assert_string_equal (a[1], "y");
  char **e = json_strv (json_get (v, "e"));
  assert_non_null (e);
  assert_null (e[0]);
  assert_null (json_strv (json_get (v, "s")));
  assert_null (json_strv (json_get (v, "missing")));
  strv_free (a);
  strv_free (e);
  yajl_tree_free (v);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tree_too_deep),
    cmocka_unit_test (test_check_depth_names_the_field),
    cmocka_unit_test (test_invalid_utf8_replaced),
    cmocka_unit_test (test_strv),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
