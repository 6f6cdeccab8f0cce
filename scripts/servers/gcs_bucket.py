#!/usr/bin/env python3
"""Creates a bucket in the Cloud Storage emulator through the JSON API.

Usage: gcs_bucket.py ENDPOINT NAME
"""
import json
import sys
import urllib.request

endpoint, name = sys.argv[1], sys.argv[2]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
req = urllib.request.Request(
    f"{endpoint}/storage/v1/b?project=statelint-tests", data=json.dumps({"name": name}).encode(), method="POST"
)
req.add_header("Content-Type", "application/json")
with opener.open(req, timeout=30):
    pass
