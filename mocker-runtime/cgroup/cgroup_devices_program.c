/* The cgroup v2 device policy as an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE):
 * pure code, no system call.  cgroup_v2_devices.c loads and attaches it.
 *
 * The kernel runs the program on every mknod and open of a device node with
 * a struct bpf_cgroup_dev_ctx (linux/bpf.h):
 *   access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*,  major,  minor
 * and allows the access when it returns 1.
 *
 * Semantics: exactly those of the v1 devices controller the rules were
 * made for (and that cgroup_v1.c writes them to), so a config means the
 * same on both.  The rules are applied in order to a v1-style state, a
 * default (allow or deny, starting as allow like a new group under a parent
 * that allows everything) and a list of exceptions to it:
 *   - a type "a" rule resets: default = the rule's verdict, no exceptions
 *     (the kernel ignores its numbers and access);
 *   - a rule whose verdict is the default's removes its access bits from
 *     the exception with the same type and numbers (exact match only);
 *   - any other rule adds its access bits to that exception.
 * An access is then allowed, with a deny default, when an exception of its
 * type and numbers (wildcards match any) holds every requested bit; with an
 * allow default, unless an exception holds any requested bit.  So later
 * rules override earlier ones where they name the same devices.  The
 * program has one block per exception and returns at the first match. */
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "mocker-runtime/cgroup/cgroup_internal.h"

/* The devices every container needs, allowed after the config's rules (as
 * on v1, cgroup_v1.c): mknod of any node, null, zero, full, random,
 * urandom, tty, ptmx, the pts of its own devpts, tun. */
static const struct cgroup_dev_rule default_rules[] = {
  { true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD },
  { true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD },
  { true, 'c', 1, 3, CGROUP_DEV_RWM }, { true, 'c', 1, 5, CGROUP_DEV_RWM },
  { true, 'c', 1, 7, CGROUP_DEV_RWM }, { true, 'c', 1, 8, CGROUP_DEV_RWM },
  { true, 'c', 1, 9, CGROUP_DEV_RWM }, { true, 'c', 5, 0, CGROUP_DEV_RWM },
  { true, 'c', 5, 2, CGROUP_DEV_RWM }, { true, 'c', 136, -1, CGROUP_DEV_RWM },
  { true, 'c', 10, 200, CGROUP_DEV_RWM },
};

int
cgroup_dev_rules_from_spec (const struct spec_resources *res, struct cgroup_dev_rule **out,
                            size_t *n, mk_error **err)
{
  *out = NULL;
  *n = 0;
  size_t total = res->n_devices + ARRAY_SIZE (default_rules);
  _cleanup_free_ struct cgroup_dev_rule *rules = xzalloc (total * sizeof *rules);
  for (size_t i = 0; i < res->n_devices; i++)
    {
      const struct spec_device_cgroup *d = &res->devices[i];
      struct cgroup_dev_rule *r = &rules[i];
      const char *type = d->type && d->type[0] ? d->type : "a";
      if (strcmp (type, "a") && strcmp (type, "b") && strcmp (type, "c"))
        return mk_error_set (err, 0, "linux.resources.devices[%zu].type: invalid \"%s\"", i, type);
      r->allow = d->allow;
      r->type = type[0];
      /* Device numbers are 32-bit in the kernel (12-bit major, 20-bit
       * minor); the program compares with 32-bit immediates. */
      if (d->has_major && d->major > INT32_MAX)
        return mk_error_set (err, 0, "linux.resources.devices[%zu].major: %" PRId64 " is out of range",
                             i, d->major);
      if (d->has_minor && d->minor > INT32_MAX)
        return mk_error_set (err, 0, "linux.resources.devices[%zu].minor: %" PRId64 " is out of range",
                             i, d->minor);
      r->major = d->has_major && d->major >= 0 ? d->major : -1;
      r->minor = d->has_minor && d->minor >= 0 ? d->minor : -1;
      const char *access = d->access && d->access[0] ? d->access : "rwm";
      for (const char *a = access; *a; a++)
        switch (*a)
          {
          case 'r': r->access |= BPF_DEVCG_ACC_READ; break;
          case 'w': r->access |= BPF_DEVCG_ACC_WRITE; break;
          case 'm': r->access |= BPF_DEVCG_ACC_MKNOD; break;
          default:
            return mk_error_set (err, 0, "linux.resources.devices[%zu].access: invalid \"%s\"",
                                 i, access);
          }
    }
  memcpy (rules + res->n_devices, default_rules, sizeof default_rules);
  *out = STEAL (rules);
  *n = total;
  return 0;
}

/* ---- the v1 state ---- */

struct dev_state
{
  bool default_allow;
  struct cgroup_dev_rule *ex; size_t n_ex; /* exceptions: type 'b'/'c', allow unused */
};

static struct cgroup_dev_rule *
find_exception (struct dev_state *st, const struct cgroup_dev_rule *r)
{
  for (size_t i = 0; i < st->n_ex; i++)
    if (st->ex[i].type == r->type && st->ex[i].major == r->major && st->ex[i].minor == r->minor)
      return &st->ex[i];
  return NULL;
}

static void
apply_rule (struct dev_state *st, const struct cgroup_dev_rule *r)
{
  if (r->type == 'a')
    {
      st->default_allow = r->allow;
      st->n_ex = 0;
      return;
    }
  struct cgroup_dev_rule *ex = find_exception (st, r);
  if (r->allow == st->default_allow)
    {
      if (ex)
        {
          ex->access &= ~r->access;
          if (ex->access == 0)
            *ex = st->ex[--st->n_ex];
        }
      return;
    }
  if (ex)
    {
      ex->access |= r->access;
      return;
    }
  st->ex[st->n_ex] = *r;
  st->ex[st->n_ex].access &= CGROUP_DEV_RWM;
  st->n_ex++;
}

/* ---- instructions (the kernel's struct bpf_insn) ---- */

static struct bpf_insn
insn (uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  struct bpf_insn i;
  memset (&i, 0, sizeof i);
  i.code = code;
  i.dst_reg = dst;
  i.src_reg = src;
  i.off = off;
  i.imm = imm;
  return i;
}

#define LDX_W(dst, src, off) insn (BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(dst, src) insn (BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV32_IMM(dst, imm) insn (BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND32_IMM(dst, imm) insn (BPF_ALU | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH32_IMM(dst, imm) insn (BPF_ALU | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) insn (BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define JEQ_IMM(dst, imm, off) insn (BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define EXIT() insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0 = BPF_REG_0, R1, R2, R3, R4, R5 };

/* One exception: tests that jump past the block when it does not match,
 * then "return verdict".  Every test jumps to the block's end, known once
 * the block is built.  With a deny default an exception allows and must
 * hold every requested access bit; with an allow default it denies and
 * matches on any requested bit.  *always: the block has no test, so
 * nothing after it can run (the verifier refuses unreachable code). */
static size_t
emit_exception (struct bpf_insn *p, const struct cgroup_dev_rule *ex, bool default_allow,
                bool *always)
{
  size_t n = 0;
  size_t jumps[8], n_jumps = 0;
  jumps[n_jumps++] = n;
  p[n++] = JNE_IMM (R2, ex->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0);
  if (!default_allow && ex->access != CGROUP_DEV_RWM)
    {
      /* A requested bit outside the exception's: no match. */
      p[n++] = MOV32_REG (R1, R3);
      p[n++] = AND32_IMM (R1, (int32_t) (CGROUP_DEV_RWM & ~ex->access));
      jumps[n_jumps++] = n;
      p[n++] = JNE_IMM (R1, 0, 0);
    }
  else if (default_allow)
    {
      /* No requested bit in the exception's: no match. */
      p[n++] = MOV32_REG (R1, R3);
      p[n++] = AND32_IMM (R1, (int32_t) ex->access);
      jumps[n_jumps++] = n;
      p[n++] = JEQ_IMM (R1, 0, 0);
    }
  if (ex->major >= 0)
    {
      jumps[n_jumps++] = n;
      p[n++] = JNE_IMM (R4, (int32_t) ex->major, 0);
    }
  if (ex->minor >= 0)
    {
      jumps[n_jumps++] = n;
      p[n++] = JNE_IMM (R5, (int32_t) ex->minor, 0);
    }
  p[n++] = MOV32_IMM (R0, default_allow ? 0 : 1);
  p[n++] = EXIT ();
  *always = n_jumps == 0;
  /* A jump's offset counts from the instruction after it. */
  for (size_t j = 0; j < n_jumps; j++)
    p[jumps[j]].off = (int16_t) (n - jumps[j] - 1);
  return n;
}

/* The longest block emit_exception makes (type, 3 for access, major, minor, 2 to return). */
#define MAX_BLOCK_INSNS 8

struct bpf_insn *
cgroup_dev_program (const struct cgroup_dev_rule *rules, size_t n_rules, size_t *n_insns)
{
  struct dev_state st = { .default_allow = true };
  st.ex = xzalloc ((n_rules + 1) * sizeof *st.ex);
  for (size_t i = 0; i < n_rules; i++)
    apply_rule (&st, &rules[i]);

  struct bpf_insn *p = xzalloc ((6 + st.n_ex * MAX_BLOCK_INSNS + 2) * sizeof *p);
  size_t n = 0;
  /* R2 = type, R3 = access, R4 = major, R5 = minor (R1 is the context). */
  p[n++] = LDX_W (R2, R1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  p[n++] = MOV32_REG (R3, R2);
  p[n++] = AND32_IMM (R2, 0xffff);
  p[n++] = RSH32_IMM (R3, 16);
  p[n++] = LDX_W (R4, R1, offsetof (struct bpf_cgroup_dev_ctx, major));
  p[n++] = LDX_W (R5, R1, offsetof (struct bpf_cgroup_dev_ctx, minor));
  bool always = false;
  for (size_t i = 0; i < st.n_ex && !always; i++)
    n += emit_exception (p + n, &st.ex[i], st.default_allow, &always);
  if (!always)
    {
      /* No exception matched: the default. */
      p[n++] = MOV32_IMM (R0, st.default_allow ? 1 : 0);
      p[n++] = EXIT ();
    }
  free (st.ex);
  *n_insns = n;
  return p;
}
