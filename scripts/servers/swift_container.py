#!/usr/bin/env python3
"""Creates a Swift container as the test `admin` of swift_stack.py, through Keystone v3.

Usage: swift_container.py KEYSTONE_V3_URL NAME     (prints the container's storage URL)
"""
import json
import sys
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
req = urllib.request.Request(f"{storage}/{name}", method="PUT")
req.add_header("X-Auth-Token", token)
with opener.open(req, timeout=30):
    pass
print(f"{storage}/{name}")
