#!/usr/bin/env python3
"""Wait (bounded: 300 tries, 0.1 s apart) until ENDPOINT+PATH answers HTTP, or process PID
exits. Exit 0 when it answers (any status), 1 otherwise. Never goes through a proxy: the
servers are on loopback.

Usage: wait_ready.py ENDPOINT PATH PID
       wait_ready.py --line FILE PID [SECONDS]   (see below)
"""
import os
import sys
import time
import urllib.error
import urllib.request

if sys.argv[1] == "--line":
    # wait_ready.py --line FILE PID [SECONDS]: until FILE holds a line (a server printed its
    # address there), or PID exits. Prints that line.
    file, pid = sys.argv[2], int(sys.argv[3])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 30
    for _ in range(int(seconds * 10)):
        try:
            with open(file, encoding="utf-8") as f:
                line = f.readline().strip()
            if line:
                print(line)
                sys.exit(0)
        except OSError:
            pass
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(1)
        time.sleep(0.1)
    sys.exit(1)

endpoint, path, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for _ in range(300):
    try:
        opener.open(endpoint + path, timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # an error status still means the server listens
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    time.sleep(0.1)
sys.exit(1)
