#!/usr/bin/env python3
"""Creates or replaces kops objects in the Kubernetes API double (kube_api.py) as its admin.

Usage: kube_seed.py HTTPS_URL CA_PEM < objects.json
objects.json is a list of {"plural": "clusters", "namespace": "c-example-com", "object": {...}}.
"""
import json
import ssl
import sys
import urllib.request

server, ca = sys.argv[1], sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))
for item in json.load(sys.stdin):
    name = item["object"]["metadata"]["name"]
    url = f"{server}/apis/kops.k8s.io/v1alpha2/namespaces/{item['namespace']}/{item['plural']}/{name}"
    req = urllib.request.Request(url, data=json.dumps(item["object"]).encode(), method="PUT")
    req.add_header("Content-Type", "application/json")
    req.add_header("Authorization", "Bearer admin-token")
    with opener.open(req, timeout=30):
        pass
