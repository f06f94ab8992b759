#!/usr/bin/env python3
"""A registry front for pull tests: proxies /v2/ to a real registry
(docker-registry on 127.0.0.1) and misbehaves on demand.

  --upstream HOST:PORT      the real registry
  --port-file F             written with "PORT BLOBPORT" once listening
  --log F                   one line per request: "PORT METHOD PATH auth=<Authorization or ->"
                            and "PORT RANGE PATH bytes=N-" when a Range was asked
  --bearer                  demand a Bearer token from our own /token endpoint
  --user U:P                the token endpoint wants these Basic credentials
  --basic U:P               demand HTTP Basic with these credentials (no tokens)
  --token-uses N            a token is good for N requests, then 401 again (refresh test)
  --redirect-blobs          answer blob GETs with 307 to a second port (another origin)
  --drop-after N            blob bodies longer than N: send N bytes, then close
  --drop-times K            ... only the first K times (default: always)
  --stall                   with --drop-after: hang instead of closing
  --error-status S          blob GETs answer HTTP S ...
  --error-times K           ... the first K times (default: always)
  --barrier D1,D2,...       GETs of these blobs wait until all of them were asked for
                            (proof of parallel downloads); after 10 s alone: 404
  --ratelimit               manifests answer 429 with ratelimit-* headers
Only loopback is ever contacted.
"""
import argparse
import base64
import http.client
import http.server
import itertools
import json
import re
import sys
import threading
import time

args = None
lock = threading.Lock()
tokens = {}  # token -> uses left
counter = itertools.count(1)
drops = {"done": 0}
errors = {"done": 0}
barrier = threading.Condition()
barrier_seen = set()


def log(port, handler):
    if not args.log:
        return
    with lock, open(args.log, "a") as f:
        f.write("%d %s %s auth=%s\n" % (port, handler.command, handler.path,
                                        handler.headers.get("Authorization", "-")))
        if handler.headers.get("Range"):
            f.write("%d RANGE %s %s\n" % (port, handler.path, handler.headers["Range"]))


def upstream(method, path, headers):
    conn = http.client.HTTPConnection(args.upstream, timeout=30)
    conn.request(method, path, headers=headers)
    return conn, conn.getresponse()


class Base(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send_json(self, status, obj, extra=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def relay(self, path):
        """Proxies a GET/HEAD to the upstream, maybe cutting the body short."""
        fwd = {}
        for h in ("Accept", "Range"):
            if self.headers.get(h):
                fwd[h] = self.headers[h]
        conn, resp = upstream(self.command, path, fwd)
        body = resp.read()
        conn.close()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() in ("content-type", "docker-content-digest", "content-range",
                             "accept-ranges", "location"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        # (only bodies longer than N: a small config passes whole)
        is_blob = "/blobs/" in path and resp.status in (200, 206) and \
            args.drop_after is not None and len(body) > args.drop_after
        if is_blob and args.drop_after is not None:
            with lock:
                drop = args.drop_times < 0 or drops["done"] < args.drop_times
                if drop:
                    drops["done"] += 1
            if drop:
                self.wfile.write(body[:args.drop_after])
                self.wfile.flush()
                if args.stall:
                    time.sleep(120)
                self.close_connection = True
                self.connection.shutdown(2)
                return
        self.wfile.write(body)


class Registry(Base):
    def do_HEAD(self):
        self.do_GET()

    def authorized(self):
        a = self.headers.get("Authorization", "")
        if not a.startswith("Bearer "):
            return False
        t = a[7:]
        with lock:
            if t not in tokens:
                return False
            if tokens[t] is not None:
                if tokens[t] <= 0:
                    return False
                tokens[t] -= 1
        return True

    def challenge(self):
        m = re.match(r"^/v2/(.+)/(manifests|blobs)/", self.path)
        scope = 'repository:%s:pull' % m.group(1) if m else "registry:catalog:*"
        realm = "http://127.0.0.1:%d/token" % self.server.server_port
        self.send_json(401, {"errors": [{"code": "UNAUTHORIZED",
                                         "message": "authentication required"}]},
                       [("WWW-Authenticate",
                         'Bearer realm="%s",service="fake,registry",scope="%s"' % (realm, scope))])

    def token(self):
        if args.user:
            want = "Basic " + base64.b64encode(args.user.encode()).decode()
            if self.headers.get("Authorization") != want:
                self.send_json(401, {"details": "incorrect username or password"})
                return
        if "service=fake%2Cregistry" not in self.path and "service=fake,registry" not in self.path:
            self.send_json(400, {"details": "wrong service"})
            return
        t = "tok-%d" % next(counter)
        with lock:
            tokens[t] = args.token_uses
        self.send_json(200, {"token": t, "expires_in": 300})

    def do_GET(self):
        log(self.server.server_port, self)
        if self.path.startswith("/token"):
            return self.token()
        if args.bearer and not self.authorized():
            return self.challenge()
        if args.basic:
            want = "Basic " + base64.b64encode(args.basic.encode()).decode()
            if self.headers.get("Authorization") != want:
                return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED",
                                                        "message": "authentication required"}]},
                                      [("WWW-Authenticate", 'Basic realm="fake registry"')])
        if args.ratelimit and "/manifests/" in self.path:
            return self.send_json(429, {"errors": [{"code": "TOOMANYREQUESTS",
                                                    "message": "You have reached your pull rate limit."}]},
                                  [("ratelimit-limit", "100;w=21600"),
                                   ("ratelimit-remaining", "0;w=21600")])
        if args.error_status and "/blobs/" in self.path:
            with lock:
                fail = args.error_times < 0 or errors["done"] < args.error_times
                if fail:
                    errors["done"] += 1
            if fail:
                return self.send_json(args.error_status,
                                      {"errors": [{"code": "UNAVAILABLE",
                                                   "message": "try again later"}]})
        if args.barrier and "/blobs/" in self.path:
            want = set(args.barrier.split(","))
            digest = self.path.rsplit("/", 1)[-1]
            if digest in want:
                with barrier:
                    barrier_seen.add(digest)
                    barrier.notify_all()
                    ok = barrier.wait_for(lambda: want <= barrier_seen, timeout=10)
                if not ok:
                    return self.send_json(404, {"errors": [{"code": "BLOB_UNKNOWN",
                                                            "message": "barrier: asked for alone"}]})
        if args.redirect_blobs and "/blobs/" in self.path:
            self.send_response(307)
            self.send_header("Location", "http://localhost:%d%s" % (blob_port, self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.relay(self.path)


class BlobStore(Base):
    """The "object storage" a registry redirects to: another origin."""

    def do_GET(self):
        log(self.server.server_port, self)
        if self.headers.get("Authorization"):
            # S3 refuses a second auth mechanism; so do we
            return self.send_json(400, {"details": "Only one auth mechanism allowed"})
        self.relay(self.path)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    global args, blob_port
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--bearer", action="store_true")
    p.add_argument("--user")
    p.add_argument("--token-uses", type=int)
    p.add_argument("--basic")
    p.add_argument("--redirect-blobs", action="store_true")
    p.add_argument("--drop-after", type=int)
    p.add_argument("--drop-times", type=int, default=-1)
    p.add_argument("--stall", action="store_true")
    p.add_argument("--error-status", type=int)
    p.add_argument("--error-times", type=int, default=-1)
    p.add_argument("--barrier")
    p.add_argument("--ratelimit", action="store_true")
    args = p.parse_args()
    main_srv = Server(("127.0.0.1", 0), Registry)
    blob_srv = Server(("127.0.0.1", 0), BlobStore)
    blob_port = blob_srv.server_port
    threading.Thread(target=blob_srv.serve_forever, daemon=True).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d %d\n" % (main_srv.server_port, blob_port))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    main_srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
