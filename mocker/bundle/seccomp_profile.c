/* mocker's default seccomp profile: an allowlist with the same content as
 * Docker's default profile (moby's profiles/seccomp/default.json, as of
 * Docker 25, which took io_uring out), written as C tables.  A syscall no
 * row names, including every syscall a later kernel adds, fails with EPERM.
 * Names the installed libseccomp does not know are skipped by the runtime. */
#include "mocker/bundle/seccomp_profile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/util.h"

/* Allowed to every container. */
static const char *const allowed[] = {
  "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "cachestat", "capget",
  "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
  "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64",
  "clock_nanosleep", "clock_nanosleep_time64", "close", "close_range", "connect",
  "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
  "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old",
  "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2",
  "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat",
  "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr",
  "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
  "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_requeue",
  "futex_time64", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd",
  "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
  "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp",
  "getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid",
  "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname",
  "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getuid32", "getxattr",
  "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
  "ioctl", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "ioprio_get",
  "ioprio_set", "io_setup", "io_submit", "ipc", "kill", "landlock_add_rule",
  "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr",
  "link", "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek",
  "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack", "membarrier", "memfd_create",
  "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2",
  "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
  "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64",
  "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock",
  "munlockall", "munmap", "name_to_handle_at", "nanosleep", "newfstatat", "_newselect", "open",
  "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2",
  "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl",
  "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6",
  "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead", "readlink",
  "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
  "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall",
  "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
  "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
  "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
  "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
  "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity",
  "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select",
  "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
  "sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid",
  "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer", "setpgid",
  "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
  "setresuid32", "setreuid", "setreuid32", "setrlimit", "set_robust_list", "setsid",
  "setsockopt", "set_thread_area", "set_tid_address", "setuid", "setuid32", "setxattr",
  "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4",
  "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
  "statfs64", "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo",
  "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
  "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
  "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
  "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
  "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid", "waitpid", "write",
  "writev",
#if defined(__x86_64__) || defined(__i386__)
  "arch_prctl", "modify_ldt",
#elif defined(__aarch64__) || defined(__arm__)
  "arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush",
  "set_tls",
#elif defined(__powerpc64__)
  "sync_file_range2", "swapcontext",
#elif defined(__s390x__)
  "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr",
#elif defined(__riscv)
  "riscv_flush_icache",
#endif
  NULL,
};

/* Since Linux 4.8 a ptraced process cannot get around its seccomp filter
 * any more: Docker allows these to everyone on such kernels. */
static const char *const ptrace_since_4_8[] = {
  "process_vm_readv", "process_vm_writev", "ptrace", NULL,
};

/* Allowed when the container's effective set holds the capability: the
 * interfaces that capability guards (without it the kernel would refuse
 * most of them anyway; the filter also shrinks the kernel's attack surface). */
struct cap_group
{
  const char *cap;
  const char *const *names;
};

#define NAMES(...) ((const char *const[]) { __VA_ARGS__, NULL })

static const struct cap_group cap_groups[] = {
  { "CAP_DAC_READ_SEARCH", NAMES ("open_by_handle_at") },
  { "CAP_SYS_ADMIN",
    NAMES ("bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
           "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree",
           "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
           "setns", "syslog", "umount", "umount2", "unshare") },
  { "CAP_SYS_BOOT", NAMES ("reboot") },
  { "CAP_SYS_CHROOT", NAMES ("chroot") },
  { "CAP_SYS_MODULE", NAMES ("delete_module", "init_module", "finit_module") },
  { "CAP_SYS_PACCT", NAMES ("acct") },
  { "CAP_SYS_PTRACE",
    NAMES ("kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
           "ptrace") },
  { "CAP_SYS_RAWIO", NAMES ("iopl", "ioperm") },
  { "CAP_SYS_TIME", NAMES ("settimeofday", "stime", "clock_settime", "clock_settime64") },
  { "CAP_SYS_TTY_CONFIG", NAMES ("vhangup") },
  { "CAP_SYS_NICE", NAMES ("get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node") },
  { "CAP_SYSLOG", NAMES ("syslog") },
  { "CAP_BPF", NAMES ("bpf") },
  { "CAP_PERFMON", NAMES ("perf_event_open") },
};

/* personality(2) personas a container may switch to, and 0xffffffff, the
 * query: PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32.  Others
 * (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC...) weaken the process's defences. */
static const uint64_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET: clone may make
 * no namespace without CAP_SYS_ADMIN. */
#define CLONE_NS_FLAGS 0x7E020000ULL
#define AF_VSOCK_NR 40

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

static void
add_names (struct spec_seccomp_syscall *r, const char *const *names)
{
  for (size_t i = 0; names[i]; i++)
    strv_push (&r->names, names[i]);
}

/* One rule for one syscall with one condition on an argument. */
static void
add_conditional (struct spec_seccomp *s, const char *name, uint32_t index, const char *op,
                 uint64_t value)
{
  struct spec_seccomp_syscall *r = add_rule (s, "SCMP_ACT_ALLOW", -1);
  strv_push (&r->names, name);
  r->args = xzalloc (sizeof *r->args);
  r->n_args = 1;
  r->args[0] = (struct spec_seccomp_arg) { .index = index, .value = value, .op = xstrdup (op) };
}

static bool
has_cap (char *const *caps, const char *cap)
{
  for (size_t i = 0; caps && caps[i]; i++)
    if (strcmp (caps[i], cap) == 0)
      return true;
  return false;
}

static bool
kernel_at_least (int major, int minor)
{
  struct utsname u;
  int ma = 0, mi = 0;
  if (uname (&u) < 0 || sscanf (u.release, "%d.%d", &ma, &mi) != 2)
    return false;
  return ma > major || (ma == major && mi >= minor);
}

static void
add_architectures (struct spec_seccomp *s)
{
  s->architectures = xzalloc (sizeof *s->architectures);
#if defined(__x86_64__)
  strv_push (&s->architectures, "SCMP_ARCH_X86_64");
  strv_push (&s->architectures, "SCMP_ARCH_X86");
  strv_push (&s->architectures, "SCMP_ARCH_X32");
#elif defined(__aarch64__)
  strv_push (&s->architectures, "SCMP_ARCH_AARCH64");
  strv_push (&s->architectures, "SCMP_ARCH_ARM");
#elif defined(__s390x__)
  strv_push (&s->architectures, "SCMP_ARCH_S390X");
  strv_push (&s->architectures, "SCMP_ARCH_S390");
#else
  strv_push (&s->architectures, "SCMP_ARCH_NATIVE");
#endif
}

struct spec_seccomp *
seccomp_default_profile (char *const *caps)
{
  struct spec_seccomp *s = xzalloc (sizeof *s);
  s->default_action = xstrdup ("SCMP_ACT_ERRNO");
  s->has_default_errno_ret = true;
  s->default_errno_ret = EPERM;
  add_architectures (s);

  struct spec_seccomp_syscall *allow = add_rule (s, "SCMP_ACT_ALLOW", -1);
  add_names (allow, allowed);
  if (kernel_at_least (4, 8))
    add_names (allow, ptrace_since_4_8);

  /* Every socket family but AF_VSOCK (talks to the host of a VM). */
  add_conditional (s, "socket", 0, "SCMP_CMP_NE", AF_VSOCK_NR);
  for (size_t i = 0; i < ARRAY_SIZE (personas); i++)
    add_conditional (s, "personality", 0, "SCMP_CMP_EQ", personas[i]);

  bool sys_admin = has_cap (caps, "CAP_SYS_ADMIN");
  for (size_t i = 0; i < ARRAY_SIZE (cap_groups); i++)
    if (has_cap (caps, cap_groups[i].cap))
      add_names (add_rule (s, "SCMP_ACT_ALLOW", -1), cap_groups[i].names);

  if (!sys_admin)
    {
      /* clone without a namespace flag (the flags are argument 1 on s390). */
#if defined(__s390x__) || defined(__s390__)
      uint32_t flags_arg = 1;
#else
      uint32_t flags_arg = 0;
#endif
      struct spec_seccomp_syscall *clone = add_rule (s, "SCMP_ACT_ALLOW", -1);
      strv_push (&clone->names, "clone");
      clone->args = xzalloc (sizeof *clone->args);
      clone->n_args = 1;
      clone->args[0] = (struct spec_seccomp_arg) {
        .index = flags_arg, .value = CLONE_NS_FLAGS, .has_value_two = true, .value_two = 0,
        .op = xstrdup ("SCMP_CMP_MASKED_EQ"),
      };
      /* clone3 passes its flags in memory a filter cannot read: ENOSYS makes
       * libc fall back to clone, whose flags the rule above checks. */
      struct spec_seccomp_syscall *clone3 = add_rule (s, "SCMP_ACT_ERRNO", ENOSYS);
      strv_push (&clone3->names, "clone3");
    }
  return s;
}
