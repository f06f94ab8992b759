/* The cgroup v2 device program: built from rules, then run by a small
 * interpreter of the instructions it uses, against the questions the kernel
 * asks (type, major, minor, access).  The kernel's own verdict is tested on
 * the v2 VM (tests/runtime/devices.bats). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

/* Runs prog on one context; fails the test on an instruction it does not know
 * or a jump out of the program. */
static int
run (const struct bpf_insn *p, size_t n, unsigned type, unsigned access, uint32_t major,
     uint32_t minor)
{
  struct bpf_cgroup_dev_ctx ctx = { (access << 16) | type, major, minor };
  uint64_t r[11] = { 0 };
  bool r0_set = false;
  for (size_t pc = 0; pc < n; pc++)
    {
      const struct bpf_insn *i = &p[pc];
      uint32_t k = (uint32_t) i->imm;
      switch (i->code)
        {
        case BPF_LDX | BPF_MEM | BPF_W:
          assert_int_equal (i->src_reg, BPF_REG_1);
          assert_true (i->off >= 0 && (size_t) i->off + 4 <= sizeof ctx);
          {
            uint32_t v;
            memcpy (&v, (const char *) &ctx + i->off, 4);
            r[i->dst_reg] = v;
          }
          break;
        case BPF_ALU | BPF_MOV | BPF_X: r[i->dst_reg] = (uint32_t) r[i->src_reg]; break;
        case BPF_ALU | BPF_MOV | BPF_K: r[i->dst_reg] = k; if (i->dst_reg == 0) r0_set = true; break;
        case BPF_ALU | BPF_AND | BPF_K: r[i->dst_reg] = (uint32_t) r[i->dst_reg] & k; break;
        case BPF_ALU | BPF_RSH | BPF_K: r[i->dst_reg] = (uint32_t) r[i->dst_reg] >> k; break;
        case BPF_JMP | BPF_JNE | BPF_K:
          if (r[i->dst_reg] != (uint64_t) (int64_t) i->imm)
            pc += i->off;
          break;
        case BPF_JMP | BPF_JEQ | BPF_K:
          if (r[i->dst_reg] == (uint64_t) (int64_t) i->imm)
            pc += i->off;
          break;
        case BPF_JMP | BPF_EXIT:
          assert_true (r0_set);
          return (int) r[0];
        default:
          fail_msg ("unknown instruction 0x%02x at %zu", i->code, pc);
        }
      assert_true (pc + 1 <= n);
    }
  fail_msg ("fell off the end of the program");
  return -1;
}

/* What the kernel's check_cfg refuses: a jump out of the program, an
 * instruction no path reaches, a path falling off the end. */
static void
check_cfg (const struct bpf_insn *p, size_t n)
{
  _cleanup_free_ bool *seen = xzalloc (n * sizeof *seen);
  _cleanup_free_ size_t *todo = xzalloc ((2 * n + 1) * sizeof *todo);
  size_t top = 0;
  todo[top++] = 0;
  while (top > 0)
    {
      size_t pc = todo[--top];
      assert_true (pc < n);
      if (seen[pc])
        continue;
      seen[pc] = true;
      if (p[pc].code == (BPF_JMP | BPF_EXIT))
        continue;
      todo[top++] = pc + 1;
      if (BPF_CLASS (p[pc].code) == BPF_JMP)
        todo[top++] = pc + 1 + p[pc].off;
    }
  for (size_t i = 0; i < n; i++)
    if (!seen[i])
      fail_msg ("unreachable instruction %zu of %zu", i, n);
}

enum { C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK };
enum { M = BPF_DEVCG_ACC_MKNOD, R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE };

struct prog { struct bpf_insn *insns; size_t n; };

static struct prog
build (struct spec_device_cgroup *devs, size_t n)
{
  struct spec_resources res = { .devices = devs, .n_devices = n };
  _cleanup_free_ struct cgroup_dev_rule *rules = NULL;
  size_t n_rules;
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_dev_rules_from_spec (&res, &rules, &n_rules, &e), 0);
  struct prog p;
  p.insns = cgroup_dev_program (rules, n_rules, &p.n);
  check_cfg (p.insns, p.n);
  return p;
}

#define DEV(allow_, type_, major_, minor_, access_)                                      \
  { .allow = allow_, .type = (char *) type_, .has_major = (major_) != -2, .major = major_, \
    .has_minor = (minor_) != -2, .minor = minor_, .access = (char *) access_ }
/* -2: absent (wildcard), like -1. */

static void
test_deny_all_keeps_defaults (void **state)
{
  (void) state;
  struct spec_device_cgroup devs[] = { DEV (false, NULL, -2, -2, "rwm") };
  struct prog p = build (devs, 1);
  /* The host's tty1, its first disk: denied for read and write... */
  assert_int_equal (run (p.insns, p.n, C, R | W, 4, 1), 0);
  assert_int_equal (run (p.insns, p.n, B, R, 8, 0), 0);
  assert_int_equal (run (p.insns, p.n, B, W, 8, 0), 0);
  /* ... mknod of anything allowed (as Docker) ... */
  assert_int_equal (run (p.insns, p.n, C, M, 4, 1), 1);
  assert_int_equal (run (p.insns, p.n, B, M, 8, 0), 1);
  /* ... the default devices usable. */
  static const uint32_t ok[][2] = { { 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 },
                                    { 5, 0 }, { 5, 2 }, { 136, 0 }, { 136, 7 }, { 10, 200 } };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    assert_int_equal (run (p.insns, p.n, C, R | W, ok[i][0], ok[i][1]), 1);
  /* access(F_OK) asks with no access bit: the allowed devices still answer. */
  assert_int_equal (run (p.insns, p.n, C, 0, 1, 3), 1);
  /* Not block devices with those numbers. */
  assert_int_equal (run (p.insns, p.n, B, R, 1, 3), 0);
  free (p.insns);
}

static void
test_later_rules_override (void **state)
{
  (void) state;
  /* A later deny of the same device takes back what an allow gave. */
  struct spec_device_cgroup allow_then_deny[] = {
    DEV (false, "a", -1, -1, "rwm"), DEV (true, "c", 4, 1, "rw"), DEV (false, "c", 4, 1, "w"),
  };
  struct prog p = build (allow_then_deny, ARRAY_SIZE (allow_then_deny));
  assert_int_equal (run (p.insns, p.n, C, R, 4, 1), 1);
  assert_int_equal (run (p.insns, p.n, C, W, 4, 1), 0);
  assert_int_equal (run (p.insns, p.n, C, R | W, 4, 1), 0);
  free (p.insns);

  /* A later allow over a deny; a wildcard minor. */
  struct spec_device_cgroup deny_then_allow[] = {
    DEV (false, NULL, -2, -2, NULL), DEV (false, "c", 4, 1, "rwm"), DEV (true, "c", 4, -2, "r"),
  };
  p = build (deny_then_allow, ARRAY_SIZE (deny_then_allow));
  assert_int_equal (run (p.insns, p.n, C, R, 4, 1), 1);
  assert_int_equal (run (p.insns, p.n, C, R, 4, 63), 1);
  assert_int_equal (run (p.insns, p.n, C, R | W, 4, 1), 0); /* w not allowed */
  assert_int_equal (run (p.insns, p.n, C, R, 5, 1), 0);
  free (p.insns);

  /* As v1: a deny only takes back the exception with the same numbers, so
   * "c 4:* w" leaves "c 4:1 rw" alone. */
  struct spec_device_cgroup wildcard_deny[] = {
    DEV (false, "a", -1, -1, "rwm"), DEV (true, "c", 4, 1, "rw"), DEV (false, "c", 4, -1, "w"),
  };
  p = build (wildcard_deny, ARRAY_SIZE (wildcard_deny));
  assert_int_equal (run (p.insns, p.n, C, W, 4, 1), 1);
  free (p.insns);

  /* A type "a" rule resets everything before it, whatever its numbers. */
  struct spec_device_cgroup reset[] = {
    DEV (false, "a", -1, -1, "rwm"), DEV (true, "c", 4, 1, "rw"), DEV (true, "a", 1, 3, "r"),
    DEV (false, "b", 8, -1, "w"),
  };
  p = build (reset, ARRAY_SIZE (reset));
  assert_int_equal (run (p.insns, p.n, C, R | W, 7, 7), 1);
  assert_int_equal (run (p.insns, p.n, B, R, 8, 1), 1);
  assert_int_equal (run (p.insns, p.n, B, R | W, 8, 1), 0);
  free (p.insns);
}

static void
test_no_deny_all_allows_the_rest (void **state)
{
  (void) state;
  /* As a v1 group under a parent allowing everything: only the denied go,
   * and a deny matches on any requested bit. */
  struct spec_device_cgroup devs[] = { DEV (false, "b", 8, -1, "rw") };
  struct prog p = build (devs, 1);
  assert_int_equal (run (p.insns, p.n, B, R, 8, 16), 0);
  assert_int_equal (run (p.insns, p.n, B, R | M, 8, 16), 0);
  assert_int_equal (run (p.insns, p.n, B, M, 8, 16), 1);
  assert_int_equal (run (p.insns, p.n, C, R | W, 4, 1), 1);
  free (p.insns);
}

static void
test_bad_rules (void **state)
{
  (void) state;
  struct spec_device_cgroup big[] = { DEV (true, "c", 4294967296LL, 1, "rw") };
  struct spec_resources res = { .devices = big, .n_devices = 1 };
  _cleanup_free_ struct cgroup_dev_rule *rules = NULL;
  size_t n;
  _cleanup_error_ mk_error *e = NULL;
  assert_int_equal (cgroup_dev_rules_from_spec (&res, &rules, &n, &e), -1);
  assert_string_equal (e->msg, "linux.resources.devices[0].major: 4294967296 is out of range");
  struct spec_device_cgroup access[] = { DEV (true, "c", 1, 1, "rx") };
  res.devices = access;
  mk_error_free (&e);
  assert_int_equal (cgroup_dev_rules_from_spec (&res, &rules, &n, &e), -1);
  assert_string_equal (e->msg, "linux.resources.devices[0].access: invalid \"rx\"");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_deny_all_keeps_defaults),
    cmocka_unit_test (test_later_rules_override),
    cmocka_unit_test (test_no_deny_all_allows_the_rest),
    cmocka_unit_test (test_bad_rules),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
