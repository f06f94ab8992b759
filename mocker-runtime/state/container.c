#include "mocker-runtime/state/container.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/kernel/caps.h"
#include "mocker-runtime/cgroup/cgroup.h"
#include "mocker-runtime/cgroup/cgroup_internal.h" /* cgroup_check_path */
#include "mocker-runtime/cgroup/cgroup_entry.h"
#include "mocker-runtime/process/hooks.h"
#include "mocker-runtime/process/init.h"
#include "mocker-runtime/process/init_early.h"
#include "mocker-runtime/mount/mounts.h"
#include "mocker-runtime/mount/rootfs_shared.h"
#include "mocker-runtime/kernel/namespaces.h"
#include "mocker-runtime/seccomp/seccomp_bpf.h"
#include "mocker-runtime/seccomp/seccomp_notify.h"
#include "mocker-runtime/state/state_config.h"
#include "mocker-runtime/state/state_locked.h"
#include "mocker-runtime/process/sync.h"
#include "mocker-runtime/process/terminal.h"

void
container_free (struct container *c)
{
  if (c == NULL)
    return;
  if (c->lock_fd >= 0)
    close (c->lock_fd);
  if (c->sync_fd >= 0)
    close (c->sync_fd);
  if (c->console_fd >= 0)
    close (c->console_fd);
  rt_state_free (c->st);
  free (c->root);
  free (c->id);
  free (c);
}

void
cleanup_containerp (struct container **c)
{
  container_free (*c);
}

static int
pidfd_open_pid (pid_t pid)
{
  return (int) syscall (SYS_pidfd_open, pid, 0);
}

/* A pidfd for the init, checked against the recorded start time so a reused
 * pid is never signalled; -1 with errno ESRCH when the init is gone. */
static int
open_init_pidfd (const struct rt_state *st)
{
  int fd = pidfd_open_pid (st->pid);
  if (fd < 0)
    return -1;
  unsigned long long start;
  char run_state;
  if (proc_stat_start_time (st->pid, &start, &run_state) < 0 || start != st->start_time)
    {
      close (fd);
      errno = ESRCH;
      return -1;
    }
  return fd;
}

/* Waits until the process behind pidfd has exited (it need not be our child). */
static void
wait_pidfd (int pidfd)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  while (poll (&p, 1, -1) < 0 && errno == EINTR)
    ;
}

/* Kills whatever a container may still run and removes its cgroup.  Best
 * effort: used on paths that are already failing or forced. */
static void
kill_and_destroy (const struct rt_state *st, pid_t child, bool thaw)
{
  mk_error *ignored = NULL;
  if (st->cgroup_path)
    {
      /* Frozen tasks (cgroup v1) die only once thawed. */
      if (thaw)
        {
          cgroup_freeze (st->cgroup_path, false, &ignored);
          mk_error_free (&ignored);
        }
      cgroup_kill_all (st->cgroup_path, SIGKILL, &ignored);
      mk_error_free (&ignored);
    }
  if (child > 0)
    {
      kill (child, SIGKILL);
      while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  else if (st->pid > 0)
    {
      _cleanup_close_ int pidfd = open_init_pidfd (st);
      if (pidfd >= 0 && syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0)
        wait_pidfd (pidfd);
    }
  /* An invalid path was refused before anything was made: nothing to remove
   * (and no second message about it). */
  if (st->cgroup_path && cgroup_check_path (st->cgroup_path, NULL) == 0
      && cgroup_destroy (st->cgroup_path, &ignored) < 0)
    {
      log_warning ("%s", ignored->msg);
      mk_error_free (&ignored);
    }
}

/* ---- create ---- */

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  char buf[64];
  format_rfc3339 (&ts, buf, sizeof buf);
  return xstrdup (buf);
}

static char *
resolve_rootfs (const char *bundle, const char *root_path, mk_error **err)
{
  _cleanup_free_ char *joined = root_path[0] == '/' ? xstrdup (root_path)
                                                     : path_join (bundle, root_path);
  char *real = realpath (joined, NULL);
  if (real == NULL)
    {
      mk_error_set (err, errno, "root.path: `%s`", joined);
      return NULL;
    }
  if (!dir_exists (real))
    {
      free (real);
      mk_error_set (err, ENOTDIR, "root.path: `%s`", joined);
      return NULL;
    }
  return real;
}

/* Removes a state dir left by a create that was killed halfway (dfd holds
 * its lock).  Kills what its cgroup may still hold. */
static void
clean_incomplete (const char *root, const char *id, int dfd, const struct rt_state *st)
{
  if (st)
    kill_and_destroy (st, 0, true);
  if (st)
    rootfs_shared_release (dfd, st->rootfs);
  mk_error *ignored = NULL;
  if (state_remove (root, id, &ignored) < 0)
    {
      log_warning ("%s", ignored->msg);
      mk_error_free (&ignored);
    }
}

/* Makes <root>/<id> appear atomically, already locked and holding a first
 * state.json (pid 0) and exec.fifo: a temp dir renamed into place.  Returns
 * the locked fd. */
static int
publish_state_dir (const struct create_opts *o, const struct rt_state *st, const char *config,
                   size_t config_len, mk_error **err)
{
  if (mkdir_p (o->root, 0700, err) < 0)
    return -1;
  _cleanup_free_ char *dir = path_join (o->root, o->id);
  _cleanup_free_ char *tmp = xasprintf ("%s/.new-%d-%s", o->root, (int) getpid (), o->id);
  if (mkdir (tmp, 0700) < 0)
    return mk_error_set (err, errno, "mkdir `%s`", tmp);
  _cleanup_close_ int dfd = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || flock (dfd, LOCK_EX) < 0)
    {
      mk_error_set (err, errno, "open `%s`", tmp);
      goto fail;
    }
  if (state_write_unpublished (dfd, st, err) < 0
      || state_config_save (dfd, config, config_len, err) < 0)
    goto fail;
  /* Writable by the init whatever uid it runs as; the directory (0700)
   * keeps others out, the init reopens the fifo through /proc/self/fd. */
  if (!o->attached
      && (mkfifoat (dfd, "exec.fifo", 0622) < 0 || fchmodat (dfd, "exec.fifo", 0622, 0) < 0))
    {
      mk_error_set (err, errno, "mkfifo `%s/exec.fifo`", tmp);
      goto fail;
    }
  for (int attempt = 0;; attempt++)
    {
      if (rename (tmp, dir) == 0)
        return STEAL_FD (dfd);
      if ((errno != EEXIST && errno != ENOTEMPTY) || attempt == 3)
        {
          mk_error_set (err, errno, "rename `%s` to `%s`", tmp, dir);
          goto fail;
        }
      /* The id is taken, or a create was killed halfway: look under its lock. */
      mk_error *ignored = NULL;
      _cleanup_close_ int old = state_lock (o->root, o->id, true, &ignored);
      if (old < 0)
        {
          mk_error_free (&ignored);
          continue; /* removed meanwhile: try again */
        }
      _cleanup_rt_state_ struct rt_state *prev = NULL;
      state_read (old, o->id, &prev, &ignored);
      mk_error_free (&ignored);
      if (prev && prev->pid != 0)
        {
          mk_error_set (err, 0, "container with given ID already exists");
          goto fail;
        }
      clean_incomplete (o->root, o->id, old, prev);
    }
fail:
  {
    mk_error *ignored = NULL;
    rm_rf_one_fs (tmp, &ignored);
    mk_error_free (&ignored);
  }
  return -1;
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3 straight into the cgroup2 group when there is one (no migration
 * afterwards); entry->into_cgroup_done tells the child which way it went. */
static pid_t
clone3_init (unsigned long flags, struct cgroup_entry *entry)
{
  struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };
  if (entry->v2_dir_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) entry->v2_dir_fd;
      entry->into_cgroup_done = 1;
      pid_t pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
      if (pid >= 0 || (errno != EINVAL && errno != EOPNOTSUPP && errno != E2BIG))
        return pid;
      args.flags &= ~CLONE_INTO_CGROUP;
      args.cgroup = 0;
      entry->into_cgroup_done = 0;
    }
  return (pid_t) syscall (SYS_clone3, &args, sizeof args);
}

/* The two state texts the init's own hooks get: "<creating>\n<created>". */
static char *
init_hook_states (const struct spec *spec, const struct rt_state *st)
{
  if (spec->hooks.create_container.len == 0 && spec->hooks.start_container.len == 0)
    return NULL;
  _cleanup_free_ char *a = state_to_json (st, "creating", false);
  _cleanup_free_ char *b = state_to_json (st, "created", false);
  return xasprintf ("%s\n%s", a, b);
}

/* One message from the init: an error it reports becomes the error; *type
 * is 0 at end-of-file (its end of the socket closes at execve). */
static int
recv_from_init (int sync_fd, char *type, mk_error **err)
{
  _cleanup_free_ char *text = NULL;
  if (sync_recv (sync_fd, type, &text, err) < 0)
    return -1;
  if (*type == SYNC_ERROR)
    return mk_error_set (err, 0, "%s", text ? text : "container init failed");
  return 0;
}

/* Waits for the init's answer; SYNC_ERROR and an early exit become errors. */
static int
expect_from_init (int sync_fd, char want, mk_error **err)
{
  char type;
  if (recv_from_init (sync_fd, &type, err) < 0)
    return -1;
  if (type != want)
    return mk_error_set (err, 0, "container init exited unexpectedly");
  return 0;
}

static int
write_pid_file (const char *path, pid_t pid, mk_error **err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", (int) pid);
  if (write_file_atomic (path, buf, len, 0644, false, err) < 0)
    return mk_error_wrap (err, "pid file");
  return 0;
}

/* linux.seccomp.listenerPath: the init's listener, on to the agent.  The
 * init going away first is no error here: its own report follows. */
static int
listener_to_agent (struct container *c, const struct spec *spec, int listener_sock,
                   mk_error **err)
{
  _cleanup_close_ int listener = -1;
  if (seccomp_notify_recv_listener (listener_sock, &listener, err) < 0)
    return -1;
  if (listener < 0)
    return 0;
  return seccomp_notify_agent (spec->linux_->seccomp, listener, c->pid, c->st, "creating", err);
}

/* The parent's side once the init exists: id maps, cgroup, runtime hooks,
 * the handshake, the final state.  listener_sock: see listener_to_agent (-1). */
static int
setup_from_parent (struct container *c, const struct create_opts *o, const struct spec *spec,
                   const struct ns_plan *plan, int listener_sock, mk_error **err)
{
  struct rt_state *st = c->st;
  st->pid = c->pid;
  if (proc_stat_start_time (c->pid, &st->start_time, NULL) < 0)
    return mk_error_set (err, errno, "read start time of the init (pid %d)", (int) c->pid);
  if (c->exec_early)
    {
      /* The init has executed the program, or failed (init_early.c). */
      char type;
      if (recv_from_init (c->sync_fd, &type, err) < 0)
        return -1;
      if (type != 0 || !init_early_exec_reached ())
        return mk_error_set (err, 0, "container init exited unexpectedly");
      if (state_write (c->lock_fd, st, err) < 0)
        return -1;
      if (o->pid_file && write_pid_file (o->pid_file, c->pid, err) < 0)
        return -1;
      return 0;
    }
  if (plan->new_user && ns_write_id_maps (c->pid, spec, err) < 0)
    return -1;
  if (mount_sources_pending () > 0
      && (expect_from_init (c->sync_fd, SYNC_FDS, err) < 0
          || mount_sources_send (spec, c->pid, c->sync_fd, err) < 0))
    return -1;
  if (spec->hooks.prestart.len || spec->hooks.create_runtime.len)
    {
      _cleanup_free_ char *json = state_to_json (st, "creating", false);
      if (hooks_run (&spec->hooks.prestart, "prestart", json, err) < 0
          || hooks_run (&spec->hooks.create_runtime, "createRuntime", json, err) < 0)
        return -1;
    }
  _cleanup_free_ char *states = init_hook_states (spec, st);
  if (sync_send (c->sync_fd, SYNC_GO, states, err) < 0)
    return -1;
  if (listener_sock >= 0 && listener_to_agent (c, spec, listener_sock, err) < 0)
    return -1;
  if (expect_from_init (c->sync_fd, SYNC_READY, err) < 0)
    return -1;
  if (state_write (c->lock_fd, st, err) < 0)
    return -1;
  if (sync_send (c->sync_fd, SYNC_ACK, NULL, err) < 0
      || expect_from_init (c->sync_fd, SYNC_ACKED, err) < 0)
    return -1;
  if (o->pid_file && write_pid_file (o->pid_file, c->pid, err) < 0)
    return -1;
  return 0;
}

static struct rt_state *
initial_state (const struct create_opts *o, const struct spec *spec, const char *bundle,
               const char *rootfs)
{
  struct rt_state *st = xzalloc (sizeof *st);
  st->id = xstrdup (o->id);
  st->bundle = xstrdup (bundle);
  st->rootfs = xstrdup (rootfs);
  st->created = now_rfc3339 ();
  st->owner = xstrdup ("");
  st->cgroup_path = cgroup_path_for (spec->linux_ ? spec->linux_->cgroups_path : NULL, o->id,
                                     o->systemd_cgroup);
  for (size_t i = 0; i < spec->annotations.len; i++)
    spec_map_set (&st->annotations, spec->annotations.keys[i], spec->annotations.values[i]);
  /* Kept for start and delete (the bundle may be gone by then). */
  const struct spec_hook_list *lists[] = { &spec->hooks.poststart, &spec->hooks.poststop };
  struct spec_hook_list *dst[] = { &st->poststart, &st->poststop };
  for (size_t l = 0; l < 2; l++)
    {
      dst[l]->len = lists[l]->len;
      dst[l]->hooks = xzalloc (sizeof (struct spec_hook) * (lists[l]->len + 1));
      for (size_t i = 0; i < lists[l]->len; i++)
        {
          const struct spec_hook *h = &lists[l]->hooks[i];
          dst[l]->hooks[i] = (struct spec_hook) {
            .path = xstrdup (h->path), .args = h->args ? strv_dup (h->args) : NULL,
            .env = h->env ? strv_dup (h->env) : NULL, .has_timeout = h->has_timeout,
            .timeout = h->timeout,
          };
        }
    }
  return st;
}

int
container_create (const struct create_opts *o, struct container **out, mk_error **err)
{
  if (state_validate_id (o->id, err) < 0)
    return -1;
  _cleanup_free_ char *bundle = realpath (o->bundle ? o->bundle : ".", NULL);
  if (bundle == NULL)
    return mk_error_set (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  _cleanup_free_ char *config = path_join (bundle, "config.json");
  _cleanup_free_ char *config_text = NULL;
  size_t config_len;
  _cleanup_spec_ struct spec *spec = NULL;
  if (read_file_at (AT_FDCWD, config, SPEC_MAX_SIZE, &config_text, &config_len, err) < 0
      || spec_read_text (config_text, config_len, config, &spec, err) < 0)
    return -1;
  /* The runtime-spec makes process optional for create, required by start:
   * run needs it now, a created container without one fails its start. */
  if (spec->process == NULL && o->attached)
    return mk_error_set (err, 0, "config.json: process: missing (required to start the container)");
  if (spec->process && (spec->process->args == NULL || spec->process->args[0] == NULL))
    return mk_error_set (err, 0, "config.json: process.args: must not be empty");
  if (spec->process && caps_drop_unknown (spec->process->capabilities, o->strict_caps, err) < 0)
    return mk_error_wrap (err, "config.json");
  _cleanup_free_ char *rootfs = resolve_rootfs (bundle, spec->root_path, err);
  if (rootfs == NULL)
    return -1;
  bool terminal = spec->process && spec->process->terminal;
  if (terminal_check_options (terminal, !o->foreground, o->console_socket, err) < 0)
    return -1;
  /* Compiled here (or found in the cache): a bad profile fails before
   * anything exists, and the init only loads it. */
  _cleanup_seccomp_bpf_ struct seccomp_bpf filter = { 0 };
  if (seccomp_bpf_prepare (spec->linux_ ? spec->linux_->seccomp : NULL, o->root, &filter, err) < 0)
    return -1;
  struct ns_plan plan;
  if (ns_plan_make (spec, &plan, err) < 0)
    return mk_error_wrap (err, "config.json");
  /* Bind sources: relative to the bundle; opened by the runtime for a new
   * user namespace (mounts.h). */
  if (mount_sources_prepare (spec, bundle, rootfs, plan.new_user || plan.user_fd >= 0, err) < 0)
    {
      ns_plan_close (&plan);
      return mk_error_wrap (err, "config.json");
    }
  /* Without a mount namespace the init's mounts are made in ours: the mount
   * at the rootfs before, to tell the init's bind (rootfs_shared.h). */
  bool shared_mnt = rootfs_shared_ns (spec);
  uint64_t rootfs_mnt = shared_mnt ? rootfs_mount_id (rootfs) : 0;

  _cleanup_container_ struct container *c = xzalloc (sizeof *c);
  c->root = xstrdup (o->root);
  c->id = xstrdup (o->id);
  c->sync_fd = -1;
  c->console_fd = -1;
  c->st = initial_state (o, spec, bundle, rootfs);
  c->lock_fd = publish_state_dir (o, c->st, config_text, config_len, err);
  if (c->lock_fd < 0)
    {
      ns_plan_close (&plan);
      mount_sources_close ();
      return -1;
    }
  if (shared_mnt)
    rootfs_shared_expect (c->lock_fd, rootfs_mnt);
  {
    /* For exec; without it exec compiles the profile itself. */
    mk_error *ignored = NULL;
    if (seccomp_bpf_save (c->lock_fd, spec->linux_ ? spec->linux_->seccomp : NULL, &filter,
                          &ignored) < 0)
      {
        log_warning ("%s", ignored->msg);
        mk_error_free (&ignored);
      }
  }

  int fifo_fd = -1, pair[2] = { -1, -1 }, console_fd = -1, notify[2] = { -1, -1 };
  int ret = -1;
  struct cgroup_entry entry = { .v2_dir_fd = -1, .v2_procs_fd = -1 };
  /* The cgroup, with its limits, exists before the init: the init enters it
   * itself before it runs anything (cgroup_entry.h). */
  const struct spec_resources *res = spec->linux_ ? spec->linux_->resources : NULL;
  if (cgroup_create (c->st->cgroup_path, res, 0, err) < 0
      || cgroup_entry_open (c->st->cgroup_path, &entry, err) < 0)
    goto out;
  if (terminal)
    {
      /* The init makes the pty after pivot_root; the way out is opened here. */
      int sp[2];
      if (!o->foreground)
        console_fd = terminal_connect (o->console_socket, err);
      else if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0)
        {
          c->console_fd = sp[0];
          console_fd = sp[1];
        }
      else
        mk_error_set (err, errno, "socketpair");
      if (console_fd < 0)
        goto out;
    }
  if (!o->attached && (fifo_fd = openat (c->lock_fd, "exec.fifo", O_PATH | O_CLOEXEC)) < 0)
    {
      mk_error_set (err, errno, "open exec.fifo");
      goto out;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    {
      mk_error_set (err, errno, "socketpair");
      goto out;
    }
  if (seccomp_bpf_has_listener (&filter)
      && socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, notify) < 0)
    {
      mk_error_set (err, errno, "socketpair");
      goto out;
    }
  /* The child is born in the namespaces given by path (pid: only children
   * can join one); the runtime returns to its own right after clone3. */
  struct ns_saved saved = { .n = 0, .cwd_fd = -1 };
  if (ns_enter_for_clone (&plan, &saved, err) < 0)
    goto out;
  fflush (NULL);
  struct init_args a = {
    .spec = spec, .rootfs = rootfs, .ns = &plan, .sync_fd = pair[1], .fifo_fd = fifo_fd,
    .no_pivot = o->no_pivot, .no_new_keyring = o->no_new_keyring,
    .preserve_fds = o->preserve_fds, .console_socket = o->console_socket, .id = o->id,
    .cgroup = &entry,
    .console_fd = console_fd, .seccomp = &filter, .seccomp_listener_sock = notify[1],
  };
  /* The init closes the runtime's end and the lock (which must die with the
   * runtime, not live on in the init). */
  const int child_closes[2] = { pair[0], c->lock_fd };
  /* (an early init shares our memory until execve: nobody would take a listener) */
  if (notify[0] < 0 && init_early_possible (o, spec, &plan))
    {
      /* The program may run before this returns: signals for it wait. */
      if (o->hold_signals)
        sigprocmask (SIG_BLOCK, o->hold_signals, NULL);
      c->exec_early = true;
      c->pid = init_early_clone (&plan, &a, child_closes);
    }
  else if ((c->pid = clone3_init (plan.clone_flags, &entry)) == 0)
    {
      close (child_closes[0]);
      close (child_closes[1]);
      init_main (&a);
    }
  int clone_errno = errno;
  if (ns_leave_after_clone (&saved, err) < 0)
    {
      /* Never go on in a container's namespaces. */
      if (c->pid > 0)
        kill (c->pid, SIGKILL);
      log_error ("%s", (*err)->msg);
      _exit (1);
    }
  if (c->pid < 0)
    {
      c->pid = 0;
      mk_error_set (err, clone_errno, "clone3 of the container init");
      goto out;
    }
  close (pair[1]);
  pair[1] = -1;
  if (notify[1] >= 0)
    {
      close (notify[1]);
      notify[1] = -1;
    }
  c->sync_fd = STEAL_FD (pair[0]);
  if (setup_from_parent (c, o, spec, &plan, notify[0], err) < 0)
    goto out;
  if (!o->attached)
    {
      close (c->sync_fd);
      c->sync_fd = -1;
    }
  if (shared_mnt)
    rootfs_shared_record (c->lock_fd, rootfs, rootfs_mnt);
  log_debug ("container %s created: init pid %d, cgroup %s, state %s/%s", o->id, (int) c->pid,
             c->st->cgroup_path, o->root, o->id);
  ret = 0;

out:
  if (fifo_fd >= 0)
    close (fifo_fd);
  if (console_fd >= 0)
    close (console_fd);
  if (pair[0] >= 0)
    close (pair[0]);
  if (pair[1] >= 0)
    close (pair[1]);
  for (int i = 0; i < 2; i++)
    if (notify[i] >= 0)
      close (notify[i]);
  cgroup_entry_close (&entry);
  ns_plan_close (&plan);
  mount_sources_close ();
  if (ret < 0)
    {
      kill_and_destroy (c->st, c->pid, false);
      if (shared_mnt)
        rootfs_shared_undo (rootfs, rootfs_mnt);
      mk_error *ignored = NULL;
      state_remove (o->root, o->id, &ignored);
      mk_error_free (&ignored);
      return -1; /* the pid file is written last: never left by a failure */
    }
  *out = STEAL (c);
  return 0;
}

/* ---- start ---- */

static void
run_poststart (const struct rt_state *st)
{
  if (st->poststart.len == 0)
    return;
  _cleanup_free_ char *json = state_to_json (st, "running", false);
  hooks_run_warn (&st->poststart, "poststart", json);
}

int
container_start_attached (struct container *c, mk_error **err)
{
  char type;
  if (!c->exec_early
      && (sync_send (c->sync_fd, SYNC_START, NULL, err) < 0
          || recv_from_init (c->sync_fd, &type, err) < 0))
    return -1;
  close (c->sync_fd);
  c->sync_fd = -1;
  run_poststart (c->st);
  close (c->lock_fd);
  c->lock_fd = -1;
  return 0;
}

void
container_abort (struct container *c)
{
  kill_and_destroy (c->st, c->pid, false);
  if (c->lock_fd >= 0)
    rootfs_shared_release (c->lock_fd, c->st->rootfs);
  mk_error *ignored = NULL;
  state_remove (c->root, c->id, &ignored);
  mk_error_free (&ignored);
}

int
container_start (const char *root, const char *id, mk_error **err)
{
  _cleanup_rt_state_ struct rt_state *st = NULL;
  _cleanup_close_ int dfd = state_open_locked (root, id, &st, NULL, err);
  if (dfd < 0)
    return -1;
  _cleanup_close_ int pidfd = open_init_pidfd (st);
  enum rt_status status = pidfd < 0 ? RT_STOPPED : state_status (root, st);
  if (status == RT_STOPPED)
    return mk_error_set (err, 0, "cannot start a container that has stopped");
  if (status != RT_CREATED)
    return mk_error_set (err, 0, "cannot start an already running container");

  _cleanup_close_ int fifo = openat (dfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return mk_error_set (err, errno, "open exec.fifo");
  /* The init is blocked opening the fifo for writing: our open released it.
   * It writes one byte, then holds the fifo open until its execve closes it
   * (or writes "E<error>" and exits): read to the end, or until it dies
   * without having opened the fifo. */
  struct pollfd p[2] = { { .fd = fifo, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
  char buf[4096];
  size_t got = 0;
  bool released = false;
  for (;;)
    {
      if (poll (p, released ? 1 : 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return mk_error_set (err, errno, "poll exec.fifo");
        }
      if (p[0].revents & (POLLIN | POLLHUP))
        {
          ssize_t n = read (fifo, buf + got, sizeof buf - 1 - got);
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (n < 0)
            return mk_error_set (err, errno, "read exec.fifo");
          if (n == 0)
            break; /* executed, or gone */
          got += n;
          released = true;
          if (got == sizeof buf - 1)
            break;
          continue;
        }
      if (!released && p[1].revents)
        return mk_error_set (err, 0, "container init exited before start");
    }
  buf[got] = '\0';
  if (got == 0)
    return mk_error_set (err, 0, "container init exited before start");
  if (got > 1 && buf[1] == 'E')
    {
      unlinkat (dfd, "exec.fifo", 0);
      return mk_error_set (err, 0, "%s", buf + 2);
    }
  if (unlinkat (dfd, "exec.fifo", 0) < 0)
    return mk_error_set (err, errno, "remove exec.fifo");
  run_poststart (st);
  log_debug ("container %s started (pid %d)", id, (int) st->pid);
  return 0;
}

/* ---- kill ---- */

int
container_kill (const char *root, const char *id, int sig, bool all, mk_error **err)
{
  _cleanup_rt_state_ struct rt_state *st = NULL;
  _cleanup_close_ int dfd = state_open_locked (root, id, &st, NULL, err);
  if (dfd < 0)
    return -1;
  _cleanup_close_ int pidfd = open_init_pidfd (st);
  if (pidfd < 0 || state_status (root, st) == RT_STOPPED)
    return mk_error_set (err, 0, "container not running");
  /* A frozen task (cgroup v1) dies only once thawed: SIGKILL thaws, as runc. */
  bool thaw = sig == SIGKILL && state_status (root, st) == RT_PAUSED;
  log_debug ("container %s: signal %d to %s", id, sig, all ? "every process" : "the init");
  if (all)
    {
      if (cgroup_kill_all (st->cgroup_path, sig, err) < 0)
        return -1;
    }
  else if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    {
      if (errno == ESRCH)
        return mk_error_set (err, 0, "container not running");
      return mk_error_set (err, errno, "kill container");
    }
  if (thaw)
    {
      mk_error *ignored = NULL;
      if (cgroup_freeze (st->cgroup_path, false, &ignored) < 0)
        mk_error_free (&ignored);
    }
  return 0;
}

/* ---- delete ---- */

int
container_delete (const char *root, const char *id, bool force, mk_error **err)
{
  if (state_validate_id (id, err) < 0)
    return -1;
  _cleanup_close_ int dfd = state_lock (root, id, true, err);
  if (dfd < 0)
    {
      if (force && strstr ((*err)->msg, "does not exist") != NULL)
        {
          mk_error_free (err);
          return 0;
        }
      return -1;
    }
  _cleanup_rt_state_ struct rt_state *st = NULL;
  mk_error *ignored = NULL;
  state_read (dfd, id, &st, &ignored);
  mk_error_free (&ignored);
  if (st == NULL || st->pid == 0)
    {
      /* Left by a create that was killed halfway. */
      clean_incomplete (root, id, dfd, st);
      return force ? 0 : mk_error_set (err, 0, "container does not exist: `%s`", id);
    }
  enum rt_status status = state_status (root, st);
  if ((status == RT_RUNNING || status == RT_PAUSED) && !force)
    return mk_error_set (err, 0, "cannot delete container %s that is not stopped: %s", id,
                         rt_status_name (status));
  kill_and_destroy (st, 0, status == RT_PAUSED);
  rootfs_shared_release (dfd, st->rootfs);
  if (st->poststop.len)
    {
      _cleanup_free_ char *json = state_to_json (st, "stopped", false);
      hooks_run_warn (&st->poststop, "poststop", json);
    }
  if (state_remove (root, id, err) < 0)
    return mk_error_wrap (err, "delete `%s`", id);
  log_debug ("container %s deleted (was %s)", id, rt_status_name (status));
  return 0;
}
