/* mocker-monitor: the small per-container process (like conmon).  See
 * docs/containers.md for the protocol with `mocker run` / `mocker start`.
 * Links only common/, mocker/container/state.c and yajl, statically, to
 * stay well under 1 MiB of RSS. */
#ifndef MOCKER_MONITOR_H
#define MOCKER_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* Messages on the SOCK_SEQPACKET socket shared with mocker (one per packet):
 *   monitor -> mocker: "created <pid>", "started", "exited <code>",
 *                      "error <exit code> <message>"
 *   mocker -> monitor: "start <ip or ->", "abort", "resize" */
#define MON_MSG_MAX 1024

struct monitor
{
  const char *id;
  const char *dir;          /* the container directory */
  const char *runtime;      /* mocker-runtime binary */
  const char *runtime_root;
  const char *mocker;       /* mocker binary, exec'd for the teardown */
  const char *store;        /* store root, given to mocker --root */
  bool attach;              /* fds 1 and 2 are the caller's: copy output there */
  bool stdin_open;          /* fd 0 is the caller's stdin */
  bool tty;
  bool open_stdin;          /* the record's OpenStdin: attach clients may write to stdin */
  bool running;             /* the init runs (not reaped yet): attach may signal it */
  int stdin_r, stdin_w;     /* --open-stdin without a tty or the caller's stdin: the
                             * container's stdin pipe (both ends kept, for restarts) */
  bool bridge;              /* teardown needs mocker (network_detach) */
  bool auto_remove;         /* --rm */
  const char *name;         /* the container's name (its link goes with --rm) */
  int sync_fd;              /* -1 once mocker went away */
  int log_fd;               /* the container's json-file log */
  int master_fd;            /* tty: the pty master, else -1 */
  int out_fd, err_fd;       /* read ends of the container's stdout/stderr */
  pid_t pid;                /* the container's init */
  const char *restart;      /* --restart NAME[:N], NULL = no */
};

/* Runs `mocker-runtime --root R ARGS...` with the given stdio (-1 =
 * /dev/null) and waits; returns its exit status (0..255) or -1. */
int mon_runtime (const struct monitor *m, int in, int out, int errfd, char *const args[]);
/* Spawns it without waiting; returns the pid or -1. */
pid_t mon_runtime_spawn (const struct monitor *m, int in, int out, int errfd, char *const args[]);

/* Sends one message to mocker (ignored once it went away). */
void mon_send (struct monitor *m, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Copies the container's output to the log (and to the caller when
 * attached), the caller's input to the pty, and reaps children until the
 * init exits and its output is drained.  Returns the init's wait status. */
int mon_relay (struct monitor *m);

/* Starts the health checker (health.c) when the record has a health check
 * to run: returns its pid and the control pipe's write end (*ctl, to close
 * when the container ended), or -1 (and removes a stale health.json). */
pid_t mon_health_start (const struct monitor *m, int *ctl);
/* --restart: after the init exited (st has its exit recorded), decides
 * whether to start the container again; when due, runs delete, the
 * back-off, create, `mocker _rewire`, start under the container's lock and
 * returns 0 with a new m->pid (restart.c).  -1: not restarted, tear down. */
struct ctr_state;
int mon_restart (struct monitor *m, struct ctr_state *st, long ran_ms);
/* Runs `mocker-runtime create` with fresh output pipes; 0, or Docker's exit
 * code for the failure with its message in msg (main.c). */
int mon_create (struct monitor *m, int in, char *msg, size_t size);

/* The attach socket (attach.c): listening while the container runs. */
#define MON_ATTACH_CLIENTS_MAX 64
/* The most pollfds mon_attach_poll adds: the clients, the socket, the sink. */
#define MON_ATTACH_POLLFDS (MON_ATTACH_CLIENTS_MAX + 2)
void mon_attach_listen (struct monitor *m);
/* Sends the exit frame to every client, closes them and the socket. */
void mon_attach_close (struct monitor *m, int exit_code);
/* Container output (ATTACH_STDOUT / ATTACH_STDERR) to every client. */
void mon_attach_output (struct monitor *m, int type, const char *p, size_t n);
/* Adds the socket's, the clients' and the stdin sink's pollfds (at most
 * max); mon_attach_events handles their revents. */
struct pollfd;
size_t mon_attach_poll (struct monitor *m, struct pollfd *pfd, size_t max);
void mon_attach_events (struct monitor *m, struct pollfd *pfd, size_t n);
/* Input for the container's stdin (the pty master or the stdin pipe),
 * written without blocking: room left, and queue (at most that much). */
size_t mon_stdin_room (const struct monitor *m);
void mon_stdin_push (struct monitor *m, const char *p, size_t n);

/* One json-file log line per line of output (see docs/containers.md). */
void mon_log_write (int fd, const char *stream, const char *data, size_t len);

#endif
