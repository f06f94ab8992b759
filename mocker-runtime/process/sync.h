/* Messages between the runtime and the container's init over a
 * SOCK_SEQPACKET socketpair: one type byte, then an optional text. */
#ifndef RT_SYNC_H
#define RT_SYNC_H

#include <stddef.h>
#include "common/error.h"

enum sync_type
{
  SYNC_GO = 'G',     /* runtime -> init: id maps, cgroup, runtime hooks done; text = state JSON */
  SYNC_READY = 'R',  /* init -> runtime: set up, waiting for start */
  SYNC_ERROR = 'E',  /* init -> runtime: text = the error */
  SYNC_ACK = 'A',    /* runtime -> init: state written, survive the runtime from now on */
  SYNC_ACKED = 'K',  /* init -> runtime: parent-death signal cleared */
  SYNC_START = 'S',  /* runtime -> init (run): go on to execve */
  SYNC_FDS = 'F',    /* before GO, init -> runtime (empty): send the bind sources;
                        runtime -> init: them, as SCM_RIGHTS (mounts.h) */
};

int sync_send (int fd, char type, const char *text, mk_error **err);
/* Receives one message; *text (heap, may be NULL) gets the payload.  The
 * peer closing its end (exit, exec) gives type 0. */
int sync_recv (int fd, char *type, char **text, mk_error **err);

/* One message carrying n (<= SYNC_MAX_FDS) fds, and receiving it: *n gets
 * how many came (close-on-exec in the receiver). */
#define SYNC_MAX_FDS 200
int sync_send_fds (int fd, char type, const int *fds, size_t n, mk_error **err);
int sync_recv_fds (int fd, char *type, int *fds, size_t max, size_t *n, mk_error **err);

#endif
