/* mocker/template: every construct of the Go-template engine, with the
 * outputs Go's text/template (and Docker's functions) give for the same
 * JSON data. */
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
#include "mocker/template/template.h"

static const char data_text[] =
  "{\"ID\":\"abc123\",\"Names\":\"web\",\"Image\":\"Alpine:3\",\"N\":3,\"F\":1.5,"
  "\"Zero\":0,\"Empty\":\"\",\"T\":true,\"Null\":null,"
  "\"State\":{\"Status\":\"running\",\"Pid\":42,\"Running\":true},"
  "\"Env\":[\"A=1\",\"B=2\"],\"None\":[],"
  "\"Labels\":{\"b\":\"2\",\"a\":\"1\"},"
  "\"Ports\":[{\"HostPort\":\"80\"},{\"HostPort\":\"443\"}]}";

static yajl_val data;

static int
setup (void **state)
{
  (void) state;
  mk_error *e = NULL;
  return json_parse (data_text, strlen (data_text), "data", &data, &e);
}

static int
teardown (void **state)
{
  (void) state;
  yajl_tree_free (data);
  return 0;
}

/* Renders text on data; the output or "ERR: <message>". */
static char *
render (const char *text)
{
  _cleanup_error_ mk_error *e = NULL;
  _cleanup_tmpl_ struct tmpl *t = tmpl_parse (text, &e);
  if (t == NULL)
    return xasprintf ("ERR: %s", e->msg);
  const char *out = tmpl_exec (t, data, NULL, &e);
  if (out == NULL)
    return xasprintf ("ERR: %s", e->msg);
  return xstrdup (out);
}

#define CHECK(text, want)                                                                   \
  do                                                                                        \
    {                                                                                       \
      _cleanup_free_ char *got_ = render (text);                                            \
      if (strcmp (got_, want) != 0)                                                         \
        fail_msg ("template %s\n  want [%s]\n   got [%s]", text, want, got_);               \
    }                                                                                       \
  while (0)

static void
test_text_and_fields (void **state)
{
  (void) state;
  CHECK ("", "");
  CHECK ("plain text", "plain text");
  CHECK ("{{.ID}}", "abc123");
  CHECK ("id={{.ID}} name={{.Names}}", "id=abc123 name=web");
  CHECK ("{{.State.Status}}", "running");
  CHECK ("{{.State.Pid}}", "42");
  CHECK ("{{.N}} {{.F}} {{.T}} {{.Null}}", "3 1.5 true <nil>");
  CHECK ("{{.Env}}", "[A=1 B=2]");
  CHECK ("{{.Labels}}", "map[a:1 b:2]");
  CHECK ("{{.State}}", "map[Pid:42 Running:true Status:running]");
  CHECK ("{{ .ID }}", "abc123");
  CHECK ("{{$.ID}}", "abc123");
  CHECK ("{{$.State.Pid}}", "42");
}

static void
test_unknown_field (void **state)
{
  (void) state;
  CHECK ("{{.Nope}}", "ERR: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
  CHECK ("x\n {{.State.Nope}}",
         "ERR: template: :2:3: executing \"\" at <.State.Nope>: map has no entry for key \"Nope\"");
  CHECK ("{{.ID.X}}", "ERR: template: :1:2: executing \"\" at <.ID.X>: can't evaluate field X in type string");
  CHECK ("{{.Null.X}}", "ERR: template: :1:2: executing \"\" at <.Null.X>: nil pointer evaluating interface {}.X");
}

static void
test_syntax_errors (void **state)
{
  (void) state;
  CHECK ("{{.ID", "ERR: template parsing error: template: :1: unclosed action");
  CHECK ("{{nope .ID}}", "ERR: template parsing error: template: :1: function \"nope\" not defined");
  CHECK ("{{if .T}}x", "ERR: template parsing error: template: :1: unexpected EOF");
  CHECK ("a\n{{end}}", "ERR: template parsing error: template: :2: unexpected {{end}}");
  CHECK ("{{\"abc}}", "ERR: template parsing error: template: :1: unterminated quoted string");
  CHECK ("{{}}", "ERR: template parsing error: template: :1: missing value for command");
  CHECK ("{{.ID | }}", "ERR: template parsing error: template: :1: missing command");
  CHECK ("{{break}}", "ERR: template parsing error: template: :1: {{break}} outside {{range}}");
  CHECK ("{{.ID #}}", "ERR: template parsing error: template: :1: unexpected \"#\" in command");
  CHECK ("{{.ID .Names}}",
         "ERR: template: :1:6: executing \"\" at <.Names>: can't give argument to non-function .ID");
}

static void
test_literals_and_vars (void **state)
{
  (void) state;
  CHECK ("{{\"a\\tb\\\"c\"}}", "a\tb\"c");
  CHECK ("{{`raw\\n`}}", "raw\\n");
  CHECK ("{{12}} {{-3}} {{1.25}} {{0x10}} {{true}} {{false}}", "12 -3 1.25 16 true false");
  CHECK ("{{$x := .Names}}[{{$x}}]", "[web]");
  CHECK ("{{$x := 1}}{{$x = 2}}{{$x}}", "2");
  CHECK ("{{$y}}", "ERR: template: :1:2: executing \"\" at <$y>: undefined variable \"$y\"");
  CHECK ("{{$s := .State}}{{$s.Status}}", "running");
  CHECK ("{{/* a comment */}}x", "x");
  CHECK ("a  {{- /* trimmed */ -}}  b", "ab");
}

static void
test_pipelines (void **state)
{
  (void) state;
  CHECK ("{{.Image | lower}}", "alpine:3");
  CHECK ("{{.Image | upper}}", "ALPINE:3");
  CHECK ("{{.Names | printf \"%s!\"}}", "web!");
  CHECK ("{{(index .Ports 1).HostPort}}", "443");
  CHECK ("{{index .Ports 1 | json}}", "{\"HostPort\":\"443\"}");
  CHECK ("{{len (index .Env 0)}}", "3");
}

static void
test_trim_markers (void **state)
{
  (void) state;
  CHECK ("a \n {{- .ID -}} \n b", "aabc123b");
  CHECK ("a {{.ID -}} b", "a abc123b");
  CHECK ("a {{- .ID}} b", "aabc123 b");
  CHECK ("{{-3}}", "-3"); /* a number, not a trim marker */
}

static void
test_if (void **state)
{
  (void) state;
  CHECK ("{{if .T}}yes{{end}}", "yes");
  CHECK ("{{if .Zero}}yes{{else}}no{{end}}", "no");
  CHECK ("{{if .Empty}}y{{else if .None}}n{{else if .Env}}env{{else}}z{{end}}", "env");
  CHECK ("{{if .Null}}y{{else}}nil{{end}}", "nil");
  CHECK ("{{if eq .State.Status \"running\"}}up{{end}}", "up");
  CHECK ("{{if eq .Names \"a\" \"b\" \"web\"}}any{{end}}", "any");
  CHECK ("{{if ne .N 3}}x{{else}}three{{end}}", "three");
  CHECK ("{{if and .T .N}}both{{end}}", "both");
  CHECK ("{{and .T .Zero .N}}", "0");
  CHECK ("{{or .Empty .Names}}", "web");
  CHECK ("{{or .Empty .Zero}}", "0");
  CHECK ("{{not .T}} {{not .Empty}}", "false true");
  /* and/or stop at the deciding argument: .Null.X is never evaluated */
  CHECK ("{{if and .Null .Null.X}}x{{else}}short{{end}}", "short");
  CHECK ("{{lt .N 4}} {{le .N 3}} {{gt .N 3}} {{ge .F 1.5}} {{lt \"a\" \"b\"}}",
         "true true false true true");
  CHECK ("{{lt .N \"a\"}}", "ERR: template: :1:2: executing \"\" at <lt>: error calling lt: incompatible types for comparison");
  CHECK ("{{eq .Env .Env}}", "ERR: template: :1:2: executing \"\" at <eq>: error calling eq: non-comparable type []interface {}");
  CHECK ("{{with .State}}{{.Status}}{{end}}", "running");
  CHECK ("{{with .Empty}}x{{else}}empty{{end}}", "empty");
}

static void
test_range (void **state)
{
  (void) state;
  CHECK ("{{range .Env}}[{{.}}]{{end}}", "[A=1][B=2]");
  CHECK ("{{range $i, $e := .Env}}{{$i}}={{$e}};{{end}}", "0=A=1;1=B=2;");
  CHECK ("{{range $e := .Env}}{{$e}} {{end}}", "A=1 B=2 ");
  CHECK ("{{range .None}}x{{else}}none{{end}}", "none");
  CHECK ("{{range $k, $v := .Labels}}{{$k}}:{{$v}} {{end}}", "a:1 b:2 ");
  CHECK ("{{range .Ports}}{{.HostPort}},{{end}}", "80,443,");
  CHECK ("{{range .Ports}}{{$.Names}}{{end}}", "webweb");
  CHECK ("{{range .Env}}{{if eq . \"B=2\"}}{{break}}{{end}}{{.}}{{end}}", "A=1");
  CHECK ("{{range .Env}}{{if eq . \"A=1\"}}{{continue}}{{end}}{{.}}{{end}}", "B=2");
  CHECK ("{{range split \"a,b,c\" \",\"}}<{{.}}>{{end}}", "<a><b><c>");
  CHECK ("{{range 5}}x{{end}}", "ERR: template: :1:8: executing \"\" at <5>: range can't iterate over 5");
  CHECK ("{{range .ID}}{{end}}", "ERR: template: :1:8: executing \"\" at <.ID>: range can't iterate over abc123");
}

static void
test_functions (void **state)
{
  (void) state;
  CHECK ("{{index .Labels \"a\"}}", "1");
  CHECK ("[{{index .Labels \"nope\"}}]", "[]");
  CHECK ("{{index .Env 1}}", "B=2");
  CHECK ("{{index .Ports 0 \"HostPort\"}}", "80");
  CHECK ("{{index .Env 5}}", "ERR: template: :1:2: executing \"\" at <index>: error calling index: index out of range: 5");
  CHECK ("{{len .Env}} {{len .Labels}} {{len .Names}}", "2 2 3");
  CHECK ("{{len .N}}", "ERR: template: :1:2: executing \"\" at <len>: error calling len: len of type int");
  CHECK ("{{join .Env \",\"}}", "A=1,B=2");
  CHECK ("{{join (split \"a b c\" \" \") \"-\"}}", "a-b-c");
  CHECK ("{{split \"a:b\" \":\"}}", "[a b]");
  CHECK ("{{json .Env}}", "[\"A=1\",\"B=2\"]");
  CHECK ("{{json .State}}", "{\"Status\":\"running\",\"Pid\":42,\"Running\":true}");
  CHECK ("{{json .Names}} {{json .N}} {{json .Null}} {{json .T}}", "\"web\" 3 null true");
  CHECK ("{{json \"a<b&c\"}}", "\"a<b&c\""); /* Docker's json does not escape HTML */
  CHECK ("{{title \"hello big-world\"}}", "Hello Big-World");
  CHECK ("{{truncate .ID 3}} {{truncate .ID 30}}", "abc abc123");
  CHECK ("[{{pad .Names 2 1}}][{{pad .Empty 2 1}}]", "[  web ][]");
  CHECK ("{{printf \"%s-%d-%v-%q\" .Names .N .F .Image}}", "web-3-1.5-\"Alpine:3\"");
  CHECK ("{{printf \"%5s|%-5s|%03d|%.2f|%%\" \"ab\" \"cd\" 7 .F}}", "   ab|cd   |007|1.50|%");
  CHECK ("{{printf \"%d\" .Names}}", "%!d(string=web)");
  CHECK ("{{printf \"%s %s\" .Names}}", "web %!s(MISSING)");
  CHECK ("{{print .Names .N .N \"x\"}}", "web3 3x");
  CHECK ("{{println .Names .N}}", "web 3\n");
  CHECK ("{{lower .N}}", "ERR: template: :1:2: executing \"\" at <lower>: wrong type for value; expected string; got int (argument 1 of lower)");
  CHECK ("{{join .Env}}", "ERR: template: :1:2: executing \"\" at <join>: wrong number of args for join: want 2 got 1");
}

static void
test_limits (void **state)
{
  (void) state;
  _cleanup_free_ char *deep = xzalloc (4096);
  for (int i = 0; i < 101; i++)
    strcat (deep, "{{if .T}}");
  CHECK (deep, "ERR: template parsing error: template: :1: nested deeper than 100 levels");
  memset (deep, 0, 4096);
  strcat (deep, "{{len ");
  for (int i = 0; i < 101; i++)
    strcat (deep, "(");
  strcat (deep, "}}");
  CHECK (deep, "ERR: template parsing error: template: :1: nested deeper than 100 levels");
  /* 8^8 * 4 bytes: stopped at 16 MiB */
  CHECK ("{{range $a := split \"abcdefgh\" \"\"}}{{range split \"abcdefgh\" \"\"}}"
         "{{range split \"abcdefgh\" \"\"}}{{range split \"abcdefgh\" \"\"}}"
         "{{range split \"abcdefgh\" \"\"}}{{range split \"abcdefgh\" \"\"}}"
         "{{range split \"abcdefgh\" \"\"}}{{range split \"abcdefgh\" \"\"}}"
         "{{printf \"%4s\" $a}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}",
         "ERR: template: :1:240: executing \"\" at <printf>: output longer than 16 MiB");
}

static void
test_header_mode (void **state)
{
  (void) state;
  mk_error *e = NULL;
  yajl_val hdr;
  const char *h = "{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\"}";
  assert_int_equal (json_parse (h, strlen (h), "h", &hdr, &e), 0);
  _cleanup_tmpl_ struct tmpl *t = tmpl_parse ("{{.ID}}\t{{.Names | lower}}\t{{json .Names}}\t{{truncate .ID 2}}", &e);
  assert_non_null (t);
  tmpl_set_header_mode (t, true);
  const char *out = tmpl_exec (t, hdr, NULL, &e);
  assert_string_equal (out, "CONTAINER ID\tNAMES\tNAMES\tCONTAINER ID");
  yajl_tree_free (hdr);
}

/* A method: "<opaque>:<args joined by +>"; "fail" fails. */
static char *
method_echo (const char *const *args, size_t n, bool header, void *opaque, mk_error **err)
{
  if (header)
    return xstrdup ("LABEL");
  if (n == 1 && strcmp (args[0], "fail") == 0)
    return mk_error_set (err, 0, "no `fail`"), NULL;
  char *out = xstrdup (opaque);
  for (size_t i = 0; i < n; i++)
    {
      char *next = xasprintf ("%s%s%s", out, i ? "+" : ":", args[i]);
      free (out);
      out = next;
    }
  return out;
}

static void
test_methods (void **state)
{
  (void) state;
  mk_error *e = NULL;
  _cleanup_tmpl_ struct tmpl *t
    = tmpl_parse ("{{.Label \"a\"}} {{.Label \"x\" 3}} {{\"p\" | .Label}} {{$.Label .Names | upper}}", &e);
  assert_non_null (t);
  tmpl_add_method (t, "Label", method_echo, "row");
  const char *out = tmpl_exec (t, data, NULL, &e);
  assert_non_null (out);
  assert_string_equal (out, "row:a row:x+3 row:p ROW:WEB");
  tmpl_set_header_mode (t, true);
  out = tmpl_exec (t, data, NULL, &e);
  assert_string_equal (out, "LABEL LABEL LABEL LABEL");
  _cleanup_tmpl_ struct tmpl *bad = tmpl_parse ("{{.Label \"fail\"}}", &e);
  tmpl_add_method (bad, "Label", method_echo, "row");
  assert_null (tmpl_exec (bad, data, NULL, &e));
  assert_string_equal (e->msg, "template: :1:2: executing \"\" at <.Label>: error calling Label: no `fail`");
  mk_error_free (&e);
  /* without arguments it is a field: the row has none */
  _cleanup_tmpl_ struct tmpl *field = tmpl_parse ("{{.Label}}", &e);
  tmpl_add_method (field, "Label", method_echo, "row");
  assert_null (tmpl_exec (field, data, NULL, &e));
  mk_error_free (&e);
}

static void
test_reuse_and_uses_field (void **state)
{
  (void) state;
  mk_error *e = NULL;
  _cleanup_tmpl_ struct tmpl *t = tmpl_parse ("{{range .Env}}{{$x := .}}{{$x}}{{end}}{{.State.Pid}}", &e);
  assert_non_null (t);
  for (int i = 0; i < 1000; i++)
    {
      size_t len;
      const char *out = tmpl_exec (t, data, &len, &e);
      assert_string_equal (out, "A=1B=242");
      assert_int_equal (len, 8);
    }
  assert_true (tmpl_uses_field (t, "Pid"));
  assert_false (tmpl_uses_field (t, "Size"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_text_and_fields),  cmocka_unit_test (test_unknown_field),
    cmocka_unit_test (test_syntax_errors),    cmocka_unit_test (test_literals_and_vars),
    cmocka_unit_test (test_pipelines),        cmocka_unit_test (test_trim_markers),
    cmocka_unit_test (test_if),               cmocka_unit_test (test_range),
    cmocka_unit_test (test_functions),        cmocka_unit_test (test_limits),
    cmocka_unit_test (test_header_mode),      cmocka_unit_test (test_methods),
    cmocka_unit_test (test_reuse_and_uses_field),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
