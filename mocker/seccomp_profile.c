#include "mocker/seccomp_profile.h"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "common/util.h"

static const char *const denied[] = {
  "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
  "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
  "get_kernel_syms", "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load",
  "kexec_load", "keyctl", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
  "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open",
  "pivot_root", "process_vm_readv", "process_vm_writev", "query_module", "quotactl",
  "reboot", "request_key", "setns", "settimeofday", "stime", "swapoff", "swapon", "sysfs",
  "_sysctl", "umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86",
  "vm86old", NULL,
};

static struct spec_seccomp_syscall *
add_rule (struct spec_seccomp *s, const char *action, int errno_ret)
{
  s->syscalls = xrealloc (s->syscalls, (s->n_syscalls + 1) * sizeof *s->syscalls);
  struct spec_seccomp_syscall *r = &s->syscalls[s->n_syscalls++];
  memset (r, 0, sizeof *r);
  r->action = xstrdup (action);
  if (errno_ret >= 0)
    {
      r->has_errno_ret = true;
      r->errno_ret = (uint32_t) errno_ret;
    }
  r->names = xzalloc (sizeof *r->names);
  return r;
}

struct spec_seccomp *
seccomp_default_profile (void)
{
  struct spec_seccomp *s = xzalloc (sizeof *s);
  s->default_action = xstrdup ("SCMP_ACT_ALLOW");
  s->architectures = xzalloc (sizeof *s->architectures);
  strv_push (&s->architectures, "SCMP_ARCH_X86_64");
  strv_push (&s->architectures, "SCMP_ARCH_X86");
  strv_push (&s->architectures, "SCMP_ARCH_X32");

  struct spec_seccomp_syscall *deny = add_rule (s, "SCMP_ACT_ERRNO", EPERM);
  for (size_t i = 0; denied[i]; i++)
    strv_push (&deny->names, denied[i]);

  struct spec_seccomp_syscall *clone3 = add_rule (s, "SCMP_ACT_ERRNO", ENOSYS);
  strv_push (&clone3->names, "clone3");

  /* clone(flags) with CLONE_NEWUSER: a new user namespace would hand the
   * process a full capability set over its own namespaces. */
  struct spec_seccomp_syscall *clone = add_rule (s, "SCMP_ACT_ERRNO", EPERM);
  strv_push (&clone->names, "clone");
  clone->args = xzalloc (sizeof *clone->args);
  clone->n_args = 1;
  clone->args[0].index = 0;
  clone->args[0].value = CLONE_NEWUSER;
  clone->args[0].has_value_two = true;
  clone->args[0].value_two = CLONE_NEWUSER;
  clone->args[0].op = xstrdup ("SCMP_CMP_MASKED_EQ");
  return s;
}
