/* Container times (mocker/container/state.c): the RFC 3339 stamps the state
 * and every json-file log line carry, formatted by hand, against snprintf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mocker/container/state.h"

static void
test_format_matches_snprintf (void **state)
{
  (void) state;
  for (time_t t = 0; t < 4200000000; t += 7919 * 13)
    {
      struct timespec ts = { .tv_sec = t, .tv_nsec = (long) ((t * 7) % 1000000000) };
      struct tm tm;
      gmtime_r (&t, &tm);
      char want[64], got[CTR_TIME_SIZE];
      snprintf (want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
      ctr_time_format (&ts, got, sizeof got);
      if (strcmp (got, want) != 0)
        fail_msg ("%lld: got %s, want %s", (long long) t, got, want);
      assert_int_equal (ctr_time_parse (got), t);
    }
}

static void
test_small_buffer_and_now (void **state)
{
  (void) state;
  struct timespec ts = { .tv_sec = 951782400 + 3723, .tv_nsec = 5 };
  char buf[CTR_TIME_SIZE];
  ctr_time_format (&ts, buf, sizeof buf);
  assert_string_equal (buf, "2000-02-29T01:02:03.000000005Z");
  char small[CTR_TIME_SIZE - 1] = "x";
  ctr_time_format (&ts, small, sizeof small);
  assert_string_equal (small, "");
  char now[40];
  ctr_time_now (now, sizeof now);
  assert_int_equal (strlen (now), CTR_TIME_SIZE - 1);
  time_t parsed = ctr_time_parse (now);
  assert_true (parsed > 0 && parsed <= time (NULL));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_format_matches_snprintf),
    cmocka_unit_test (test_small_buffer_and_now),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
