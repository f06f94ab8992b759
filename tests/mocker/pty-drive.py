# Drives a command on a pty: python3 pty-drive.py STEPS CMD ARGS...
# STEPS is JSON: [["size", rows, cols], ["send", "text"], ["expect", "text"], ...]
# ("size" before any "send"/"expect" is set before the command starts).
# Prints what the command wrote (\r removed) and exits with its status
# (100 when an expected text did not come).
import json, os, pty, select, sys, time, fcntl, struct, termios
steps = json.loads(sys.argv[1])
first = []
while steps and steps[0][0] == "size":
    first.append(steps.pop(0))
pid, fd = pty.fork()
if pid == 0:
    for _, r, c in first:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
def read_until(token, timeout=20):
    global out
    end = time.time() + timeout
    while token not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return token in out
ok = True
for step in steps:
    if step[0] == "size":
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", step[1], step[2], 0, 0))
    elif step[0] == "send":
        os.write(fd, step[1].encode())
    elif step[0] == "expect":
        if not read_until(step[1].encode()):
            ok = False
            break
if not ok:
    os.kill(pid, 9)
read_until(b"\0never", 1) if ok else None
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(100 if not ok else os.waitstatus_to_exitcode(st))
