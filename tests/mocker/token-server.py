#!/usr/bin/env python3
"""A registry token server for the tests (the Docker token auth flow):
GET /token?service=S&scope=repository:NAME:ACTIONS with Basic credentials
from an htpasswd-like "user:password" file answers a JWT (RS256, signed
with `openssl`, kid = the libtrust id of the key) granting every scope
asked for; wrong or missing credentials get 401. Every request is logged
(method, path, user) to --log.

  token-server.py --key KEY.pem --cert CERT.pem --users FILE --issuer I
                  --port-file F --log L
"""
import argparse, base64, hashlib, json, subprocess, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def libtrust_kid(cert):
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-pubkey"],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                         check=True, capture_output=True).stdout
    s = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode()
    return ":".join(s[i:i + 4] for i in range(0, len(s), 4))


def main():
    ap = argparse.ArgumentParser()
    for o in ("--key", "--cert", "--users", "--issuer", "--port-file", "--log"):
        ap.add_argument(o, required=True)
    a = ap.parse_args()
    users = dict(l.strip().split(":", 1) for l in open(a.users) if ":" in l)
    kid = libtrust_kid(a.cert)
    log = open(a.log, "a", buffering=1)

    class H(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            u = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(u.query)
            user = None
            h = self.headers.get("Authorization", "")
            if h.startswith("Basic "):
                name, _, pw = base64.b64decode(h[6:]).decode().partition(":")
                if users.get(name) == pw:
                    user = name
                else:
                    log.write("GET %s denied %s\n" % (self.path, name))
                    self.send_response(401)
                    self.end_headers()
                    return
            log.write("GET %s user=%s\n" % (self.path, user))
            access = []
            for sc in q.get("scope", []):
                for one in sc.split(" "):
                    parts = one.split(":")
                    if len(parts) >= 3:
                        acts = parts[-1].split(",")
                        if user is None:  # anonymous: nothing
                            acts = []
                        access.append({"type": parts[0], "name": ":".join(parts[1:-1]),
                                       "actions": acts})
            now = int(time.time())
            claims = {"iss": a.issuer, "sub": user or "", "aud": q.get("service", [""])[0],
                      "exp": now + 300, "nbf": now - 10, "iat": now,
                      "jti": str(now) + str(id(self)), "access": access}
            head = {"typ": "JWT", "alg": "RS256", "kid": kid}
            signing = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(claims).encode())
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", a.key],
                                 input=signing.encode(), check=True, capture_output=True).stdout
            tok = signing + "." + b64url(sig)
            body = json.dumps({"token": tok, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
