/* The attach socket of a running container (docs/containers.md, "attach"):
 * the monitor listens on DIR/attach.sock (SOCK_STREAM); `mocker attach`
 * connects.  Both ways the stream is frames with Docker's stdcopy header:
 *   byte 0 the frame type, bytes 1-3 zero, bytes 4-7 the payload length
 *   (big-endian), then the payload.
 * Shared by mocker and the monitor (header only: the monitor is built
 * against musl and links little). */
#ifndef MOCKER_CONTAINER_ATTACH_PROTO_H
#define MOCKER_CONTAINER_ATTACH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define ATTACH_SOCK_NAME "attach.sock"

enum attach_frame
{
  ATTACH_STDIN = 0,  /* client -> monitor: bytes for the container's stdin (or pty) */
  ATTACH_STDOUT = 1, /* monitor -> client: the container's output (a tty's too) */
  ATTACH_STDERR = 2,
  ATTACH_RESIZE = 4, /* client -> monitor: "ROWS COLS", applied to the pty */
  ATTACH_SIGNAL = 5, /* client -> monitor: "N", sent to the container's init */
  ATTACH_EXIT = 6,   /* monitor -> client: "CODE", the init exited; EOF follows */
};

#define ATTACH_HEADER 8
/* The largest payload a client sends; the monitor drops a client that
 * sends more. */
#define ATTACH_CLIENT_FRAME_MAX 4096
/* The largest payload the monitor sends: one read of the container's
 * output (mocker/monitor/relay.c) is one frame; clients buffer this much. */
#define ATTACH_OUTPUT_FRAME_MAX 65536

static inline void
attach_header (unsigned char h[ATTACH_HEADER], int type, size_t len)
{
  h[0] = (unsigned char) type;
  h[1] = h[2] = h[3] = 0;
  h[4] = (unsigned char) (len >> 24);
  h[5] = (unsigned char) (len >> 16);
  h[6] = (unsigned char) (len >> 8);
  h[7] = (unsigned char) len;
}

static inline size_t
attach_frame_len (const unsigned char h[ATTACH_HEADER])
{
  return ((size_t) h[4] << 24) | ((size_t) h[5] << 16) | ((size_t) h[6] << 8) | h[7];
}

#endif
