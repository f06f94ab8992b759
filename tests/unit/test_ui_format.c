/* mocker/ui: Docker's sizes, durations, tables and progress bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker/ui/format.h"
#include "mocker/ui/progress.h"
#include "mocker/ui/table.h"
#include "mocker/ui/tabwriter.h"

static void
check_size (double bytes, const char *want)
{
  _cleanup_free_ char *s = ui_format_size (bytes);
  assert_string_equal (s, want);
}

static void
test_sizes (void **state)
{
  (void) state;
  check_size (0, "0B");
  check_size (1, "1B");
  check_size (999, "999B");
  check_size (1000, "1kB");
  check_size (1500, "1.5kB");
  check_size (4261000, "4.26MB");
  check_size (4300000, "4.3MB");
  check_size (77800000, "77.8MB");
  check_size (1234567890, "1.23GB");
  check_size (5e12, "5TB");
  _cleanup_free_ char *p4 = ui_format_size_prec (4261234, 4);
  assert_string_equal (p4, "4.261MB");
}

static void
test_labels (void **state)
{
  (void) state;
  _cleanup_free_ char *none = ui_format_labels (NULL);
  assert_string_equal (none, "");
  const char *text = "{\"a\":\"1\",\"b\":\"\",\"c\":\"x=y\"}";
  yajl_val v = yajl_tree_parse (text, NULL, 0);
  assert_non_null (v);
  _cleanup_free_ char *s = ui_format_labels (v);
  assert_string_equal (s, "a=1,b=,c=x=y");
  yajl_tree_free (v);
}

static void
check_duration (double s, const char *want)
{
  _cleanup_free_ char *d = ui_format_duration (s);
  assert_string_equal (d, want);
}

/* Docker's BytesSize (go-units): stats' memory, info's Total Memory */
static void
test_binary_sizes (void **state)
{
  (void) state;
  static const struct
  {
    double bytes;
    const char *want;
  } cases[] = {
    { 0, "0B" }, { 1023, "1023B" }, { 1024, "1KiB" }, { 1536, "1.5KiB" },
    { 4115660800.0, "3.833GiB" }, { 1125899906842624.0 * 2048, "2048PiB" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (cases); i++)
    {
      _cleanup_free_ char *s = ui_format_binary_size (cases[i].bytes);
      assert_string_equal (s, cases[i].want);
    }
}

static void
test_durations (void **state)
{
  (void) state;
  const double h = 3600, day = 24 * h;
  check_duration (0, "Less than a second");
  check_duration (0.9, "Less than a second");
  check_duration (1, "1 second");
  check_duration (2, "2 seconds");
  check_duration (59, "59 seconds");
  check_duration (60, "About a minute");
  check_duration (119, "About a minute");
  check_duration (120, "2 minutes");
  check_duration (59 * 60, "59 minutes");
  check_duration (h, "About an hour");
  check_duration (1.4 * h, "About an hour");
  check_duration (1.5 * h, "2 hours"); /* hours round to nearest */
  check_duration (47 * h, "47 hours");
  check_duration (48 * h, "2 days");
  check_duration (13 * day, "13 days");
  check_duration (14 * day, "2 weeks");
  check_duration (59 * day, "8 weeks");
  check_duration (60 * day, "2 months");
  check_duration (729 * day, "24 months");
  check_duration (730 * day, "2 years");
}

static void
test_ago (void **state)
{
  (void) state;
  _cleanup_free_ char *a = ui_format_ago (1000, 1000 + 2 * 3600);
  assert_string_equal (a, "2 hours ago");
  _cleanup_free_ char *f = ui_format_ago (2000, 1000); /* future: now */
  assert_string_equal (f, "Less than a second ago");
  _cleanup_free_ char *id = ui_short_id ("sha256:0123456789abcdef0123");
  assert_string_equal (id, "0123456789ab");
}

static void
test_table (void **state)
{
  (void) state;
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  _cleanup_ui_table_ struct ui_table *t = ui_table_new (3);
  ui_table_addv (t, "REPOSITORY", "TAG", "SIZE");
  ui_table_addv (t, "busybox", "latest", "4.26MB");
  ui_table_addv (t, "a-much-longer-name", NULL, "1B");
  ui_table_print (t, out);
  fclose (out);
  assert_string_equal (buf,
                       "REPOSITORY           TAG       SIZE\n"
                       "busybox              latest    4.26MB\n"
                       "a-much-longer-name             1B\n");
  free (buf);
}

static void
test_progress (void **state)
{
  (void) state;
  _cleanup_free_ char *half = ui_progress_bar (500, 1000, 10);
  assert_string_equal (half, "[====>     ]      500B/1kB");
  _cleanup_free_ char *full = ui_progress_bar (1000, 1000, 4);
  assert_string_equal (full, "[====]       1kB/1kB");
  _cleanup_free_ char *none = ui_progress_bar (0, 1000, 4);
  assert_string_equal (none, "[    ]        0B/1kB");
  _cleanup_free_ char *unknown = ui_progress_bar (1234, 0, 4);
  assert_string_equal (unknown, "1.234kB");
  _cleanup_free_ char *line = ui_progress_line ("sha256:0123456789abcdef", "Downloading", -1, 0);
  assert_string_equal (line, "0123456789ab: Downloading");
}

static void
check_tabwrite (const char *in, const char *want)
{
  char *out = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&out, &len);
  ui_tabwrite (in, strlen (in), f);
  fclose (f);
  if (strcmp (out, want) != 0)
    fail_msg ("tabwrite [%s]\n want [%s]\n  got [%s]", in, want, out);
  free (out);
}

/* Go's text/tabwriter with Docker's settings (minwidth 10, padding 3). */
static void
test_tabwriter (void **state)
{
  (void) state;
  check_tabwrite ("", "");
  check_tabwrite ("a\tb\nccc\td\n", "a         b\nccc       d\n");
  /* the widest cell + 3; the last cell of a line is never padded */
  check_tabwrite ("NAME\tSTATUS\nvery-long-name\tUp\n",
                  "NAME             STATUS\nvery-long-name   Up\n");
  /* a line without a tab ends the column block */
  check_tabwrite ("a\tb\tc\nx\nlong-cell-here\ty\n",
                  "a         b         c\nx\nlong-cell-here   y\n");
  /* cells are counted in code points */
  check_tabwrite ("\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9\tx\nab\ty\n",
                  "\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9-\xc3\xa9t\xc3\xa9   x\nab            y\n");
  /* an empty cell still takes its column's width; no newline at the end stays so */
  check_tabwrite ("\tb\nlonger-than-ten\tc", "                  b\nlonger-than-ten   c");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sizes),
    cmocka_unit_test (test_binary_sizes),
    cmocka_unit_test (test_labels),
    cmocka_unit_test (test_durations),
    cmocka_unit_test (test_ago),
    cmocka_unit_test (test_table),
    cmocka_unit_test (test_tabwriter),
    cmocka_unit_test (test_progress),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
