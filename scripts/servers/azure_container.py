#!/usr/bin/env python3
"""Create a blob container in azurite with a Shared Key signed request (standard library
only). Usage: azure_container.py ENDPOINT CONTAINER  (account devstoreaccount1)."""
import base64
import hashlib
import hmac
import sys
import urllib.request
from email.utils import formatdate

ACCOUNT = "devstoreaccount1"
# azurite's documented, well-known development key (not a secret).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

endpoint, container = sys.argv[1].rstrip("/"), sys.argv[2]
date = formatdate(usegmt=True)
version = "2021-08-06"
canonical_headers = f"x-ms-date:{date}\nx-ms-version:{version}\n"
canonical_resource = f"/{ACCOUNT}/{ACCOUNT}/{container}\nrestype:container"
to_sign = "PUT\n" + "\n" * 11 + canonical_headers + canonical_resource
signature = base64.b64encode(hmac.new(base64.b64decode(KEY), to_sign.encode(), hashlib.sha256).digest()).decode()
request = urllib.request.Request(
    f"{endpoint}/{ACCOUNT}/{container}?restype=container",
    method="PUT",
    headers={"x-ms-date": date, "x-ms-version": version, "Authorization": f"SharedKey {ACCOUNT}:{signature}"},
)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(request, timeout=10) as response:
    print(response.status)
