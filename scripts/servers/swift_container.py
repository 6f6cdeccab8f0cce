#!/usr/bin/env python3
"""Creates a Swift container as the test `admin` of swift_stack.py, through Keystone v3.

Usage: swift_container.py KEYSTONE_V3_URL NAME     (prints the container's storage URL)
"""
import json
import sys
import urllib.error
import urllib.request

auth_url, name = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
body = {
    "auth": {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "admin-secret"}},
        },
        "scope": {"project": {"name": "admin", "domain": {"id": "default"}}},
    }
}
def token_and_storage():
    req = urllib.request.Request(auth_url + "/auth/tokens", data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", "application/json")
    with opener.open(req, timeout=30) as resp:
        token = resp.headers["X-Subject-Token"]
        catalog = json.loads(resp.read())["token"]["catalog"]
    storage = next(
        e["url"]
        for s in catalog
        if s["type"] == "object-store"
        for e in s["endpoints"]
        if e["interface"] == "public"
    )
    return token, storage


# The test stack's tokens live 15 seconds (for the renewal test); on a loaded machine one can
# expire between Keystone issuing it and Swift checking it. Such a 401 gets a fresh token,
# three tries at most.
for attempt in range(3):
    token, storage = token_and_storage()
    req = urllib.request.Request(f"{storage}/{name}", method="PUT")
    req.add_header("X-Auth-Token", token)
    try:
        with opener.open(req, timeout=30):
            break
    except urllib.error.HTTPError as e:
        if e.code != 401 or attempt == 2:
            raise
print(f"{storage}/{name}")
