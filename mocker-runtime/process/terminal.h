/* Terminals (process.terminal).  The pty is always made inside the container,
 * from its own /dev/pts/ptmx (a new devpts instance), once the process sees
 * the container's root.  The master goes to whoever asked for it over a unix
 * socket, in one sendmsg carrying SCM_RIGHTS and the pty's name (runc's
 * console socket protocol): the caller's --console-socket, or, for a
 * foreground run/exec without one, the runtime itself, which then relays
 * the user's terminal (terminal_relay). */
#ifndef RT_TERMINAL_H
#define RT_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "spec/spec.h"

/* runc's rules: a detached terminal needs a console socket, and a console
 * socket is only for a detached terminal. */
int terminal_check_options (bool terminal, bool detach, const char *console_socket,
                            mk_error **err);

/* Connects to the caller's console socket (while the host's paths are still
 * reachable).  Returns the fd (close-on-exec). */
int terminal_connect (const char *path, mk_error **err);

/* In the container: a new pty, sized as process.consoleSize, its slave
 * owned by process.user.uid, made the controlling terminal and fds 0, 1, 2
 * (and bind-mounted on /dev/console when console is true: the init).  The
 * master is sent over sock, then closed.  relayed: sock is the runtime's own
 * (a foreground run or exec): the pty's ONLCR is cleared, as runc does for
 * the terminal it relays ("hi\n" arrives, not "hi\r\n"); a console
 * socket's receiver gets the pty as the kernel makes it, as from runc. */
int terminal_setup (const struct spec_process *p, int sock, bool console, bool relayed,
                    mk_error **err);

/* Receives a master sent by terminal_setup.  *master = -1 when nothing is
 * queued and wait is false. */
int terminal_recv_master (int sock, bool wait, int *master, mk_error **err);

/* Relays the user's terminal (stdin/stdout) and master until pid exits:
 * raw mode while it runs, window size followed (SIGWINCH), the terminal
 * restored on every way out.  *status is pid's wait status. */
int terminal_relay (int master, pid_t pid, int *status, mk_error **err);

#endif
