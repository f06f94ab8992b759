/* The runtime's allocator (mocker-runtime/alloc.c), called directly: in this
 * glibc build malloc() stays glibc's, so rt_* is tested on its own. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mocker-runtime/alloc.h"

/* Every size gets a 16-byte aligned block that holds it, and blocks do not
 * overlap: each is filled with its own byte and checked after all exist. */
static void
test_sizes_alignment_and_separation (void **state)
{
  (void) state;
  enum { N = 64 };
  static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 4096, 4097, 65536, 131056, 131057,
                                  300000 };
  unsigned char *blocks[N][sizeof sizes / sizeof sizes[0]];
  for (int i = 0; i < N; i++)
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
      {
        unsigned char *p = rt_malloc (sizes[s]);
        assert_non_null (p);
        assert_int_equal ((uintptr_t) p % 16, 0);
        assert_true (rt_usable_size (p) >= sizes[s]);
        memset (p, (i * 13 + (int) s) & 0xff, sizes[s]);
        blocks[i][s] = p;
      }
  for (int i = 0; i < N; i++)
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
      {
        for (size_t k = 0; k < sizes[s]; k += 1 + sizes[s] / 7)
          assert_int_equal (blocks[i][s][k], (i * 13 + (int) s) & 0xff);
        rt_free (blocks[i][s]);
      }
}

/* A freed block is handed out again for the same class. */
static void
test_free_blocks_are_reused (void **state)
{
  (void) state;
  void *a = rt_malloc (40);
  rt_free (a);
  void *b = rt_malloc (33);
  assert_ptr_equal (a, b);
  rt_free (b);
  rt_free (NULL);
}

static void
test_calloc_zeroes_recycled_blocks (void **state)
{
  (void) state;
  unsigned char *p = rt_malloc (200);
  memset (p, 0xaa, 200);
  rt_free (p);
  unsigned char *z = rt_calloc (50, 4);
  assert_ptr_equal (z, p);
  for (int i = 0; i < 200; i++)
    assert_int_equal (z[i], 0);
  rt_free (z);
  errno = 0;
  assert_null (rt_calloc (SIZE_MAX / 2, 4));
  assert_int_equal (errno, ENOMEM);
  assert_null (rt_malloc (SIZE_MAX - 8));
}

/* realloc keeps the contents, in place while the block has room. */
static void
test_realloc_grows_and_keeps_contents (void **state)
{
  (void) state;
  char *p = rt_realloc (NULL, 10);
  strcpy (p, "container");
  char *same = rt_realloc (p, 16);
  assert_ptr_equal (same, p);
  char *q = same;
  for (size_t n = 32; n <= 1 << 20; n *= 2)
    {
      q = rt_realloc (q, n);
      assert_non_null (q);
      assert_string_equal (q, "container");
      q[n - 1] = 'x';
    }
  rt_free (q);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sizes_alignment_and_separation),
    cmocka_unit_test (test_free_blocks_are_reused),
    cmocka_unit_test (test_calloc_zeroes_recycled_blocks),
    cmocka_unit_test (test_realloc_grows_and_keeps_contents),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
