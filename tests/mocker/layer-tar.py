#!/usr/bin/env python3
"""Builds the layer tarballs of tests/mocker/layer_safety.bats.

    layer-tar.py KIND OUT.tar TARGET_DIR

TARGET_DIR is the test's own temp directory: the hostile kinds try to write
TARGET_DIR/sentinel (which the test created) from outside the layer.
"""
import io
import sys
import tarfile

kind, out, target = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/")
t = tarfile.open(out, "w", format=tarfile.PAX_FORMAT)


def reg(name, data=b"pwned\n", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    for k, v in kw.items():
        setattr(ti, k, v)
    t.addfile(ti, io.BytesIO(data))


def typed(name, typ, **kw):
    ti = tarfile.TarInfo(name)
    ti.type = typ
    for k, v in kw.items():
        setattr(ti, k, v)
    t.addfile(ti)


depth = "../" * 20
if kind == "dotdot":
    reg("ok-first")
    reg(depth + target.lstrip("/") + "/sentinel")
elif kind == "dotdot-middle":
    reg("a/b/../../../" + depth + target.lstrip("/") + "/sentinel")
elif kind == "absolute":
    reg(target + "/sentinel")
elif kind == "symlink-out":
    typed("escape", tarfile.SYMTYPE, linkname=target)
    reg("escape/sentinel")
elif kind == "symlink-relative-out":
    typed("escape", tarfile.SYMTYPE, linkname=depth + target.lstrip("/"))
    reg("escape/sentinel")
elif kind == "symlink-chain":
    typed("a", tarfile.SYMTYPE, linkname="b")
    typed("b", tarfile.SYMTYPE, linkname=depth + target.lstrip("/"))
    reg("a/sentinel")
elif kind == "hardlink-out":
    typed("h", tarfile.LNKTYPE, linkname=target + "/sentinel")
    reg("h")
elif kind == "hardlink-passwd":
    typed("passwd", tarfile.LNKTYPE, linkname="/etc/passwd")
    reg("passwd")
elif kind == "hardlink-dotdot":
    typed("h", tarfile.LNKTYPE, linkname=depth + target.lstrip("/") + "/sentinel")
    reg("h")
elif kind == "hardlink-via-symlink":
    typed("d", tarfile.SYMTYPE, linkname=target)
    typed("h", tarfile.LNKTYPE, linkname="d/sentinel")
    reg("h")
elif kind == "whiteout-dotdot":
    reg(".wh...", b"")
elif kind == "whiteout-dotdot-sub":
    typed("a", tarfile.DIRTYPE, mode=0o755)
    reg("a/.wh...", b"")
elif kind == "whiteout-bare":
    reg(".wh.", b"")
elif kind == "whiteout-via-symlink":
    typed("s", tarfile.SYMTYPE, linkname=target)
    reg("s/.wh.sentinel", b"")
elif kind == "device-then-file":
    # a file written over a device node replaces the node (never writes into it)
    typed("node", tarfile.CHRTYPE, devmajor=1, devminor=3)
    reg("node", b"content\n")
elif kind == "good":
    # whiteouts, an opaque dir, a hardlink, a symlink, a device, setuid, a capability
    typed("d", tarfile.DIRTYPE, mode=0o755)
    reg("d/.wh.gone", b"", uid=12, gid=34)
    typed("o", tarfile.DIRTYPE, mode=0o750)
    reg("o/.wh..wh..opq", b"")
    reg("o/new", b"new\n")
    reg(".wh.top", b"")
    typed("fake", tarfile.DIRTYPE, mode=0o755,
          pax_headers={"SCHILY.xattr.trusted.overlay.opaque": "y"})
    reg("file", b"hello\n", mode=0o640, uid=1000, gid=1001)
    typed("hard", tarfile.LNKTYPE, linkname="file")
    typed("sym", tarfile.SYMTYPE, linkname="/file")
    typed("null", tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666)
    reg("suid", b"#!/bin/sh\n", mode=0o4755)
    cap = bytes([1, 0, 0, 2, 0, 0x20, 0, 0] + [0] * 12)  # v2, cap_net_raw permitted+effective
    reg("capfile", b"x", mode=0o755,
        pax_headers={"SCHILY.xattr.security.capability": cap.decode("latin-1")})
elif kind in ("hardlink-data", "hardlink-symlink-mode", "hardlink-symlink-acl"):
    # A hardlink entry with a size and data (pax honours it): its data and
    # metadata must not land on the target (issue 15).
    if kind == "hardlink-data":
        reg("file", b"abc\n", mode=0o644)
        link, pax = "file", {}
    else:
        typed("s", tarfile.SYMTYPE, linkname=target + "/sentinel")
        link, pax = "s", {}
        if kind == "hardlink-symlink-acl":
            pax = {"SCHILY.acl.access": "user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r--"}
    h = tarfile.TarInfo("h")
    h.type, h.linkname, h.mode, h.size = tarfile.LNKTYPE, link, 0o777, 5
    h.pax_headers = dict(pax, comment="hardlink with data")
    buf = h.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    t.fileobj.write(buf + b"xxxxx" + b"\0" * 507)
    t.offset += len(buf) + 512
    reg("after", b"after\n")
else:
    sys.exit("unknown kind " + kind)
t.close()
