/* run ID [create's options] [-d|--detach]: create + start, then (without -d)
 * wait and delete; the exit status is the process's (128+signal when killed),
 * 255 when the runtime itself fails. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "common/log.h"
#include "common/util.h"
#include "mocker-runtime/commands.h"
#include "mocker-runtime/state/container.h"
#include "mocker-runtime/process/terminal.h"

static const struct option run_options[] = {
  CREATE_LONG_OPTIONS,
  { "detach", no_argument, NULL, 'd' },
  { NULL, 0, NULL, 0 },
};

static volatile pid_t forward_pid;

static void
forward_signal (int sig)
{
  if (forward_pid > 0)
    kill (forward_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static void
forwarded_set (sigset_t *set)
{
  sigemptyset (set);
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    sigaddset (set, forwarded[i]);
}

/* Also delivers what arrived while container_create held them (hold_signals). */
static void
forward_signals (pid_t pid, const sigset_t *held)
{
  forward_pid = pid;
  struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
  for (size_t i = 0; i < ARRAY_SIZE (forwarded); i++)
    sigaction (forwarded[i], &sa, NULL);
  sigprocmask (SIG_UNBLOCK, held, NULL);
}

int
cmd_run (struct rt_globals *g, int argc, char **argv, mk_error **err)
{
  struct create_opts o = { .root = g->root, .systemd_cgroup = g->systemd_cgroup,
                         .strict_caps = g->strict_caps, .attached = true };
  bool detach = false;
  int c;
  g->fail_status = 255;
  cli_reset ();
  while ((c = getopt_long (argc, argv, ":b:d", run_options, NULL)) != -1)
    {
      if (c == 'd')
        {
          detach = true;
          continue;
        }
      int r = create_parse_option (c, &o, err);
      if (r < 0)
        return -1;
      if (r > 0)
        return cli_option_error ("run", c, argv, err);
    }
  if (detach)
    g->fail_status = 1;
  o.foreground = !detach;
  if (cli_args ("run", argc, argv, 1, 1, "run [OPTIONS] ID", err) < 0)
    return -1;
  o.id = argv[optind];
  sigset_t held;
  forwarded_set (&held);
  if (!detach)
    o.hold_signals = &held;

  _cleanup_container_ struct container *ct = NULL;
  if (container_create (&o, &ct, err) < 0)
    return -1;
  _cleanup_close_ int master = -1;
  if (ct->console_fd >= 0 && terminal_recv_master (ct->console_fd, true, &master, err) < 0)
    {
      container_abort (ct);
      return -1;
    }
  if (!detach)
    forward_signals (ct->pid, &held);
  if (container_start_attached (ct, err) < 0)
    {
      container_abort (ct);
      return -1;
    }
  if (detach)
    return 0;

  int status = 0;
  if (master >= 0)
    {
      if (terminal_relay (master, ct->pid, &status, err) < 0)
        return -1;
    }
  else
    while (waitpid (ct->pid, &status, 0) < 0)
      if (errno != EINTR)
        return mk_error_set (err, errno, "wait for the container process");
  forward_pid = 0;
  int code = WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);

  _cleanup_error_ mk_error *derr = NULL;
  if (container_delete (g->root, o.id, true, &derr) < 0)
    log_warning ("%s", derr->msg);
  return code;
}
