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

def poll(ready, pid, tries):
    """Calls ready() every 0.1 s, at most `tries` times, while process `pid` lives; exits 0
    as soon as it returns True, 1 when the process is gone or the tries are spent."""
    for _ in range(tries):
        if ready():
            sys.exit(0)
        try:
            os.kill(pid, 0)
        except OSError:
            sys.exit(1)
        time.sleep(0.1)
    sys.exit(1)


def printed_line(file):
    """wait_ready.py --line FILE PID [SECONDS]: FILE holds a line (a server printed its
    address there); the line is printed."""
    try:
        with open(file, encoding="utf-8") as f:
            line = f.readline().strip()
    except OSError:
        return False
    if line:
        print(line)
    return bool(line)


def answers(url):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(url, timeout=1)
        return True
    except urllib.error.HTTPError:
        return True  # an error status still means the server listens
    except OSError:
        return False


if sys.argv[1] == "--line":
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 30
    poll(lambda: printed_line(sys.argv[2]), int(sys.argv[3]), int(seconds * 10))
else:
    endpoint, path, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    poll(lambda: answers(endpoint + path), pid, 300)
