#include "mocker-runtime/process/init.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/process/fds.h"
#include "mocker-runtime/process/hooks.h"
#include "mocker-runtime/mount/mounts.h"
#include "mocker-runtime/process/process.h"
#include "mocker-runtime/mount/rootfs.h"
#include "mocker-runtime/process/sync.h"
#include "mocker-runtime/process/terminal.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1

/* The write end of exec.fifo once `start` opened it: kept open (close-on-exec)
 * so that `start` sees end-of-file exactly when the program was executed, and
 * gets the error text when something fails before that. */
static int start_fd = -1;

/* Reports err to the runtime (or, once nobody listens, to stderr) and exits. */
static void __attribute__ ((noreturn))
init_fail (const struct init_args *a, mk_error *err)
{
  const char *msg = err && err->msg ? err->msg : "container init failed";
  mk_error *ignored = NULL;
  /* After start: `start` reads the fifo to its end. */
  if (start_fd >= 0 && dprintf (start_fd, "E%s", msg) > 0)
    _exit (255);
  if (sync_send (a->sync_fd, SYNC_ERROR, msg, &ignored) < 0)
    {
      dprintf (2, "mocker-runtime: %s\n", msg);
      mk_error_free (&ignored);
    }
  _exit (255);
}

/* While waiting for start, a plain termination signal ends the init (a pid
 * namespace's init would ignore it otherwise).  execve resets the handler. */
static void
exit_on_signal (int sig)
{
  _exit (128 + sig);
}

static void
reset_signals (void)
{
  process_reset_signals ();
  struct sigaction ex = { .sa_handler = exit_on_signal };
  int exit_sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
  for (size_t i = 0; i < ARRAY_SIZE (exit_sigs); i++)
    sigaction (exit_sigs[i], &ex, NULL);
}

/* Waits for one message of the expected type; an error or EOF fails. */
static void
expect (const struct init_args *a, char want, char **text)
{
  _cleanup_error_ mk_error *err = NULL;
  char type;
  if (sync_recv (a->sync_fd, &type, text, &err) < 0)
    init_fail (a, err);
  if (type != want)
    _exit (255); /* the runtime went away: nothing to report to */
}

static void
send_or_die (const struct init_args *a, char type)
{
  _cleanup_error_ mk_error *err = NULL;
  if (sync_send (a->sync_fd, type, NULL, &err) < 0)
    _exit (255);
}

/* Becomes root of a new user namespace once the runtime wrote the id maps. */
static int
become_ns_root (mk_error **err)
{
  if (setresgid (0, 0, 0) < 0)
    return mk_error_set (err, errno, "setresgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return mk_error_set (err, errno, "setresuid 0 in the user namespace");
  return 0;
}

/* Blocks until `start` opens exec.fifo for reading.  The fifo lives in the
 * runtime's state dir, out of reach after pivot_root: it is reopened
 * through the O_PATH fd taken before. */
static int
wait_for_start (const struct init_args *a, mk_error **err)
{
  if (a->fifo_fd < 0)
    {
      expect (a, SYNC_START, NULL);
      return 0;
    }
  char path[64];
  snprintf (path, sizeof path, "/proc/self/fd/%d", a->fifo_fd);
  int fd;
  while ((fd = open (path, O_WRONLY | O_CLOEXEC)) < 0)
    if (errno != EINTR)
      return mk_error_set (err, errno, "open exec fifo `%s` (is /proc mounted?)", path);
  while (write (fd, "0", 1) < 0)
    if (errno != EINTR)
      {
        close (fd);
        return mk_error_set (err, errno, "write exec fifo");
      }
  close (a->fifo_fd);
  start_fd = fd;
  return 0;
}

/* The JSON states the runtime sent for the container-side hooks:
 * "<creating>\n<created>" (JSON text holds no raw newline). */
static void
split_states (char *text, char **creating, char **created)
{
  *creating = *created = text ? text : "{}";
  char *nl = text ? strchr (text, '\n') : NULL;
  if (nl)
    {
      *nl = '\0';
      *created = nl + 1;
    }
}

void
init_main (const struct init_args *a)
{
  _cleanup_error_ mk_error *err = NULL;
  const struct spec *spec = a->spec;
  /* No process (allowed until start): the init is set up all the same, with
   * a process that asks for nothing, and fails at start. */
  static const struct spec_process no_process;
  const struct spec_process *proc = spec->process ? spec->process : &no_process;

  /* Into the container's cgroups before anything else runs or allocates. */
  if (cgroup_entry_join_self (a->cgroup, &err) < 0)
    init_fail (a, err);
  /* If the runtime dies before the container is created, so does the init. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  reset_signals ();

  /* Nothing else of the runtime's or the caller's reaches the container:
   * the cgroup fds are used up, the rest was never ours to pass on; the
   * user namespace to join goes right after (fds.h). */
  const int keep[] = { a->sync_fd, a->fifo_fd, a->console_fd, log_file_fd (), a->ns->user_fd,
                       a->seccomp_listener_sock };
  fds_close_others (keep, ARRAY_SIZE (keep), a->preserve_fds);
  if (ns_join (a->ns, &err) < 0)
    init_fail (a, err);
  if (a->ns->user_fd >= 0)
    close (a->ns->user_fd); /* our copy: the plan itself is the runtime's */

  /* An early init (init_early.c) has no handshake: the runtime is waiting
   * for its execve. */
  bool early = a->exec_reached != NULL;
  _cleanup_free_ char *states = NULL;
  /* Bind sources the runtime opened for a new user namespace (mounts.h). */
  if (!early && mount_sources_receive (a->sync_fd, &err) < 0)
    init_fail (a, err);
  if (!early)
    expect (a, SYNC_GO, &states);
  char *state_creating, *state_created;
  split_states (states, &state_creating, &state_created);

  if (a->ns->new_user)
    {
      if (become_ns_root (&err) < 0)
        init_fail (a, err);
      /* setgroups is allowed only when the runtime did not deny it; ignore. */
      if (setgroups (0, NULL) < 0)
        { /* rootless maps deny it */ }
    }
  /* Now inside its cgroup: the cgroup namespace's root is that cgroup. */
  if (a->ns->new_cgroup && unshare (CLONE_NEWCGROUP) < 0)
    {
      mk_error_set (&err, errno, "unshare cgroup namespace");
      init_fail (a, err);
    }
  if (!a->no_new_keyring)
    {
      char name[256];
      snprintf (name, sizeof name, "_ses.%.200s", a->id);
      /* Best effort, as some kernels and user namespaces refuse keyrings. */
      if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0)
        { /* ignored */ }
    }

  /* In the container's namespaces, before pivot_root: the hook's path and
   * whatever it writes still resolve as on the host. */
  if (hooks_run (&spec->hooks.create_container, "createContainer", state_creating, &err) < 0)
    init_fail (a, err);

  if (rootfs_setup (spec, a->rootfs, a->no_pivot, &err) < 0)
    init_fail (a, err);
  if (proc->terminal && terminal_setup (proc, a->console_fd, true, a->console_socket == NULL, &err) < 0)
    init_fail (a, err);
  if (ns_set_hostname (spec, a->ns, &err) < 0)
    init_fail (a, err);
  if (rootfs_finalize (spec, &err) < 0)
    init_fail (a, err);

  _cleanup_free_ char *exe = NULL;
  if (spec->process && process_find_executable (proc, &exe, &err) < 0)
    init_fail (a, err);
  /* Without no_new_privs, loading a seccomp filter needs CAP_SYS_ADMIN: it
   * is loaded while the init still has every capability (as runc does);
   * with no_new_privs, as late as possible (after the start hooks).  A
   * filter with a notify listener is loaded here too: the runtime that
   * passes the listener to the agent is gone once `create` returns. */
  bool early_seccomp = !proc->no_new_privileges || seccomp_bpf_has_listener (a->seccomp);
  if (early_seccomp && seccomp_bpf_load (a->seccomp, a->seccomp_listener_sock, &err) < 0)
    init_fail (a, err);
  _cleanup_strv_ char **env = process_final_env (proc);
  bool cwd_again;
  if (process_apply_rlimits (proc, &err) < 0 || process_apply_oom_score_adj (proc, &err) < 0
      || process_enter_cwd (proc, &cwd_again, &err) < 0 || process_apply_identity (proc, &err) < 0
      || process_recheck_cwd (proc, cwd_again, &err) < 0
      || process_apply_no_new_privs (proc, &err) < 0)
    init_fail (a, err);
  if (fds_check_cwd_inside_root (&err) < 0)
    init_fail (a, err);
  if (process_keep_fds (a->preserve_fds, &err) < 0)
    init_fail (a, err);

  if (early)
    prctl (PR_SET_PDEATHSIG, 0); /* the runtime records the state after execve */
  else
    {
      /* Created: the runtime records the state, then the init outlives it. */
      send_or_die (a, SYNC_READY);
      expect (a, SYNC_ACK, NULL);
      prctl (PR_SET_PDEATHSIG, 0);
      send_or_die (a, SYNC_ACKED);
      if (wait_for_start (a, &err) < 0)
        init_fail (a, err);
    }

  if (spec->process == NULL)
    {
      mk_error_set (&err, 0, "config.json: process: missing (required to start the container)");
      init_fail (a, err);
    }
  /* A startContainer hook without an env of its own gets the process's (runc's do). */
  if (hooks_run_env (&spec->hooks.start_container, "startContainer", state_created, env, &err) < 0)
    init_fail (a, err);
  if (!early_seccomp && seccomp_bpf_load (a->seccomp, -1, &err) < 0)
    init_fail (a, err);

  if (early)
    *a->exec_reached = 1;
  execve (exe, proc->args, env);
  mk_error_set (&err, errno, "exec `%s`", exe);
  init_fail (a, err);
}
