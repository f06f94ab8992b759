/* mocker/ui/timearg.c: the --since / --until values, as Docker's
 * timetypes.GetTimestamp reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "mocker/ui/timearg.h"

#define NS 1000000000LL
/* 2026-12-04T10:11:12Z */
#define REF_S 1796379072LL
#define REF (REF_S * NS)

static long long
ok (const char *v)
{
  long long out = 0;
  mk_error *err = NULL;
  if (ui_parse_timestamp (v, REF, &out, &err) < 0)
    fail_msg ("%s: %s", v, err->msg);
  return out;
}

static void
bad (const char *v, const char *want)
{
  long long out = 0;
  mk_error *err = NULL;
  if (ui_parse_timestamp (v, REF, &out, &err) == 0)
    fail_msg ("%s accepted as %lld", v, out);
  if (strstr (err->msg, want) == NULL)
    fail_msg ("%s: %s (want %s)", v, err->msg, want);
  mk_error_free (&err);
}

static void
test_durations (void **state)
{
  (void) state;
  assert_true (ok ("10m") == REF - 600 * NS);
  assert_true (ok ("1h30m") == REF - 5400 * NS);
  assert_true (ok ("1.5s") == REF - 1500000000LL);
  assert_true (ok ("-5s") == REF + 5 * NS);
  assert_true (ok ("+2h") == REF - 7200 * NS);
  assert_true (ok ("0s") == REF);
}

static void
test_unix (void **state)
{
  (void) state;
  assert_true (ok ("0") == 0);  /* "0" is a time, not a duration */
  assert_true (ok ("1796379072") == REF);
  assert_true (ok ("1796379072.5") == REF + 500000000LL);
  assert_true (ok ("1796379072.000000001") == REF + 1);
  assert_true (ok ("1796379072.1234567891") == REF + 123456789);
  bad ("abc", "failed to parse value as time or duration: \"abc\"");
  bad ("12.", "failed to parse");
  bad ("12.x", "failed to parse");
  bad ("", "failed to parse");
  bad ("10 m", "failed to parse");
}

static void
test_rfc3339 (void **state)
{
  (void) state;
  assert_true (ok ("2026-12-04T10:11:12Z") == REF);
  assert_true (ok ("2026-12-04T10:11:12.25Z") == REF + 250000000LL);
  assert_true (ok ("2026-12-04T11:11:12+01:00") == REF);
  assert_true (ok ("2026-12-04T09:11:12-01:00") == REF);
  assert_true (ok ("2026-12-04T10:11Z") == REF - 12 * NS);
  assert_true (ok ("2026-12-04T10Z") == REF - 672 * NS);
  assert_true (ok ("2026-12-04Z") == REF - 36672 * NS);
  bad ("2026-13-04", "parsing time");
  bad ("2026-02-29", "parsing time");
  bad ("2026-12-04T25:00:00Z", "parsing time");
  bad ("2026-12-04T10:11:12.Z", "parsing time");
  bad ("2026-12-04 10:11:12", "parsing time");
  long long ns;
  assert_true (ui_parse_rfc3339 ("2026-12-04T10:11:12.000000007Z", &ns) && ns == REF + 7);
  assert_false (ui_parse_rfc3339 ("2026-12-04", &ns));
  assert_false (ui_parse_rfc3339 (NULL, &ns));
}

static void
test_local_zone (void **state)
{
  (void) state;
  /* Without a zone the local one applies: one hour east of UTC here. */
  setenv ("TZ", "UTC-1", 1);
  tzset ();
  assert_true (ok ("2026-12-04T11:11:12") == REF);
  assert_true (ok ("2026-12-04T11:11") == REF - 12 * NS);
  assert_true (ok ("2026-12-05") == REF - 36672 * NS + (24 - 1) * 3600 * NS);
  setenv ("TZ", "UTC", 1);
  tzset ();
  assert_true (ok ("2026-12-04T10:11:12") == REF);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_durations),
    cmocka_unit_test (test_unix),
    cmocka_unit_test (test_rfc3339),
    cmocka_unit_test (test_local_zone),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
