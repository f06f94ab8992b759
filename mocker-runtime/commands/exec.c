/* exec ID [-p|--process FILE | ARGS...] [-t|--tty] [--console-socket S]
 *      [-d|--detach] [--pid-file F] [-e|--env K=V]... [--cwd DIR]
 *      [-u|--user UID[:GID]] [--cap CAP]... [--no-new-privs] [--preserve-fds N]
 *
 * A new process in a running container: the container's process settings
 * (from the config kept at create) unless overridden, or --process's object
 * as a whole.  No lock is held: many execs run at once.
 *
 * Speed matters (managers exec health checks): the runtime enters the
 * container's pid namespace itself (setns affects its children only) so one
 * fork is enough; the child joins the cgroup and every other namespace in
 * one setns on the init's pidfd, enters the init's root and execs.  Errors
 * come back through a close-on-exec pipe: EOF means execve succeeded. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "mocker-runtime/kernel/caps.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/process/exec_child.h"
#include "mocker-runtime/process/exec_process.h"
#include "mocker-runtime/seccomp/seccomp_bpf.h"
#include "mocker-runtime/seccomp/seccomp_notify.h"
#include "mocker-runtime/state/state.h"
#include "mocker-runtime/state/state_config.h"
#include "mocker-runtime/process/terminal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

enum { OPT_CONSOLE = 256, OPT_PIDFILE, OPT_CWD, OPT_CAP, OPT_NNP, OPT_PRESERVE, OPT_IGNORED };

static const struct option exec_options[] = {
  { "process", required_argument, NULL, 'p' },
  { "tty", no_argument, NULL, 't' },
  { "console-socket", required_argument, NULL, OPT_CONSOLE },
  { "detach", no_argument, NULL, 'd' },
  { "pid-file", required_argument, NULL, OPT_PIDFILE },
  { "env", required_argument, NULL, 'e' },
  { "cwd", required_argument, NULL, OPT_CWD },
  { "user", required_argument, NULL, 'u' },
  { "cap", required_argument, NULL, OPT_CAP },
  { "additional-gids", required_argument, NULL, 'g' },
  { "no-new-privs", no_argument, NULL, OPT_NNP },
  { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
  /* runc's labels: AppArmor and SELinux are not supported, accepted and ignored. */
  { "process-label", required_argument, NULL, OPT_IGNORED },
  { "apparmor", required_argument, NULL, OPT_IGNORED },
  { NULL, 0, NULL, 0 },
};


static const struct { const char *type; const char *file; int flag; } ns_files[] = {
  { "user", "user", CLONE_NEWUSER }, { "mount", "mnt", CLONE_NEWNS },
  { "network", "net", CLONE_NEWNET }, { "ipc", "ipc", CLONE_NEWIPC },
  { "uts", "uts", CLONE_NEWUTS }, { "cgroup", "cgroup", CLONE_NEWCGROUP },
  { "time", "time", CLONE_NEWTIME }, { "pid", "pid", CLONE_NEWPID },
};

static bool
same_ns (pid_t pid, const char *file)
{
  char path[64];
  struct stat a, b;
  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, file);
  if (stat (path, &a) < 0)
    return true;
  snprintf (path, sizeof path, "/proc/self/ns/%s", file);
  if (stat (path, &b) < 0)
    return true;
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* The namespaces of the container's config that the init is in and we are not. */
static int
namespaces_to_join (const struct spec *spec, pid_t pid)
{
  int flags = 0;
  size_t n = spec->linux_ ? spec->linux_->n_namespaces : 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < ARRAY_SIZE (ns_files); k++)
      if (strcmp (spec->linux_->namespaces[i].type, ns_files[k].type) == 0
          && !same_ns (pid, ns_files[k].file))
        flags |= ns_files[k].flag;
  return flags;
}

static int
open_init_pidfd (const struct rt_state *st, mk_error **err)
{
  int fd = (int) syscall (SYS_pidfd_open, st->pid, 0);
  unsigned long long start;
  if (fd >= 0 && (proc_stat_start_time (st->pid, &start, NULL) < 0 || start != st->start_time))
    {
      close (fd);
      fd = -1;
    }
  if (fd < 0)
    return mk_error_set (err, 0, "container not running");
  return fd;
}

static int
write_pid_file (const char *path, pid_t pid, mk_error **err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", (int) pid);
  if (write_file_atomic (path, buf, (size_t) len, 0644, false, err) < 0)
    return mk_error_wrap (err, "pid file");
  return 0;
}

/* fork, straight into the container's cgroup2 group when there is one (as
 * the create path does: no migration of a running process afterwards). */
static pid_t
fork_into_cgroup (struct cgroup_entry *entry)
{
  struct clone_args args = { .exit_signal = SIGCHLD };
  if (entry->v2_dir_fd >= 0)
    {
      args.flags = CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) entry->v2_dir_fd;
      entry->into_cgroup_done = 1;
      pid_t pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
      if (pid >= 0 || (errno != EINVAL && errno != EOPNOTSUPP && errno != E2BIG))
        return pid;
      entry->into_cgroup_done = 0;
    }
  return fork ();
}

static volatile pid_t forward_pid;

static void
forward_signal (int sig)
{
  if (forward_pid > 0)
    kill (forward_pid, sig);
}

static void
forward_signals (pid_t pid)
{
  forward_pid = pid;
  struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
  int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
  for (size_t i = 0; i < ARRAY_SIZE (sigs); i++)
    sigaction (sigs[i], &sa, NULL);
}

/* Reads the child's error text: empty when execve succeeded. */
static char *
read_child_error (int fd)
{
  char buf[4096];
  size_t len = 0;
  for (;;)
    {
      ssize_t n = read (fd, buf + len, sizeof buf - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || (len += (size_t) n) == sizeof buf - 1)
        break;
    }
  buf[len] = '\0';
  return len ? xstrdup (buf) : NULL;
}

struct exec_fds
{
  int pidfd, root_fd, console_fd, relay_fd, own_pidns;
};

static void
exec_fds_close (struct exec_fds *f)
{
  int *all[] = { &f->pidfd, &f->root_fd, &f->console_fd, &f->relay_fd, &f->own_pidns };
  for (size_t i = 0; i < ARRAY_SIZE (all); i++)
    if (*all[i] >= 0)
      {
        close (*all[i]);
        *all[i] = -1;
      }
}

static int
run_exec (struct rt_globals *g, const struct rt_state *st, const struct spec *spec,
          const struct spec_process *proc, const struct seccomp_bpf *filter,
          const struct exec_opts *o, mk_error **err)
{
  struct exec_fds f = { -1, -1, -1, -1, -1 };
  int ret = -1, pipefd[2] = { -1, -1 }, notify[2] = { -1, -1 };
  pid_t pid = -1;
  struct cgroup_entry entry = { .v2_dir_fd = -1, .v2_procs_fd = -1 };
  /* Declared before the first goto: a goto must never jump over a cleanup variable. */
  _cleanup_free_ char *child_err = NULL;

  f.pidfd = open_init_pidfd (st, err);
  if (f.pidfd < 0)
    goto out;
  char root_path[64];
  snprintf (root_path, sizeof root_path, "/proc/%d/root", (int) st->pid);
  f.root_fd = open (root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (f.root_fd < 0)
    {
      mk_error_set (err, 0, "container not running");
      goto out;
    }
  if (proc->terminal)
    {
      if (o->console_socket)
        f.console_fd = terminal_connect (o->console_socket, err);
      else
        {
          int sp[2];
          if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
            mk_error_set (err, errno, "socketpair");
          else
            {
              f.relay_fd = sp[0];
              f.console_fd = sp[1];
            }
        }
      if (f.console_fd < 0)
        goto out;
    }
  if (st->cgroup_path && cgroup_entry_open (st->cgroup_path, &entry, err) < 0)
    {
      mk_error_wrap (err, "container cgroup");
      goto out;
    }
  int flags = namespaces_to_join (spec, st->pid);
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    {
      mk_error_set (err, errno, "pipe");
      goto out;
    }
  if (seccomp_bpf_has_listener (filter)
      && socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, notify) < 0)
    {
      mk_error_set (err, errno, "socketpair");
      goto out;
    }
  /* Entering the pid namespace changes where our children go, not us. */
  if (flags & CLONE_NEWPID)
    {
      f.own_pidns = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
      if (f.own_pidns < 0 || setns (f.pidfd, CLONE_NEWPID) < 0)
        {
          mk_error_set (err, errno, "join the container's pid namespace");
          goto out;
        }
    }
  struct exec_child_args a = {
    .proc = proc, .seccomp = filter,
    .cgroup = st->cgroup_path ? &entry : NULL, .pidfd = f.pidfd, .ns_flags = flags & ~CLONE_NEWPID,
    .root_fd = f.root_fd, .console_fd = f.console_fd, .relayed = f.relay_fd >= 0,
    .err_fd = pipefd[1],
    .preserve_fds = o->preserve_fds, .seccomp_listener_sock = notify[1],
  };
  fflush (NULL);
  pid = fork_into_cgroup (&entry);
  if (pid == 0)
    exec_child_main (&a);
  int fork_errno = errno;
  if (f.own_pidns >= 0 && setns (f.own_pidns, CLONE_NEWPID) < 0)
    { /* only our children would be affected, and we make no more */ }
  if (pid < 0)
    {
      mk_error_set (err, fork_errno == ENOMEM ? 0 : fork_errno, "%s",
                    fork_errno == ENOMEM ? "container not running" : "fork");
      goto out;
    }
  close (pipefd[1]);
  pipefd[1] = -1;
  if (notify[1] >= 0)
    {
      /* The listener on to the agent; none when the child failed first. */
      close (notify[1]);
      notify[1] = -1;
      int listener = -1;
      int r = seccomp_notify_recv_listener (notify[0], &listener, err);
      if (r == 0 && listener >= 0)
        {
          r = seccomp_notify_agent (spec->linux_->seccomp, listener, pid, st, "running", err);
          close (listener);
        }
      if (r < 0)
        goto out;
    }
  if (f.console_fd >= 0)
    {
      close (f.console_fd);
      f.console_fd = -1;
    }
  if (!o->detach)
    forward_signals (pid);

  child_err = read_child_error (pipefd[0]);
  if (child_err)
    {
      mk_error_set (err, 0, "%s", child_err);
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
      pid = -1;
      goto out;
    }
  int master = -1;
  if (f.relay_fd >= 0 && terminal_recv_master (f.relay_fd, true, &master, err) < 0)
    goto out;
  if (o->pid_file && write_pid_file (o->pid_file, pid, err) < 0)
    {
      if (master >= 0)
        close (master);
      goto out;
    }
  if (o->detach)
    {
      pid = -1; /* it runs on, a child of the caller's subreaper once we exit */
      ret = 0;
      goto out;
    }
  exec_fds_close (&f);
  cgroup_entry_close (&entry);
  int status = 0;
  if (master >= 0)
    {
      int r = terminal_relay (master, pid, &status, err);
      close (master);
      if (r < 0)
        goto out;
    }
  else
    while (waitpid (pid, &status, 0) < 0)
      if (errno != EINTR)
        {
          mk_error_set (err, errno, "wait for the process");
          goto out;
        }
  forward_pid = 0;
  (void) g;
  return WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);

out:
  if (ret < 0 && pid > 0)
    {
      kill (pid, SIGKILL);
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  for (int i = 0; i < 2; i++)
    {
      if (pipefd[i] >= 0)
        close (pipefd[i]);
      if (notify[i] >= 0)
        close (notify[i]);
    }
  exec_fds_close (&f);
  cgroup_entry_close (&entry);
  return ret;
}

/* Everything after the options: early returns only (cleanup variables). */
static int
exec_in (struct rt_globals *g, const struct exec_opts *o, const char *id, char **args,
         mk_error **err)
{
  _cleanup_rt_state_ struct rt_state *st = NULL;
  if (state_load (g->root, id, &st, err) < 0)
    return -1;
  enum rt_status status = state_status (g->root, st);
  if (status == RT_STOPPED)
    return mk_error_set (err, 0, "container not running");
  if (status == RT_PAUSED)
    return mk_error_set (err, 0, "container paused");
  _cleanup_spec_ struct spec *spec = NULL;
  if (state_config_load (g->root, st, &spec, err) < 0)
    return -1;
  _cleanup_spec_process_ struct spec_process *proc = NULL;
  if (exec_make_process (spec, o, args, &proc, err) < 0
      || caps_drop_unknown (proc->capabilities, g->strict_caps, err) < 0)
    return -1;
  if (terminal_check_options (proc->terminal, o->detach, o->console_socket, err) < 0)
    return -1;
  /* From here on a foreground exec's own status is the process's: the
   * runtime failing is 255 (a bad id or a stopped container stays 1). */
  if (!o->detach)
    g->fail_status = 255;
  /* The filter compiled at create, else compiled now. */
  const struct spec_seccomp *sc = spec->linux_ ? spec->linux_->seccomp : NULL;
  _cleanup_seccomp_bpf_ struct seccomp_bpf filter = { 0 };
  if (sc)
    {
      _cleanup_free_ char *dir = path_join (g->root, st->id);
      _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd >= 0)
        seccomp_bpf_load_saved (dfd, sc, &filter, err);
      if (filter.insns == NULL && seccomp_bpf_prepare (sc, g->root, &filter, err) < 0)
        return -1;
    }
  return run_exec (g, st, spec, proc, &filter, o, err);
}

int
cmd_exec (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  struct exec_opts o = { 0 };
  int c, ret = -1;
  cli_reset ();
  /* "+": the command's own options after ID are its, not ours. */
  while ((c = getopt_long (argc, argv, "+:p:tde:u:g:", exec_options, NULL)) != -1)
    {
      switch (c)
        {
        case 'p': o.process_file = optarg; break;
        case 't': o.tty = true; break;
        case OPT_CONSOLE: o.console_socket = optarg; break;
        case 'd': o.detach = true; break;
        case OPT_PIDFILE: o.pid_file = optarg; break;
        case 'e': strv_push (&o.env, optarg); break;
        case OPT_CWD: o.cwd = optarg; break;
        case 'u': o.user = optarg; break;
        case OPT_CAP: strv_push (&o.caps, optarg); break;
        case 'g': strv_push (&o.gids, optarg); break;
        case OPT_NNP: o.no_new_privs = true; break;
        case OPT_PRESERVE:
          if (cli_parse_int ("--preserve-fds", optarg, &o.preserve_fds, err) < 0)
            goto out;
          break;
        case OPT_IGNORED: break;
        default:
          cli_option_error ("exec", c, argv, err);
          goto out;
        }
    }
  if (optind >= argc)
    mk_error_set (err, 0, "exec: missing argument; usage: exec [OPTIONS] ID [COMMAND...]");
  else
    ret = exec_in (g, &o, argv[optind], argv + optind + 1, err);
out:
  exec_opts_free (&o);
  return ret;
}
