/* Restart policies (mocker/container/restart.c): parsing as Docker accepts
 * them, when the monitor restarts, and the back-off. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mocker/container/restart.h"

static void
test_parse (void **state)
{
  (void) state;
  struct ctr_restart p;
  assert_int_equal (ctr_restart_parse ("no", &p), 0);
  assert_int_equal (p.name, RESTART_NO);
  assert_int_equal (ctr_restart_parse ("", &p), 0);
  assert_int_equal (p.name, RESTART_NO);
  assert_int_equal (ctr_restart_parse ("always", &p), 0);
  assert_int_equal (p.name, RESTART_ALWAYS);
  assert_int_equal (ctr_restart_parse ("unless-stopped", &p), 0);
  assert_int_equal (p.name, RESTART_UNLESS_STOPPED);
  assert_int_equal (ctr_restart_parse ("on-failure", &p), 0);
  assert_int_equal (p.name, RESTART_ON_FAILURE);
  assert_int_equal (p.max_retries, 0);
  assert_int_equal (ctr_restart_parse ("on-failure:3", &p), 0);
  assert_int_equal (p.max_retries, 3);
  static const char *const bad[] = { "bogus", "always:2", "no:1", "on-failure:", "on-failure:x",
                                     "on-failure:-1", "on-failure:2x", "alway", "alwaysx" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (ctr_restart_parse (bad[i], &p) == 0)
      fail_msg ("`%s` accepted", bad[i]);
}

static void
test_due (void **state)
{
  (void) state;
  struct ctr_restart p;
  ctr_restart_parse ("on-failure:2", &p);
  assert_true (ctr_restart_due (&p, 1, 0, false));
  assert_true (ctr_restart_due (&p, 1, 1, false));
  assert_false (ctr_restart_due (&p, 1, 2, false));
  assert_false (ctr_restart_due (&p, 0, 0, false));
  assert_false (ctr_restart_due (&p, 1, 0, true));
  ctr_restart_parse ("on-failure", &p);
  assert_true (ctr_restart_due (&p, 137, 1000, false));
  ctr_restart_parse ("always", &p);
  assert_true (ctr_restart_due (&p, 0, 1000, false));
  assert_false (ctr_restart_due (&p, 0, 0, true));
  ctr_restart_parse ("no", &p);
  assert_false (ctr_restart_due (&p, 1, 0, false));
}

static void
test_backoff (void **state)
{
  (void) state;
  assert_int_equal (ctr_restart_delay_ms (0), 100);
  assert_int_equal (ctr_restart_delay_ms (1), 200);
  assert_int_equal (ctr_restart_delay_ms (5), 3200);
  assert_int_equal (ctr_restart_delay_ms (9), 51200);
  assert_int_equal (ctr_restart_delay_ms (10), 60000);
  assert_int_equal (ctr_restart_delay_ms (1000), 60000);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse),
    cmocka_unit_test (test_due),
    cmocka_unit_test (test_backoff),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
