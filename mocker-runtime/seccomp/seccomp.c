/* linux.seccomp compiled with libseccomp and loaded last before execve.
 *
 * As other runtimes do, a syscall name this libseccomp/kernel does not know
 * is skipped (profiles list syscalls of newer kernels), and a rule whose
 * action equals the default action is dropped (libseccomp refuses those).
 * Unknown action, operator, architecture or flag names are errors naming the
 * JSON path.  SCMP_ACT_NOTIFY rules need linux.seccomp.listenerPath: the
 * filter is then loaded with a listener fd, handed to the agent (seccomp_notify.h). */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/seccomp/seccomp.h"
#include "mocker-runtime/seccomp/seccomp_internal.h"

static void
cleanup_scmp (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define _cleanup_scmp_ __attribute__ ((cleanup (cleanup_scmp)))

int
seccomp_parse_action (const char *name, bool has_errno_ret, uint32_t errno_ret,
                      const char *where, uint32_t *out, mk_error **err)
{
  if (name == NULL)
    return mk_error_set (err, 0, "%s: missing action", where);
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (has_errno_ret ? errno_ret : EPERM);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (has_errno_ret ? errno_ret : EPERM);
  else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    *out = SCMP_ACT_NOTIFY;
  else
    return mk_error_set (err, 0, "%s: unknown action \"%s\"", where, name);
  if (has_errno_ret && errno_ret > 0xffff)
    return mk_error_set (err, 0, "%s: errnoRet %u is out of range", where, errno_ret);
  return 0;
}

int
seccomp_parse_op (const char *name, const char *where, enum scmp_compare *out, mk_error **err)
{
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; name && i < ARRAY_SIZE (ops); i++)
    if (strcmp (name, ops[i].name) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return mk_error_set (err, 0, "%s: unknown operator \"%s\"", where, name ? name : "");
}

int
seccomp_parse_arch (const char *name, const char *where, uint32_t *out, mk_error **err)
{
  static const struct { const char *name; uint32_t arch; } archs[] = {
    { "SCMP_ARCH_NATIVE", SCMP_ARCH_NATIVE },
    { "SCMP_ARCH_X86", SCMP_ARCH_X86 }, { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
    { "SCMP_ARCH_X32", SCMP_ARCH_X32 }, { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
    { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 }, { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
    { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 }, { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
    { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL }, { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
    { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 }, { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
    { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 }, { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
    { "SCMP_ARCH_S390", SCMP_ARCH_S390 }, { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
    { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC }, { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
    { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
  };
  for (size_t i = 0; name && i < ARRAY_SIZE (archs); i++)
    if (strcmp (name, archs[i].name) == 0)
      {
        *out = archs[i].arch;
        return 0;
      }
  return mk_error_set (err, 0, "%s: unknown architecture \"%s\"", where, name ? name : "");
}

static int
apply_flag (scmp_filter_ctx ctx, const char *flag, const char *where, mk_error **err)
{
  enum scmp_filter_attr attr;
  unsigned int need_api;
  if (strcmp (flag, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
    attr = SCMP_FLTATR_CTL_TSYNC, need_api = 2;
  else if (strcmp (flag, "SECCOMP_FILTER_FLAG_LOG") == 0)
    attr = SCMP_FLTATR_CTL_LOG, need_api = 3;
  else if (strcmp (flag, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
    attr = SCMP_FLTATR_CTL_SSB, need_api = 4;
  else if (strcmp (flag, "SECCOMP_FILTER_FLAG_NEW_LISTENER") == 0
           || strcmp (flag, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH") == 0
           || strcmp (flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
    return mk_error_set (err, 0, "%s: flag %s is not supported", where, flag);
  else
    return mk_error_set (err, 0, "%s: unknown flag \"%s\"", where, flag);
  if (seccomp_api_get () < need_api)
    return mk_error_set (err, 0, "%s: flag %s is not supported by this kernel/libseccomp",
                         where, flag);
  int r = seccomp_attr_set (ctx, attr, 1);
  if (r < 0)
    return mk_error_set (err, -r, "%s: set %s", where, flag);
  return 0;
}

/* Adds the rule(s) of one syscall name.  libseccomp ANDs the conditions of
 * one rule but refuses two conditions on the same argument; like other
 * runtimes, such a list becomes one rule per condition instead. */
static int
add_syscall (scmp_filter_ctx ctx, int nr, uint32_t action, const struct spec_seccomp_syscall *sc,
             size_t idx, const char *name, mk_error **err)
{
  struct scmp_arg_cmp cmps[6];
  size_t n = sc->n_args;
  bool repeated = false;
  if (n > ARRAY_SIZE (cmps))
    return mk_error_set (err, 0, "linux.seccomp.syscalls[%zu].args: more than 6 conditions",
                         idx);
  for (size_t i = 0; i < n; i++)
    {
      const struct spec_seccomp_arg *a = &sc->args[i];
      _cleanup_free_ char *where = xasprintf ("linux.seccomp.syscalls[%zu].args[%zu].op", idx, i);
      if (a->index > 5)
        return mk_error_set (err, 0, "linux.seccomp.syscalls[%zu].args[%zu].index: %u is not in 0..5",
                             idx, i, a->index);
      enum scmp_compare op;
      if (seccomp_parse_op (a->op, where, &op, err) < 0)
        return -1;
      cmps[i] = (struct scmp_arg_cmp) { .arg = a->index, .op = op, .datum_a = a->value,
                                        .datum_b = a->has_value_two ? a->value_two : 0 };
      for (size_t j = 0; j < i; j++)
        repeated |= cmps[j].arg == cmps[i].arg;
    }
  int r;
  if (!repeated)
    r = seccomp_rule_add_array (ctx, action, nr, (unsigned) n, n ? cmps : NULL);
  else
    {
      r = 0;
      for (size_t i = 0; i < n && r >= 0; i++)
        r = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i]);
    }
  if (r < 0)
    return mk_error_set (err, -r, "linux.seccomp.syscalls[%zu]: add rule for \"%s\"", idx, name);
  return 0;
}

/* A notify rule needs an agent to answer, and must spare the syscall that
 * hands the listener over (until then nobody could answer it). */
static int
check_notify (const struct spec_seccomp *s, const struct spec_seccomp_syscall *sc,
              const char *where, mk_error **err)
{
  if (s->listener_path == NULL || s->listener_path[0] == '\0')
    return mk_error_set (err, 0, "%s: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath", where);
  for (size_t j = 0; sc->names && sc->names[j]; j++)
    if (strcmp (sc->names[j], "sendmsg") == 0)
      return mk_error_set (err, 0, "%s: SCMP_ACT_NOTIFY cannot be used for sendmsg (it "
                           "hands the listener to the agent)", where);
  return 0;
}

bool
seccomp_wants_listener (const struct spec_seccomp *s)
{
  for (size_t i = 0; s && i < s->n_syscalls; i++)
    if (s->syscalls[i].action && strcmp (s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

int
seccomp_build (const struct spec_seccomp *s, scmp_filter_ctx *out, mk_error **err)
{
  uint32_t def;
  if (seccomp_parse_action (s->default_action, s->has_default_errno_ret, s->default_errno_ret,
                            "linux.seccomp.defaultAction", &def, err) < 0)
    return -1;
  if (def == SCMP_ACT_NOTIFY)
    return mk_error_set (err, 0, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
                         "default action");
  _cleanup_scmp_ scmp_filter_ctx ctx = seccomp_init (def);
  if (ctx == NULL)
    return mk_error_set (err, 0, "linux.seccomp.defaultAction: seccomp_init failed");
  /* no_new_privs is the spec's decision (process.noNewPrivileges), not libseccomp's. */
  int r = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r < 0)
    return mk_error_set (err, -r, "seccomp: clear the no_new_privs attribute");

  for (size_t i = 0; s->architectures && s->architectures[i]; i++)
    {
      _cleanup_free_ char *where = xasprintf ("linux.seccomp.architectures[%zu]", i);
      uint32_t arch;
      if (seccomp_parse_arch (s->architectures[i], where, &arch, err) < 0)
        return -1;
      r = seccomp_arch_add (ctx, arch);
      if (r < 0 && r != -EEXIST)
        return mk_error_set (err, -r, "%s: add %s", where, s->architectures[i]);
    }
  for (size_t i = 0; s->flags && s->flags[i]; i++)
    {
      _cleanup_free_ char *where = xasprintf ("linux.seccomp.flags[%zu]", i);
      if (apply_flag (ctx, s->flags[i], where, err) < 0)
        return -1;
    }

  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct spec_seccomp_syscall *sc = &s->syscalls[i];
      _cleanup_free_ char *where = xasprintf ("linux.seccomp.syscalls[%zu].action", i);
      uint32_t action;
      if (seccomp_parse_action (sc->action, sc->has_errno_ret, sc->errno_ret, where, &action, err) < 0)
        return -1;
      if (action == SCMP_ACT_NOTIFY && check_notify (s, sc, where, err) < 0)
        return -1;
      for (size_t j = 0; sc->names && sc->names[j]; j++)
        {
          int nr = seccomp_syscall_resolve_name (sc->names[j]);
          if (nr == __NR_SCMP_ERROR)
            {
              log_debug ("seccomp: unknown syscall \"%s\" skipped", sc->names[j]);
              continue;
            }
          if (action == def)
            continue;
          if (add_syscall (ctx, nr, action, sc, i, sc->names[j], err) < 0)
            return -1;
        }
    }
  *out = STEAL (ctx);
  return 0;
}

int
seccomp_check (const struct spec_seccomp *s, mk_error **err)
{
  if (s == NULL)
    return 0;
  _cleanup_scmp_ scmp_filter_ctx ctx = NULL;
  return seccomp_build (s, &ctx, err);
}

int
seccomp_apply (const struct spec_seccomp *s, mk_error **err)
{
  if (s == NULL)
    return 0;
  _cleanup_scmp_ scmp_filter_ctx ctx = NULL;
  if (seccomp_build (s, &ctx, err) < 0)
    return -1;
  int r = seccomp_load (ctx);
  if (r < 0)
    return mk_error_set (err, -r, "seccomp: load the filter%s",
                         r == -EACCES ? " (needs noNewPrivileges or CAP_SYS_ADMIN)" : "");
  return 0;
}
