#!/usr/bin/env python3
"""A Kubernetes API server double for the k8s:// tests: the REST surface kops's custom
resources use, over TLS, on 127.0.0.1.

No kube-apiserver can be installed from the registries this project may use (Debian ships
only kubectl), so this double speaks the same protocol for the part statelint touches:

- TLS with a CA it creates (openssl), a server certificate for 127.0.0.1, and a client
  certificate (CN=statelint-admin) that authenticates like the admin token;
- `Authorization: Bearer` tokens: `admin-token` may do everything; `viewer-token` is a known
  user without RBAC grants on the kops resources (403); no or another token is 401;
- `GET /apis/kops.k8s.io/v1alpha2/clusters` (all namespaces) and
  `GET|POST /apis/kops.k8s.io/v1alpha2/namespaces/<ns>/<plural>` for clusters,
  instancegroups, keysets and sshcredentials, with `limit` and `continue` paging;
- errors as `Status` objects (401 Unauthorized, 403 Forbidden, 404 NotFound, 409 AlreadyExists);
- `/version` and `/healthz`;
- under the path prefix `/no-kops/`, an API server without the kops CRDs (404 for the group),
  as a kubeconfig `server: https://127.0.0.1:<port>/no-kops` would reach.

Usage: kube_api.py STATE_DIR   writes ca.pem, client.pem, client.key there, prints the
https URL once listening, and serves until SIGTERM.
"""
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE = os.path.abspath(sys.argv[1])
GROUP = "/apis/kops.k8s.io/v1alpha2"
KINDS = {
    "clusters": "Cluster",
    "instancegroups": "InstanceGroup",
    "keysets": "Keyset",
    "sshcredentials": "SSHCredential",
}
TOKENS = {"admin-token": "admin", "viewer-token": "viewer"}
CLIENT_CN = "statelint-admin"
objects = {}  # (plural, namespace, name) -> object
lock = threading.Lock()


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_certs():
    path = lambda name: os.path.join(STATE, name)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", path("ca.key"), "-out", path("ca.pem"),
            "-days", "2", "-subj", "/CN=statelint-test-ca")
    for name, cn, ext in [
        ("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"),
        ("client", CLIENT_CN, "extendedKeyUsage=clientAuth\n"),
    ]:
        with open(path(f"{name}.ext"), "w", encoding="utf-8") as f:
            f.write(ext)
        openssl("req", *ec, "-keyout", path(f"{name}.key"), "-out", path(f"{name}.csr"), "-subj", f"/CN={cn}")
        openssl("x509", "-req", "-in", path(f"{name}.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-out", path(f"{name}.pem"), "-days", "2", "-extfile", path(f"{name}.ext"))


def status(code, reason, message):
    return code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                  "message": message, "reason": reason, "code": code}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def who(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return TOKENS.get(auth[len("Bearer "):].strip())
        cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        if cert:
            subject = dict(x[0] for x in cert.get("subject", ()))
            if subject.get("commonName") == CLIENT_CN:
                return "admin"
        return None

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def route(self, method):
        url = urlparse(self.path)
        path = url.path.rstrip("/")
        if path in ("/version", "/healthz"):
            return 200, {"major": "1", "minor": "31", "gitVersion": "v1.31.0-statelint-double"}
        user = self.who()
        if user is None:
            return status(401, "Unauthorized", "Unauthorized")
        if path.startswith("/no-kops/") or path == "/no-kops":
            return status(404, "NotFound", "the server could not find the requested resource")
        if not path.startswith(GROUP + "/"):
            return status(404, "NotFound", "the server could not find the requested resource")
        parts = path[len(GROUP) + 1:].split("/")
        if len(parts) == 1:
            namespace, plural = None, parts[0]
        elif len(parts) == 3 and parts[0] == "namespaces":
            namespace, plural = parts[1], parts[2]
        elif len(parts) == 4 and parts[0] == "namespaces" and method == "PUT":
            namespace, plural = parts[1], parts[2]
        else:
            return status(404, "NotFound", "the server could not find the requested resource")
        if plural not in KINDS:
            return status(404, "NotFound", "the server could not find the requested resource")
        if user == "viewer":
            scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            return status(403, "Forbidden", f'{plural}.kops.k8s.io is forbidden: User "viewer" cannot {method.lower()} resource "{plural}" in API group "kops.k8s.io" {scope}')
        if method == "POST":
            return self.create(namespace, plural, replace=False)
        if method == "PUT":
            return self.create(namespace, plural, replace=True)
        return self.list(namespace, plural, parse_qs(url.query))

    def create(self, namespace, plural, replace):
        """POST creates (409 when the name exists); PUT creates or replaces (an upsert: the
        double keeps no resourceVersion history)."""
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        name = body.get("metadata", {}).get("name")
        if not namespace or not name:
            return status(422, "Invalid", "metadata.name and a namespace are required")
        with lock:
            if (plural, namespace, name) in objects and not replace:
                return status(409, "AlreadyExists", f'{plural}.kops.k8s.io "{name}" already exists')
            meta = body.setdefault("metadata", {})
            meta.update(namespace=namespace, uid=str(uuid.uuid4()), resourceVersion=str(len(objects) + 1),
                        creationTimestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            body.setdefault("apiVersion", "kops.k8s.io/v1alpha2")
            body.setdefault("kind", KINDS[plural])
            objects[(plural, namespace, name)] = body
        return 201, body

    def list(self, namespace, plural, query):
        with lock:
            items = [o for (p, ns, _), o in sorted(objects.items()) if p == plural and (namespace is None or ns == namespace)]
        start = int(query.get("continue", ["0"])[0] or 0)
        limit = int(query.get("limit", ["0"])[0] or 0) or len(items) or 1
        page = items[start:start + limit]
        more = start + limit < len(items)
        return 200, {"kind": KINDS[plural] + "List", "apiVersion": "kops.k8s.io/v1alpha2",
                     "metadata": {"resourceVersion": str(len(objects)), "continue": str(start + limit) if more else ""},
                     "items": page}

    def do_GET(self):
        self.reply(*self.route("GET"))

    def do_POST(self):
        self.reply(*self.route("POST"))

    def do_PUT(self):
        self.reply(*self.route("PUT"))


def main():
    os.makedirs(STATE, exist_ok=True)
    make_certs()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(STATE, "server.pem"), os.path.join(STATE, "server.key"))
    ctx.load_verify_locations(os.path.join(STATE, "ca.pem"))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"https://127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
