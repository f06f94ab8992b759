/* attach's detach keys (mocker/container/detach_keys.c): Docker's key names
 * and the matcher that holds back a possible start of the sequence. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/util.h"
#include "mocker/container/detach_keys.h"

static void
test_parse (void **state)
{
  (void) state;
  struct detach_keys dk;
  assert_int_equal (detach_keys_parse ("", &dk, NULL), 0);
  assert_int_equal (dk.len, 2);
  assert_int_equal (dk.keys[0], 0x10);
  assert_int_equal (dk.keys[1], 0x11);
  assert_int_equal (detach_keys_parse ("ctrl-a,x", &dk, NULL), 0);
  assert_int_equal (dk.len, 2);
  assert_int_equal (dk.keys[0], 1);
  assert_int_equal (dk.keys[1], 'x');
  assert_int_equal (detach_keys_parse ("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,ctrl-Z", &dk,
                                       NULL), 0);
  static const unsigned char want[] = { 0, 27, 28, 29, 30, 31, 26 };
  assert_int_equal (dk.len, sizeof want);
  assert_memory_equal (dk.keys, want, sizeof want);
  static const char *const bad[] = { "ctrl-", "ctrl-ab", "ctrl-1", "xy", "ctrl-a,,x", ",",
                                     "alt-a", "ctrl-a,ctrl-b,ctrl-c,ctrl-d,ctrl-e,ctrl-f,a,b,c,d,e,f,g,h,i,j,k" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      mk_error *e = NULL;
      if (detach_keys_parse (bad[i], &dk, &e) == 0)
        fail_msg ("`%s` accepted", bad[i]);
      assert_non_null (strstr (e->msg, "invalid detach keys"));
      mk_error_free (&e);
    }
}

/* Feeds text in chunks of `chunk` bytes; returns what passed and whether
 * the sequence completed. */
static bool
feed (struct detach_keys *dk, const char *text, size_t chunk, char *got)
{
  size_t n = strlen (text), len = 0;
  for (size_t i = 0; i < n; i += chunk)
    {
      unsigned char out[64];
      size_t o;
      size_t k = n - i < chunk ? n - i : chunk;
      bool done = detach_keys_filter (dk, (const unsigned char *) text + i, k, out, &o);
      memcpy (got + len, out, o);
      len += o;
      if (done)
        {
          got[len] = '\0';
          return true;
        }
    }
  got[len] = '\0';
  return false;
}

static void
test_filter (void **state)
{
  (void) state;
  struct detach_keys dk;
  char got[128];
  for (size_t chunk = 1; chunk <= 8; chunk++)
    {
      assert_int_equal (detach_keys_parse (NULL, &dk, NULL), 0);
      /* Plain input passes; the sequence ends it; what follows is not read. */
      assert_true (feed (&dk, "ab\n\x10\x11zz", chunk, got));
      assert_string_equal (got, "ab\n");
      /* A broken sequence is input after all, in order. */
      assert_int_equal (detach_keys_parse (NULL, &dk, NULL), 0);
      assert_false (feed (&dk, "\x10x\x10\x10y", chunk, got));
      assert_string_equal (got, "\x10x\x10\x10y");
      /* ctrl-p ctrl-p ctrl-q: the second ctrl-p starts the sequence again. */
      assert_int_equal (detach_keys_parse (NULL, &dk, NULL), 0);
      assert_true (feed (&dk, "a\x10\x10\x11", chunk, got));
      assert_string_equal (got, "a\x10");
      /* A held byte at the end of a chunk is not passed yet. */
      assert_int_equal (detach_keys_parse ("ctrl-a,x", &dk, NULL), 0);
      assert_false (feed (&dk, "ok\x01", chunk, got));
      assert_string_equal (got, "ok");
      assert_true (feed (&dk, "x", chunk, got));
      assert_string_equal (got, "");
    }
  /* One key detaches at once. */
  assert_int_equal (detach_keys_parse ("ctrl-c", &dk, NULL), 0);
  assert_true (feed (&dk, "ab\x03", 3, got));
  assert_string_equal (got, "ab");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse),
    cmocka_unit_test (test_filter),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
