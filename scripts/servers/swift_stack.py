#!/usr/bin/env python3
"""A single-node OpenStack Swift behind a real Keystone v3, on 127.0.0.1, for the swift:// tests.

Runs from the virtualenv that swift.sh prepares (PyPI `swift`, `keystone`, `keystonemiddleware`).
It lays out everything under STATE_DIR (configs, rings, one storage device, the Keystone
SQLite database and Fernet keys), starts Keystone and the four Swift servers (proxy,
account, container, object) as child processes on free loopback ports, registers Swift as
the `object-store` service in the Keystone catalog, and creates the test identities:

- `admin` / `admin-secret`: admin of project `admin` (a Swift operator: may read and write);
- `viewer` / `viewer-secret`: member of project `admin` with only the `reader` role, which
  Swift's keystoneauth does not let list or read containers (HTTP 403).

When all of them answer it writes STATE_DIR/stack.json ({"auth_url": ..., "swift_url": ...})
and prints the Keystone v3 URL. It then waits; SIGTERM or SIGINT stops every child.

Usage: swift_stack.py STATE_DIR
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

STATE = os.path.abspath(sys.argv[1])
BIN = os.path.dirname(sys.executable)
REGION = "RegionOne"
ADMIN_PASSWORD = "admin-secret"
VIEWER_PASSWORD = "viewer-secret"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
children = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(*args, env=None):
    """Runs a setup command, failing loudly with its output."""
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0:
        sys.exit(f"swift_stack: {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def spawn(name, args, env=None):
    log = open(os.path.join(STATE, f"{name}.log"), "w", encoding="utf-8")
    children.append(subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env))


def stop_children(*_):
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    sys.exit(0)


def wait_for(url, what):
    """Bounded wait (60 s) until `url` answers HTTP; any status counts."""
    for _ in range(600):
        try:
            OPENER.open(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            pass
        for child in children:
            if child.poll() is not None:
                sys.exit(f"swift_stack: a server exited early ({child.args[0]}); logs in {STATE}")
        time.sleep(0.1)
    sys.exit(f"swift_stack: {what} did not answer on {url}; logs in {STATE}")


def api(method, url, body=None, token=None):
    """One JSON call; `token` is a function giving a fresh token (tokens here live 15 s, and a
    setup step on a loaded machine can outlast one)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token())
    with OPENER.open(req, timeout=30) as resp:
        payload = resp.read()
        return resp.headers, (json.loads(payload) if payload else None)


def keystone_config(port):
    os.makedirs(os.path.join(STATE, "fernet-keys"), exist_ok=True)
    os.makedirs(os.path.join(STATE, "credential-keys"), exist_ok=True)
    conf = os.path.join(STATE, "keystone.conf")
    write(
        conf,
        f"""[DEFAULT]
public_endpoint = http://127.0.0.1:{port}/
[database]
connection = sqlite:///{STATE}/keystone.db
[token]
provider = fernet
# Tokens expire after 15 seconds, so a test can wait past one and see the swift:// backend
# ask Keystone again when Swift answers 401. (5 s was too short: on a loaded machine a fresh
# token could expire between Keystone issuing it and Swift validating it.)
expiration = 15
[fernet_tokens]
key_repository = {STATE}/fernet-keys
[fernet_receipts]
key_repository = {STATE}/fernet-keys
[credential]
key_repository = {STATE}/credential-keys
[identity]
# Test passwords only: cheap hashing keeps each token request fast.
password_hash_rounds = 4
""",
    )
    return conf


def start_keystone():
    port = free_port()
    conf = keystone_config(port)
    manage = [os.path.join(BIN, "keystone-manage"), "--config-file", conf]
    run(*manage, "db_sync")
    run(*manage, "fernet_setup", "--keystone-user", "root", "--keystone-group", "root")
    run(*manage, "credential_setup", "--keystone-user", "root", "--keystone-group", "root")
    url = f"http://127.0.0.1:{port}/v3"
    run(
        *manage,
        "bootstrap",
        "--bootstrap-password", ADMIN_PASSWORD,
        "--bootstrap-admin-url", url,
        "--bootstrap-public-url", url,
        "--bootstrap-internal-url", url,
        "--bootstrap-region-id", REGION,
    )
    env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=conf)
    serve = (
        "import socketserver, wsgiref.simple_server as w\n"
        "from keystone.server.wsgi import initialize_public_application as init\n"
        "class Quiet(w.WSGIRequestHandler):\n"
        "    def log_message(self, *a): pass\n"
        "class Threaded(socketserver.ThreadingMixIn, w.WSGIServer):\n"
        "    daemon_threads = True\n"
        f"w.make_server('127.0.0.1', {port}, init(), server_class=Threaded, handler_class=Quiet).serve_forever()\n"
    )
    spawn("keystone", [sys.executable, "-c", serve], env=env)
    wait_for(url, "Keystone")
    return url


def build_rings(ports):
    builder = os.path.join(BIN, "swift-ring-builder")
    for kind, port in ports.items():
        ring = os.path.join(STATE, f"{kind}.builder")
        run(builder, ring, "create", "1", "1", "1")
        run(builder, ring, "add", f"r1z1-127.0.0.1:{port}/d1", "1")
        run(builder, ring, "rebalance")


def swift_configs(proxy_port, ports, auth_url):
    devices = os.path.join(STATE, "devices")
    os.makedirs(os.path.join(devices, "d1"), exist_ok=True)
    write(
        os.path.join(STATE, "swift.conf"),
        "[swift-hash]\nswift_hash_path_suffix = statelint-tests\nswift_hash_path_prefix = statelint\n"
        "[storage-policy:0]\nname = gold\ndefault = yes\n",
    )
    common = f"bind_ip = 127.0.0.1\nworkers = 0\nswift_dir = {STATE}\ndevices = {devices}\nmount_check = false\n"
    for kind, port in ports.items():
        write(
            os.path.join(STATE, f"{kind}-server.conf"),
            f"[DEFAULT]\n{common}bind_port = {port}\n"
            f"[pipeline:main]\npipeline = {kind}-server\n"
            f"[app:{kind}-server]\nuse = egg:swift#{kind}\n",
        )
    write(
        os.path.join(STATE, "proxy-server.conf"),
        f"""[DEFAULT]
{common}bind_port = {proxy_port}
[pipeline:main]
pipeline = catch_errors authtoken keystoneauth proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = {auth_url}
auth_url = {auth_url}
auth_type = password
user_domain_id = default
project_domain_id = default
project_name = admin
username = admin
password = {ADMIN_PASSWORD}
delay_auth_decision = True
[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
""",
    )


def start_swift(auth_url):
    ports = {"account": free_port(), "container": free_port(), "object": free_port()}
    proxy_port = free_port()
    swift_configs(proxy_port, ports, auth_url)
    build_rings(ports)
    for kind in ports:
        conf = os.path.join(STATE, f"{kind}-server.conf")
        spawn(kind, [os.path.join(BIN, f"swift-{kind}-server"), conf])
    spawn("proxy", [os.path.join(BIN, "swift-proxy-server"), os.path.join(STATE, "proxy-server.conf")])
    swift_url = f"http://127.0.0.1:{proxy_port}"
    for kind, port in ports.items():
        wait_for(f"http://127.0.0.1:{port}/healthcheck", f"the {kind} server")
    wait_for(swift_url + "/info", "the Swift proxy")
    return swift_url


def register(auth_url, swift_url):
    """Puts Swift in the catalog and creates the read-only `viewer` user."""
    scope = {"project": {"name": "admin", "domain": {"id": "default"}}}
    password = {"user": {"name": "admin", "domain": {"id": "default"}, "password": ADMIN_PASSWORD}}

    def token():
        headers, _ = api(
            "POST",
            auth_url + "/auth/tokens",
            {"auth": {"identity": {"methods": ["password"], "password": password}, "scope": scope}},
        )
        return headers["X-Subject-Token"]

    _, service = api("POST", auth_url + "/services", {"service": {"type": "object-store", "name": "swift"}}, token)
    for interface in ("public", "internal", "admin"):
        api(
            "POST",
            auth_url + "/endpoints",
            {
                "endpoint": {
                    "service_id": service["service"]["id"],
                    "interface": interface,
                    "region_id": REGION,
                    "url": swift_url + "/v1/AUTH_$(project_id)s",
                }
            },
            token,
        )
    _, projects = api("GET", auth_url + "/projects?name=admin", token=token)
    project_id = projects["projects"][0]["id"]
    _, roles = api("GET", auth_url + "/roles?name=reader", token=token)
    role_id = roles["roles"][0]["id"]
    _, user = api(
        "POST",
        auth_url + "/users",
        {"user": {"name": "viewer", "domain_id": "default", "password": VIEWER_PASSWORD}},
        token,
    )
    api("PUT", f"{auth_url}/projects/{project_id}/users/{user['user']['id']}/roles/{role_id}", token=token)
    return project_id


def main():
    os.makedirs(STATE, exist_ok=True)
    signal.signal(signal.SIGTERM, stop_children)
    signal.signal(signal.SIGINT, stop_children)
    try:
        auth_url = start_keystone()
        swift_url = start_swift(auth_url)
        project_id = register(auth_url, swift_url)
    except SystemExit:
        stop_children()
        raise
    except Exception as err:  # any setup failure: stop what started, report, exit non-zero
        print(f"swift_stack: setup failed: {err!r}; logs in {STATE}", file=sys.stderr)
        for child in children:
            child.terminate()
        sys.exit(1)
    write(
        os.path.join(STATE, "stack.json"),
        json.dumps({"auth_url": auth_url, "swift_url": swift_url, "project_id": project_id}),
    )
    print(auth_url, flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
