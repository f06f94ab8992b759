#!/usr/bin/env python3
"""Writes the checked-in seed corpora and regression inputs of tests/fuzz/.

    python3 tests/fuzz/make-seeds.py      (from the repository; rewrites them)

The layer inputs aim at the layer harness's sandbox: /outside/file,
/outside/dir and ../outside/... exist there (tests/fuzz/fuzz_layer.c).
"""
import gzip
import io
import json
import os
import tarfile

here = os.path.dirname(os.path.abspath(__file__))


def out(kind, name, data):
    d = os.path.join(here, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def tar(entries):
    b = io.BytesIO()
    t = tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT)
    for e in entries:
        ti = tarfile.TarInfo(e["name"])
        ti.type = e.get("type", tarfile.REGTYPE)
        ti.mode = e.get("mode", 0o644)
        ti.linkname = e.get("link", "")
        ti.devmajor, ti.devminor = e.get("dev", (0, 0))
        ti.pax_headers = e.get("pax", {})
        ti.mtime = 1700000000
        data = e.get("data", b"")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data) if data else None)
    t.close()
    return b.getvalue()


def hardlink_with_data(linkname, pax):
    # tarfile never writes a hardlink's data: patch the size in after.
    b = io.BytesIO()
    t = tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT)
    s = tarfile.TarInfo("s")
    s.type, s.linkname, s.mode = tarfile.SYMTYPE, linkname, 0o777
    t.addfile(s)
    h = tarfile.TarInfo("h")
    h.type, h.linkname, h.mode, h.size = tarfile.LNKTYPE, "s", 0o777, 5
    h.pax_headers = dict(pax, comment="hardlink with data")
    buf = h.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
    t.fileobj.write(buf + b"xxxxx" + b"\0" * 507)
    t.offset += len(buf) + 512
    t.close()
    return b.getvalue()


acl = "user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r--"
good = tar([
    {"name": "d", "type": tarfile.DIRTYPE, "mode": 0o755},
    {"name": "d/file", "data": b"hello\n", "mode": 0o4755},
    {"name": "d/link", "type": tarfile.SYMTYPE, "link": "file"},
    {"name": "d/hard", "type": tarfile.LNKTYPE, "link": "d/file"},
    {"name": "d/.wh.gone", "data": b""},
    {"name": "opq/.wh..wh..opq", "data": b""},
    {"name": "null", "type": tarfile.CHRTYPE, "dev": (1, 3)},
    {"name": "fifo", "type": tarfile.FIFOTYPE},
    {"name": "x", "data": b"x", "pax": {"SCHILY.xattr.user.k": "v",
                                        "SCHILY.xattr.trusted.overlay.opaque": "y",
                                        "SCHILY.acl.access": acl}},
])
out("corpus/layer", "good.tar", good)
out("corpus/layer", "good.tar.gz", gzip.compress(good, mtime=0))
out("corpus/layer", "symlink-out.tar", tar([
    {"name": "s", "type": tarfile.SYMTYPE, "link": "/outside"},
    {"name": "s/file", "data": b"pwned\n"},
]))
out("corpus/layer", "symlink-relative.tar", tar([
    {"name": "s", "type": tarfile.SYMTYPE, "link": "../outside/dir"},
    {"name": "s/.wh.file", "data": b""},
    {"name": "t", "type": tarfile.LNKTYPE, "link": "s/file"},
]))
out("corpus/layer", "replace-symlink.tar", tar([
    {"name": "a", "type": tarfile.SYMTYPE, "link": "/outside/file"},
    {"name": "a", "data": b"replaced\n", "mode": 0o600},
    {"name": "b", "type": tarfile.SYMTYPE, "link": "/outside/dir"},
    {"name": "b", "type": tarfile.DIRTYPE, "mode": 0o700},
]))
# Issue 15, defect 1: metadata of a hardlink applied through the symlink it names.
out("regressions/layer", "hardlink-to-symlink-mode.tar", hardlink_with_data("/outside/file", {}))
out("regressions/layer", "hardlink-to-symlink-acl.tar",
    hardlink_with_data("/outside/file", {"SCHILY.acl.access": acl}))

deep = "[" * 200 + "]" * 200
base = {
    "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
    "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"], "Entrypoint": None,
               "WorkingDir": "/w", "User": "nobody", "Labels": {"a": "b"},
               "StopSignal": "SIGINT", "ExposedPorts": {"80/tcp": {}}},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "1" * 64]},
    "history": [{"created_by": "base"}],
}
out("corpus/image_config", "busybox.json", json.dumps(base).encode())
out("corpus/image_config", "minimal.json", b'{"rootfs":{"type":"layers","diff_ids":[]}}')
# Issue 15, defects 2 and 3: deep nesting in a label / Cmd, a lone surrogate.
out("regressions/image_config", "deep-label.json",
    json.dumps(base).replace('"Labels": {"a": "b"}', '"Labels": {"deep": %s}' % deep).encode())
out("regressions/image_config", "deep-cmd.json",
    json.dumps(base).replace('"Cmd": ["/bin/sh"]', '"Cmd": ["/bin/sh", %s]' % deep).encode())
out("regressions/image_config", "lone-surrogate.json",
    json.dumps(base).replace('"PATH=/bin"', '"A=\\udc00\\ud800x"').encode())

out("corpus/spec_config", "minimal.json", json.dumps({
    "ociVersion": "1.0.2", "root": {"path": "rootfs", "readonly": True},
    "process": {"args": ["sh"], "cwd": "/", "env": ["PATH=/bin"],
                "user": {"uid": 0, "gid": 0}, "terminal": False,
                "capabilities": {"bounding": ["CAP_KILL"]},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]},
    "hostname": "h",
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc",
                "options": ["nosuid"]}],
    "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}],
              "resources": {"memory": {"limit": 1048576}, "pids": {"limit": 10},
                            "cpu": {"shares": 512, "quota": 1000, "period": 100000}},
              "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
              "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
              "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
                          "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]},
              "devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]},
    "hooks": {"prestart": [{"path": "/bin/true", "args": ["true"], "timeout": 1}]},
    "annotations": {"k": "v"},
}).encode())

digest = "sha256:" + "a" * 64
out("corpus/manifest", "oci-manifest.json", b"\x00" + json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest,
               "size": 100},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest,
                "size": 200}],
}).encode())
out("corpus/manifest", "docker-list.json", b"\x03" + json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                   "digest": digest, "size": 300,
                   "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}},
                  {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "digest": digest, "size": 300,
                   "platform": {"architecture": "unknown", "os": "unknown"},
                   "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}],
}).encode())

for i, ref in enumerate(["busybox", "library/ubuntu:22.04", "localhost:5000/a/b_c.d-e:tag",
                         "docker.io/library/alpine@" + digest, "[::1]:5000/x:y",
                         "Upper/case", "a" * 300]):
    out("corpus/reference", "ref%d" % i, ref.encode())

for i, h in enumerate([
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/busybox:pull"',
        'Basic realm="Registry Realm"',
        'Bearer realm="http://127.0.0.1/t", error="invalid_token", Basic realm="x\\"y"',
        'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
        'Bearer token68abc==',
        '{"token":"abc","expires_in":300}',
        '{"access_token":"abc","expires_in":-5}']):
    out("corpus/www_authenticate", "h%d" % i, h.encode())

out("corpus/log_reader", "lines.log",
    b'{"log":"hello\\n","stream":"stdout","time":"2024-01-01T00:00:00.000000001Z"}\n'
    b'{"log":"err \\u00e9\\ufffd\\n","stream":"stderr","time":"2024-01-01T00:00:01Z"}\n'
    b'{"log":"torn'
    b'\n{"stream":"stdout","log":"x","extra":{"a":[1,2]}}\n')
