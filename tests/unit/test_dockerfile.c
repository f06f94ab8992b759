/* mocker/build/dockerfile.c, expand.c and dockerignore.c: the Dockerfile
 * parser, Docker's word processing and the .dockerignore matcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/build/dockerfile.h"
#include "mocker/build/dockerignore.h"

static struct dockerfile *
parse_ok (const char *text)
{
  struct dockerfile *df = NULL;
  _cleanup_error_ mk_error *e = NULL;
  int r = dockerfile_parse (text, strlen (text), "Dockerfile", &df, &e);
  if (r < 0)
    fail_msg ("parse failed: %s", e->msg);
  return df;
}

static char *
parse_err (const char *text)
{
  struct dockerfile *df = NULL;
  mk_error *e = NULL;
  assert_int_equal (dockerfile_parse (text, strlen (text), "Dockerfile", &df, &e), -1);
  assert_null (df);
  char *msg = xstrdup (e->msg);
  mk_error_free (&e);
  return msg;
}

static void
test_continuations_and_comments (void **state)
{
  (void) state;
  _cleanup_dockerfile_ struct dockerfile *df = parse_ok (
      "# a comment\n"
      "\n"
      "from busybox AS base\n"
      "RUN echo a \\\n"
      "# a comment inside is dropped\n"
      "\n"
      "    b \\  \n"
      "  c\n"
      "  ENV A=1\r\n"
      "CMD [\"sh\", \"-c\", \"x\"]\n");
  assert_int_equal (df->n, 4);
  assert_string_equal (df->instrs[0].cmd, "FROM");
  assert_string_equal (df->instrs[0].args, "busybox AS base");
  assert_int_equal (df->instrs[0].line, 3);
  assert_string_equal (df->instrs[1].cmd, "RUN");
  assert_string_equal (df->instrs[1].args, "echo a     b   c");
  assert_int_equal (df->instrs[1].line, 4);
  assert_null (df->instrs[1].json);
  assert_string_equal (df->instrs[2].cmd, "ENV");
  assert_int_equal (df->instrs[2].line, 9);
  assert_non_null (df->instrs[3].json);
  assert_int_equal (strv_len (df->instrs[3].json), 3);
  assert_string_equal (df->instrs[3].json[2], "x");
}

static void
test_escape_directive (void **state)
{
  (void) state;
  _cleanup_dockerfile_ struct dockerfile *df = parse_ok (
      "# syntax=docker/dockerfile:1\n"
      "# escape=`\n"
      "FROM scratch\n"
      "COPY a\\b `\n"
      "  c:\\d\\\n");
  assert_int_equal (df->escape, '`');
  assert_int_equal (df->n, 2);
  assert_string_equal (df->instrs[1].args, "a\\b   c:\\d\\");
  /* A directive after a comment is a comment: the escape stays '\'. */
  _cleanup_dockerfile_ struct dockerfile *df2 = parse_ok ("# hello\n# escape=`\nFROM x \\\n  AS y\n");
  assert_int_equal (df2->escape, '\\');
  assert_string_equal (df2->instrs[0].args, "x   AS y");
  _cleanup_free_ char *m = parse_err ("# escape=x\nFROM a\n");
  assert_non_null (strstr (m, "line 1: invalid escape token"));
}

static void
test_forms_and_flags (void **state)
{
  (void) state;
  _cleanup_dockerfile_ struct dockerfile *df = parse_ok (
      "FROM --platform=linux/amd64 busybox\n"
      "COPY --from=build --chown=1:2 [\"a b\", \"/c/\"]\n"
      "RUN [\"echo\", not json]\n"
      "ENTRYPOINT [\"/bin/x\"]\n"
      "CMD --help\n");
  assert_string_equal (df_flag (&df->instrs[0], "platform", NULL), "linux/amd64");
  assert_string_equal (df->instrs[0].args, "busybox");
  assert_string_equal (df_flag (&df->instrs[1], "from", NULL), "build");
  assert_string_equal (df_flag (&df->instrs[1], "chown", NULL), "1:2");
  assert_null (df_flag (&df->instrs[1], "chmod", NULL));
  assert_non_null (df->instrs[1].json);
  assert_string_equal (df->instrs[1].json[0], "a b");
  /* Not valid JSON: shell form, as Docker. */
  assert_null (df->instrs[2].json);
  assert_string_equal (df->instrs[2].args, "[\"echo\", not json]");
  assert_non_null (df->instrs[3].json);
  /* CMD takes no flags. */
  assert_string_equal (df->instrs[4].args, "--help");
}

static void
test_bad_input (void **state)
{
  (void) state;
  _cleanup_free_ char *m1 = parse_err ("FROM a\n\nFOO bar\n");
  assert_string_equal (m1, "Dockerfile line 3: unknown instruction: FOO");
  _cleanup_free_ char *m2 = parse_err ("FROM a\nRUN\n");
  assert_non_null (strstr (m2, "line 2: RUN requires at least one argument"));
  _cleanup_free_ char *m3 = parse_err ("FROM a\nRUN <<EOF\necho\nEOF\n");
  assert_non_null (strstr (m3, "line 2: heredocs"));
}

static const char *
lookup (const char *name, void *opaque)
{
  (void) opaque;
  if (strcmp (name, "A") == 0)
    return "aa";
  if (strcmp (name, "EMPTY") == 0)
    return "";
  if (strcmp (name, "SP") == 0)
    return "x y";
  return NULL;
}

static void
expect (const char *word, const char *want)
{
  _cleanup_error_ mk_error *e = NULL;
  _cleanup_free_ char *got = df_expand_word (word, '\\', lookup, NULL, &e);
  if (got == NULL)
    fail_msg ("`%s`: %s", word, e->msg);
  if (strcmp (got, want) != 0)
    fail_msg ("`%s`: got `%s`, want `%s`", word, got, want);
}

static void
test_expansion (void **state)
{
  (void) state;
  expect ("$A", "aa");
  expect ("${A}b", "aab");
  expect ("$Ab", "");
  expect ("${UNSET:-def}", "def");
  expect ("${EMPTY:-def}", "def");
  expect ("${EMPTY-def}", "");
  expect ("${A:-def}", "aa");
  expect ("${A:+alt}", "alt");
  expect ("${UNSET:+alt}", "");
  expect ("${EMPTY:+alt}", "");
  expect ("${EMPTY+alt}", "alt");
  expect ("${UNSET:-${A}x}", "aax");
  expect ("'$A'", "$A");
  expect ("\"$A b\"", "aa b");
  expect ("\\$A", "$A");
  expect ("a\\ b", "a b");
  expect ("\"a\\\"b\"", "a\"b");
  expect ("$", "$");
  expect ("cost $5", "cost ");
  _cleanup_error_ mk_error *e = NULL;
  assert_null (df_expand_word ("${A", '\\', lookup, NULL, &e));
  assert_non_null (strstr (e->msg, "missing `}`"));
  mk_error_free (&e);
  assert_null (df_expand_word ("'abc", '\\', lookup, NULL, &e));
  assert_non_null (strstr (e->msg, "single-quote"));
  mk_error_free (&e);
  assert_null (df_expand_word ("${UNSET:?need it}", '\\', lookup, NULL, &e));
  assert_string_equal (e->msg, "UNSET: need it");
  mk_error_free (&e);
  /* The escape directive's character. */
  _cleanup_free_ char *w = df_expand_word ("`$A c:\\x", '`', lookup, NULL, &e);
  assert_string_equal (w, "$A c:\\x");

  _cleanup_strv_ char **words = df_expand_words ("a \"b c\" $A ''  '$A'", '\\', lookup, NULL, &e);
  assert_non_null (words);
  assert_int_equal (strv_len (words), 5);
  assert_string_equal (words[1], "b c");
  assert_string_equal (words[2], "aa");
  assert_string_equal (words[3], "");
  assert_string_equal (words[4], "$A");
  _cleanup_strv_ char **kv = df_split_words ("A=\"x y\" B='z'  C=d\\ e", '\\');
  assert_int_equal (strv_len (kv), 3);
  assert_string_equal (kv[0], "A=\"x y\"");
  assert_string_equal (kv[2], "C=d\\ e");
}

static void
test_ignore_match (void **state)
{
  (void) state;
  assert_true (dockerignore_match ("*.txt", "a.txt"));
  assert_false (dockerignore_match ("*.txt", "d/a.txt"));
  assert_true (dockerignore_match ("*/*.txt", "d/a.txt"));
  assert_true (dockerignore_match ("**/*.txt", "a.txt"));
  assert_true (dockerignore_match ("**/*.txt", "d/e/a.txt"));
  assert_true (dockerignore_match ("d/**/x", "d/x"));
  assert_true (dockerignore_match ("d/**/x", "d/a/b/x"));
  assert_false (dockerignore_match ("d/**/x", "e/a/x"));
  assert_true (dockerignore_match ("**", "any/thing"));
  assert_true (dockerignore_match ("a?c", "abc"));
  assert_false (dockerignore_match ("a?c", "a/c"));
  assert_true (dockerignore_match ("[a-c]x", "bx"));
  assert_false (dockerignore_match ("[^a-c]x", "bx"));
  assert_true (dockerignore_match ("\\*x", "*x"));
  assert_false (dockerignore_match ("\\*x", "ax"));
  assert_true (dockerignore_match ("*", ".hidden"));
}

static void
test_ignore_rules (void **state)
{
  (void) state;
  _cleanup_dockerignore_ struct dockerignore *d = dockerignore_new (
      "# comment\n"
      "  \n"
      "/logs\n"
      "./tmp//\n"
      "*.md\n"
      "!README.md\n"
      "build\n"
      "!build/keep\n"
      "secret*\n"
      "!secret.pub\n"
      "secret.pub\n");
  assert_true (dockerignore_excluded (d, "logs"));
  assert_true (dockerignore_excluded (d, "logs/a/b.log")); /* a parent matches */
  assert_true (dockerignore_excluded (d, "tmp/x"));
  assert_true (dockerignore_excluded (d, "CHANGES.md"));
  assert_false (dockerignore_excluded (d, "README.md"));
  assert_false (dockerignore_excluded (d, "docs/x.md"));   /* *.md: the top only */
  assert_true (dockerignore_excluded (d, "build/out"));
  assert_false (dockerignore_excluded (d, "build/keep"));
  assert_true (dockerignore_excluded (d, "secret.pub"));   /* the last match wins */
  assert_false (dockerignore_excluded (d, "src/main.c"));
  assert_true (dockerignore_has_exceptions (d));
  _cleanup_dockerignore_ struct dockerignore *none = dockerignore_new (NULL);
  assert_false (dockerignore_excluded (none, "x"));
  assert_false (dockerignore_has_exceptions (none));

  _cleanup_free_ char *c1 = dockerignore_clean ("./a//b/../c/");
  assert_string_equal (c1, "a/c");
  _cleanup_free_ char *c2 = dockerignore_clean ("/../x");
  assert_string_equal (c2, "/x");
  _cleanup_free_ char *c3 = dockerignore_clean ("../x/..");
  assert_string_equal (c3, "..");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_continuations_and_comments),
    cmocka_unit_test (test_escape_directive),
    cmocka_unit_test (test_forms_and_flags),
    cmocka_unit_test (test_bad_input),
    cmocka_unit_test (test_expansion),
    cmocka_unit_test (test_ignore_match),
    cmocka_unit_test (test_ignore_rules),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
