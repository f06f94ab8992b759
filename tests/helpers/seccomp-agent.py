#!/usr/bin/env python3
"""A small seccomp agent (runtime-spec linux.seccomp.listenerPath) for tests.

    seccomp-agent.py SOCKET OUTDIR ANSWER [CONNECTIONS]

Listens on the UNIX socket SOCKET (SOCK_STREAM) and takes CONNECTIONS
(default 1) connections from the runtime.  Each brings the container process
state JSON and, by SCM_RIGHTS, the seccomp listener fd: the JSON goes to
OUTDIR/state-N.json, the number of fds received to OUTDIR/fds-N.  Then every
notification on every listener is answered with ANSWER: "ok" (the syscall
"succeeds" with return value 0 without being run) or an errno number (it
fails with that errno); each is logged to OUTDIR/log as "nr=NR pid=PID".
Exits when every listener has hung up (the filtered processes are gone), or
after 60 s.  Writes OUTDIR/ready once it listens.
"""
import array
import fcntl
import json
import os
import select
import socket
import struct
import sys
import time

# <linux/seccomp.h>: _IOWR('!', 0, struct seccomp_notif) (80 bytes) and
# _IOWR('!', 1, struct seccomp_notif_resp) (24 bytes).
NOTIF_RECV = (3 << 30) | (80 << 16) | (ord('!') << 8) | 0
NOTIF_SEND = (3 << 30) | (24 << 16) | (ord('!') << 8) | 1


def receive(conn):
    """The state JSON and the fds of one connection."""
    fds = array.array('i')
    data, anc, _, _ = conn.recvmsg(1 << 16, socket.CMSG_SPACE(16 * fds.itemsize))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[:len(payload) - (len(payload) % fds.itemsize)])
    # Up to the end of the JSON (runc 1.1 keeps the connection open).
    while True:
        try:
            json.loads(data)
            break
        except ValueError:
            pass
        more = conn.recv(1 << 16)
        if not more:
            break
        data += more
    return data, list(fds)


def answer(fd, how, log):
    buf = bytearray(80)
    try:
        fcntl.ioctl(fd, NOTIF_RECV, buf, True)
    except OSError:
        return  # the process went away meanwhile
    notif_id, pid, _flags, nr = struct.unpack_from('<QIIi', buf, 0)
    if how == 'ok':
        resp = struct.pack('<QqiI', notif_id, 0, 0, 0)
    else:
        resp = struct.pack('<QqiI', notif_id, 0, -int(how), 0)
    try:
        fcntl.ioctl(fd, NOTIF_SEND, bytearray(resp), True)
    except OSError:
        pass
    log.write('nr=%d pid=%d\n' % (nr, pid))
    log.flush()


def main():
    path, outdir, how = sys.argv[1], sys.argv[2], sys.argv[3]
    want = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)
    open(os.path.join(outdir, 'ready'), 'w').close()
    deadline = time.monotonic() + 60
    listeners = []
    got = 0
    log = open(os.path.join(outdir, 'log'), 'a')
    poll = select.poll()
    poll.register(srv, select.POLLIN)
    while time.monotonic() < deadline and (got < want or listeners):
        for fd, ev in poll.poll(200):
            if fd == srv.fileno():
                conn, _ = srv.accept()
                data, fds = receive(conn)
                conn.close()
                got += 1
                with open(os.path.join(outdir, 'state-%d.json' % got), 'wb') as f:
                    f.write(data)
                with open(os.path.join(outdir, 'fds-%d' % got), 'w') as f:
                    f.write('%d\n' % len(fds))
                for extra in fds[1:]:
                    os.close(extra)
                if fds:
                    listeners.append(fds[0])
                    poll.register(fds[0], select.POLLIN)
                if got >= want:
                    poll.unregister(srv)
            elif ev & select.POLLIN:
                answer(fd, how, log)
            elif ev & (select.POLLHUP | select.POLLERR):
                poll.unregister(fd)
                listeners.remove(fd)
                os.close(fd)
    srv.close()
    os.unlink(path)


if __name__ == '__main__':
    main()
