/* See launch.h. */
#include "mocker/container/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "mocker/container/dns_record.h"
#include "mocker/container/networks.h"
#include "mocker/network/network.h"
#include "mocker/store/store.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int
recv_msg (int sock, char *buf, size_t size)
{
  ssize_t n;
  do
    n = recv (sock, buf, size - 1, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  return 0;
}

static void
send_msg (int sock, const char *msg)
{
  while (send (sock, msg, strlen (msg), MSG_NOSIGNAL) < 0 && errno == EINTR)
    ;
}

/* Waits until the monitor and its teardown closed the socket. */
static void
wait_teardown (struct launch *l)
{
  char buf[1024];
  while (recv_msg (l->sock, buf, sizeof buf) == 0)
    ;
}

static pid_t
spawn_monitor (struct store *s, const struct container *c, const struct launch_opts *o, int sock)
{
  _cleanup_free_ char *rt_root = ctr_runtime_root (s);
  const char *argv[28];
  size_t n = 0;
  argv[n++] = ctr_monitor_path ();
  argv[n++] = "--id";
  argv[n++] = c->id;
  argv[n++] = "--dir";
  argv[n++] = c->dir;
  argv[n++] = "--runtime";
  argv[n++] = ctr_runtime_path ();
  argv[n++] = "--runtime-root";
  argv[n++] = rt_root;
  argv[n++] = "--mocker";
  argv[n++] = ctr_self_path ();
  argv[n++] = "--store";
  argv[n++] = store_root (s);
  if (o->attach)
    argv[n++] = "--attach";
  if (o->stdin_open)
    argv[n++] = "--stdin";
  if (o->tty)
    argv[n++] = "--tty";
  if (ctr_flag (c, "config", "OpenStdin"))
    argv[n++] = "--open-stdin"; /* attach clients may write to stdin */
  if (ctr_net_mode (c) == NET_BRIDGE)
    argv[n++] = "--bridge";
  if (ctr_flag (c, "host_config", "AutoRemove"))
    {
      argv[n++] = "--rm";
      argv[n++] = "--name";
      argv[n++] = c->name;
    }
  char restart[48];
  if (ctr_restart_arg (c, restart, sizeof restart))
    {
      argv[n++] = "--restart";
      argv[n++] = restart;
    }
  argv[n] = NULL;
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid != 0)
    return pid;
  int null = open ("/dev/null", O_RDWR);
  int s3 = fcntl (sock, F_DUPFD, 10);
  if (!o->stdin_open)
    dup2 (null, 0);
  if (!o->attach)
    {
      dup2 (null, 1);
      dup2 (null, 2);
    }
  dup2 (s3, 3);
  /* Nothing else of ours (store locks, logs) goes to the monitor. */
  syscall (SYS_close_range, 4, ~0U, 0);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  execv (argv[0], (char **) argv);
  dprintf (2, "mocker: exec `%s`: %s\n", argv[0], strerror (errno));
  _exit (125);
}

/* Attaches the container to its networks: the default bridge when its
 * NetworkMode is "bridge", then each user-defined network of networks.json
 * (published ports on the first). *ip: the first address; *n_user: how many
 * user-defined networks it is on. */
static int
attach_all (struct store *s, const struct container *c, const char *netns, char *ip,
            size_t ip_size, size_t *n_user, mk_error **err)
{
  _cleanup_free_ struct port_map *ports = NULL;
  size_t n_ports = 0;
  if (ctr_ports (c, &ports, &n_ports, err) < 0)
    return -1;
  struct ctr_networks nets;
  if (ctr_networks_load (c->dir, &nets, err) < 0)
    return -1;
  *n_user = nets.n;
  const char *mode = ctr_str (c, "host_config", "NetworkMode");
  bool on_default = mode == NULL || strcmp (mode, "bridge") == 0 || strcmp (mode, "default") == 0;
  int r = 0;
  bool first = true;
  for (size_t i = 0; i < nets.n + 1 && r == 0; i++)
    {
      if (i == 0 && !on_default)
        continue;
      struct net_attach_opts ao = {
        .container_id = c->id, .netns_path = netns, .ports = first ? ports : NULL,
        .n_ports = first ? n_ports : 0, .network = i > 0 ? nets.v[i - 1].name : NULL,
        .aliases = i > 0 ? nets.v[i - 1].aliases : NULL,
      };
      struct net_lease lease;
      r = network_attach (store_root (s), &ao, &lease, err);
      if (r == 0 && first)
        snprintf (ip, ip_size, "%s", lease.ip);
      first = false;
    }
  ctr_networks_clear (&nets);
  if (r < 0)
    {
      _cleanup_error_ mk_error *e = NULL;
      network_detach (store_root (s), c->id, &e);
      return -1;
    }
  if (first)  /* disconnected from every network: only lo, as --network none */
    return network_loopback_up (netns, err);
  return 0;
}

/* Between create and start: the container's network namespace is wired. */
static int
wire_network (struct store *s, const struct container *c, pid_t pid, char *ip, size_t ip_size,
              mk_error **err)
{
  char netns[64];
  snprintf (netns, sizeof netns, "/proc/%d/ns/net", (int) pid);
  enum net_mode mode = ctr_net_mode (c);
  if (mode == NET_HOST)
    return 0;
  if (mode == NET_NONE)
    return network_loopback_up (netns, err);
  size_t n_user = 0;
  if (attach_all (s, c, netns, ip, ip_size, &n_user, err) < 0)
    return -1;
  /* /etc/hosts now gets the address (rewritten in place: already bound). */
  _cleanup_free_ char *etc = path_join (c->dir, "etc");
  const char *hostname = ctr_str (c, "config", "Hostname");
  struct net_etc_opts eo = { .hostname = hostname ? hostname : c->id, .name = c->name,
                             .ip = ip[0] ? ip : NULL };
  struct ctr_dns_opts dns;
  ctr_dns_opts_load (c, &dns, &eo);
  int r = network_write_etc_files (etc, &eo, err);
  ctr_dns_opts_clear (&dns);
  /* Its peers on user-defined networks and itself learn the names (a
   * container on none has no peers: its file is complete already). */
  if (r == 0 && n_user > 0)
    r = ctr_hosts_refresh (s, c->id, err);
  if (r < 0)
    {
      _cleanup_error_ mk_error *e = NULL;
      network_detach (store_root (s), c->id, &e);
      return -1;
    }
  return 0;
}

int
ctr_launch (struct store *s, const struct container *c, const struct launch_opts *o,
            struct launch *l, mk_error **err)
{
  *l = (struct launch) { .sock = -1, .pidfd = -1, .failure = 125 };
  int sp[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return mk_error_set (err, errno, "socketpair");
  l->monitor = spawn_monitor (s, c, o, sp[1]);
  close (sp[1]);
  l->sock = sp[0];
  if (l->monitor < 0)
    return mk_error_set (err, errno, "fork");

  char msg[1024];
  if (recv_msg (l->sock, msg, sizeof msg) < 0)
    {
      l->no_teardown = true;
      return mk_error_set (err, 0, "container %.12s: the monitor (%s) ended without a word",
                           c->id, ctr_monitor_path ());
    }
  if (str_has_prefix (msg, "error "))
    goto failed;
  long long pid = 0;
  if (!str_has_prefix (msg, "created ") || !parse_int64 (msg + 8, &pid) || pid <= 0)
    return mk_error_set (err, 0, "container %.12s: unexpected message from the monitor: %s",
                         c->id, msg);
  l->pid = (pid_t) pid;
  l->pidfd = (int) syscall (SYS_pidfd_open, l->pid, 0);

  char ip[16] = "";
  if (wire_network (s, c, l->pid, ip, sizeof ip, err) < 0)
    {
      send_msg (l->sock, "abort");
      wait_teardown (l);
      return mk_error_wrap (err, "container %.12s: network", c->id);
    }
  char start[32];
  snprintf (start, sizeof start, "start %s", ip[0] ? ip : "-");
  send_msg (l->sock, start);
  if (recv_msg (l->sock, msg, sizeof msg) < 0)
    return mk_error_set (err, 0, "container %.12s: the monitor ended while starting", c->id);
  if (str_has_prefix (msg, "error "))
    goto failed;
  if (strcmp (msg, "started") != 0)
    return mk_error_set (err, 0, "container %.12s: unexpected message from the monitor: %s",
                         c->id, msg);
  return 0;

failed:
  {
    /* "error <code> <text>" */
    char *end = NULL;
    long code = strtol (msg + 6, &end, 10);
    l->failure = code > 0 && code < 256 ? (int) code : 125;
    const char *text = end && *end == ' ' ? end + 1 : msg + 6;
    mk_error_set (err, 0, "container %.12s: %s", c->id, text);
    wait_teardown (l);
    return -1;
  }
}

static volatile sig_atomic_t pending[NSIG];
static volatile sig_atomic_t any_pending;

static void
on_signal (int sig)
{
  pending[sig] = 1;
  any_pending = 1;
}

int
ctr_wait_attached (struct launch *l, bool tty)
{
  static const int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
  struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: recv returns EINTR */
  for (size_t i = 0; i < ARRAY_SIZE (fwd); i++)
    sigaction (fwd[i], &sa, NULL);
  if (tty)
    send_msg (l->sock, "resize");
  int code = -1;
  char msg[1024];
  for (;;)
    {
      ssize_t n = recv (l->sock, msg, sizeof msg - 1, 0);
      if (n < 0 && errno == EINTR)
        {
          if (!any_pending)
            continue;
          any_pending = 0;
          for (size_t i = 0; i < ARRAY_SIZE (fwd); i++)
            if (pending[fwd[i]])
              {
                pending[fwd[i]] = 0;
                if (fwd[i] == SIGWINCH)
                  send_msg (l->sock, "resize");
                else if (l->pidfd >= 0 && code < 0)
                  syscall (SYS_pidfd_send_signal, l->pidfd, fwd[i], NULL, 0);
              }
          continue;
        }
      if (n <= 0)
        break;
      msg[n] = '\0';
      long long c;
      if (str_has_prefix (msg, "exited ") && parse_int64 (msg + 7, &c))
        code = (int) c;
    }
  struct sigaction dfl = { .sa_handler = SIG_DFL };
  for (size_t i = 0; i < ARRAY_SIZE (fwd); i++)
    sigaction (fwd[i], &dfl, NULL);
  return code < 0 ? 125 : code;
}

void
ctr_launch_close (struct launch *l)
{
  if (l->sock >= 0)
    close (l->sock);
  if (l->pidfd >= 0)
    close (l->pidfd);
  l->sock = l->pidfd = -1;
  /* Reap the monitor when it is done; a detached one is left running. */
  if (l->monitor > 0)
    waitpid (l->monitor, NULL, WNOHANG);
}

int
ctr_wire_network (struct store *s, const struct container *c, pid_t pid, char *ip,
                  size_t ip_size, mk_error **err)
{
  return wire_network (s, c, pid, ip, ip_size, err);
}
