/* update's helpers: sizes with units and the merge of new resources into a
 * kept configuration; and the terminal option rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/util.h"
#include "mocker-runtime/cgroup/resources_merge.h"
#include "mocker-runtime/process/terminal.h"

static int64_t
size_of (const char *s)
{
  int64_t v = 12345;
  _cleanup_error_ mk_error *err = NULL;
  assert_int_equal (resources_parse_size ("memory", s, &v, &err), 0);
  return v;
}

static void
test_sizes (void **state)
{
  (void) state;
  assert_int_equal (size_of ("512"), 512);
  assert_int_equal (size_of ("64k"), 64 << 10);
  assert_int_equal (size_of ("64K"), 64 << 10);
  assert_int_equal (size_of ("32m"), 32 << 20);
  assert_int_equal (size_of ("32mb"), 32 << 20);
  assert_int_equal (size_of ("2g"), 2LL << 30);
  assert_int_equal (size_of ("-1"), -1);
  const char *bad[] = { "", "lots", "12x", "-5", "1.5g", "99999999999999999999", "16ggg" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      _cleanup_error_ mk_error *err = NULL;
      int64_t v;
      assert_int_equal (resources_parse_size ("memory", bad[i], &v, &err), -1);
      assert_non_null (strstr (err->msg, "--memory: invalid size"));
    }
}

static void
test_merge_keeps_what_is_not_set (void **state)
{
  (void) state;
  _cleanup_spec_resources_ struct spec_resources *kept = xzalloc (sizeof *kept);
  struct spec_memory *m = resources_memory (kept);
  m->has_limit = true;
  m->limit = 100;
  m->has_swap = true;
  m->swap = 200;
  struct spec_cpu *c = resources_cpu (kept);
  c->has_shares = true;
  c->shares = 1024;
  c->cpus = xstrdup ("0-1");

  _cleanup_spec_resources_ struct spec_resources *req = xzalloc (sizeof *req);
  resources_memory (req)->has_limit = true;
  req->memory->limit = 300;
  resources_cpu (req)->mems = xstrdup ("0");
  req->pids = xzalloc (sizeof *req->pids);
  req->pids->has_limit = true;
  req->pids->limit = 7;
  spec_map_set (&req->unified, "memory.high", "1000");

  resources_merge (kept, req);
  assert_int_equal (kept->memory->limit, 300);
  assert_true (kept->memory->has_swap);
  assert_int_equal (kept->memory->swap, 200);
  assert_int_equal (kept->cpu->shares, 1024);
  assert_string_equal (kept->cpu->cpus, "0-1");
  assert_string_equal (kept->cpu->mems, "0");
  assert_ptr_not_equal (kept->cpu->mems, req->cpu->mems);
  assert_true (kept->pids->has_limit);
  assert_int_equal (kept->pids->limit, 7);
  assert_string_equal (spec_map_get (&kept->unified, "memory.high"), "1000");
  assert_null (kept->block_io);
}

static void
test_terminal_rules (void **state)
{
  (void) state;
  _cleanup_error_ mk_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
  assert_int_equal (terminal_check_options (true, true, NULL, &e1), -1);
  assert_non_null (strstr (e1->msg, "cannot allocate tty"));
  assert_int_equal (terminal_check_options (false, true, "/s", &e2), -1);
  assert_non_null (strstr (e2->msg, "cannot use console socket"));
  assert_int_equal (terminal_check_options (true, false, "/s", &e3), -1);
  assert_int_equal (terminal_check_options (true, true, "/s", NULL), 0);
  assert_int_equal (terminal_check_options (true, false, NULL, NULL), 0);
  assert_int_equal (terminal_check_options (false, false, NULL, NULL), 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sizes),
    cmocka_unit_test (test_merge_keeps_what_is_not_set),
    cmocka_unit_test (test_terminal_rules),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
