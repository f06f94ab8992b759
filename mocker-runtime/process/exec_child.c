#include "mocker-runtime/process/exec_child.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/process/fds.h"
#include "mocker-runtime/process/process.h"
#include "mocker-runtime/process/terminal.h"

static void __attribute__ ((noreturn))
child_fail (const struct exec_child_args *a, mk_error *err)
{
  const char *msg = err && err->msg ? err->msg : "exec failed";
  size_t len = strlen (msg);
  while (len > 0)
    {
      ssize_t w = write (a->err_fd, msg, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        break;
      msg += w;
      len -= (size_t) w;
    }
  _exit (255);
}

void
exec_child_main (const struct exec_child_args *a)
{
  _cleanup_error_ mk_error *err = NULL;
  const struct spec_process *proc = a->proc;
  process_reset_signals ();

  /* The cgroup first (the rest of it when clone3 did not place us). */
  if (a->cgroup && cgroup_entry_join_self (a->cgroup, &err) < 0)
    {
      mk_error_wrap (&err, "join the container's cgroup");
      child_fail (a, err);
    }
  /* The cgroup fds are used up: from here on only stdio, --preserve-fds,
   * the error pipe, the console and (until the root is entered) the init's
   * pidfd and root are open, before the namespaces make this process one a
   * container's root could inspect, and before process.cwd is resolved
   * (fds.h). */
  const int keep[] = { a->err_fd, a->console_fd, log_file_fd (), a->pidfd, a->root_fd,
                       a->seccomp_listener_sock };
  fds_close_others (keep, ARRAY_SIZE (keep), a->preserve_fds);
  /* All namespaces at once through the init's pidfd: the user namespace
   * first, as the kernel orders them. */
  if (a->ns_flags && setns (a->pidfd, a->ns_flags) < 0)
    {
      mk_error_set (&err, errno, "join the container's namespaces");
      child_fail (a, err);
    }
  /* The init's root (a pivot_root'ed or a moved rootfs alike). */
  if (fchdir (a->root_fd) < 0 || chroot (".") < 0 || chdir ("/") < 0)
    {
      mk_error_set (&err, errno, "enter the container's root");
      child_fail (a, err);
    }
  close (a->pidfd);
  close (a->root_fd);
  if (proc->terminal && terminal_setup (proc, a->console_fd, false, a->relayed, &err) < 0)
    child_fail (a, err);

  _cleanup_free_ char *exe = NULL;
  if (process_find_executable (proc, &exe, &err) < 0)
    child_fail (a, err);
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the
   * capabilities are dropped (as runc does); with it, last.  A filter with a
   * listener early too: it is sent over a socket the fd cleanup would close. */
  bool early = !proc->no_new_privileges || seccomp_bpf_has_listener (a->seccomp);
  if (early && seccomp_bpf_load (a->seccomp, a->seccomp_listener_sock, &err) < 0)
    child_fail (a, err);
  _cleanup_strv_ char **env = process_final_env (proc);
  bool cwd_again;
  if (process_apply_rlimits (proc, &err) < 0 || process_apply_oom_score_adj (proc, &err) < 0
      || process_enter_cwd (proc, &cwd_again, &err) < 0 || process_apply_identity (proc, &err) < 0
      || process_recheck_cwd (proc, cwd_again, &err) < 0
      || process_apply_no_new_privs (proc, &err) < 0 || process_keep_fds (a->preserve_fds, &err) < 0)
    child_fail (a, err);
  if (fds_check_cwd_inside_root (&err) < 0)
    child_fail (a, err);
  if (!early && seccomp_bpf_load (a->seccomp, -1, &err) < 0)
    child_fail (a, err);

  execve (exe, proc->args, env);
  mk_error_set (&err, errno, "exec `%s`", exe);
  child_fail (a, err);
}
