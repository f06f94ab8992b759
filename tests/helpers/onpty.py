#!/usr/bin/env python3
"""onpty.py INPUT CMD...: runs CMD with a new pty (24 rows x 80 columns) as
its controlling terminal and stdio, types INPUT (backslash escapes allowed)
into it, prints everything CMD wrote and exits with CMD's status."""
import fcntl, os, pty, select, struct, sys, termios

text = sys.argv[1].encode().decode("unicode_escape").encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
os.write(fd, text)
out = b""
while True:
    try:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            break
        data = os.read(fd, 4096)
        if not data:
            break
        out += data
    except OSError:  # EIO: the child side is closed
        break
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(status))
