#!/usr/bin/env python3
"""Browser-front benchmark: the median time to serve each page in-process (goal: under 50 ms),
and the time from `sexting-protocol web --no-browser` until its first page answers (goal: 2 s).

usage: python benchmarks/web.py [--runs N] [--starts N] [--command PATH]
(default command: `sexting-protocol` beside this interpreter, else on PATH)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

from startup import installed  # benchmarks/ is on the path when a script there runs

PAGES = ["/", "/checklist", "/checklist/step/3", "/checklist/route/zvh", "/checklist/followup", "/contacts",
         "/contacts?q=AMK", "/advice", "/criteria", "/handout", "/?lang=en", "/static/style.css"]
PAGE_BUDGET_MS = 50.0
START_BUDGET_S = 2.0


def serve_times(runs: int) -> float:
    from starlette.testclient import TestClient

    from sexting_protocol.web import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1:8000")
    worst = 0.0
    print(f"{'page':<24} {'median ms':>10}")
    for path in PAGES:
        client.get(path)  # templates compiled once, as on a running server
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            r = client.get(path)
            times.append(time.perf_counter() - start)
            assert r.status_code == 200, (path, r.status_code)
        median = statistics.median(times) * 1000
        worst = max(worst, median)
        print(f"{path:<24} {median:>10.1f}")
    print(f"slowest page {worst:.1f} ms (goal {PAGE_BUDGET_MS:.0f} ms): {'within' if worst <= PAGE_BUDGET_MS else 'OVER'}")
    return worst


def start_time(command: str, env: dict) -> float:
    start = time.perf_counter()
    p = subprocess.Popen([command, "web", "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, text=True, env=env)
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", p.stdout.readline()).group(0)
        with urllib.request.urlopen(url, timeout=10) as r:
            r.read()
        return time.perf_counter() - start
    finally:
        p.terminate()
        p.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=51)
    ap.add_argument("--starts", type=int, default=7)
    ap.add_argument("--command")
    args = ap.parse_args()
    command = installed(args.command)
    if not command:
        print("sexting-protocol not found; install the project first", file=sys.stderr)
        return 2
    worst = serve_times(args.runs)
    # as on a user's machine: bytecode is cached (some shells here set PYTHONDONTWRITEBYTECODE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start_time(command, env)  # warm the file cache, the bytecode and the data cache
    starts = [start_time(command, env) for _ in range(args.starts)]
    median = statistics.median(starts)
    print(f"web --no-browser until the first page answers: median {median * 1000:.0f} ms "
          f"(goal {START_BUDGET_S * 1000:.0f} ms): {'within' if median <= START_BUDGET_S else 'OVER'}")
    return 0 if worst <= PAGE_BUDGET_MS and median <= START_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
