#!/usr/bin/env python3
"""Triage pages benchmark: how long `sexting-protocol web` takes to serve each triage page.

Starts the real server on 127.0.0.1 (a free port), walks whole triages by posting as a browser
would (the page's own hidden state, the contract's field names), and reports the median and the
90th percentile per kind of page, from the request sent to the whole answer read; then the same
in this process as CPU time, which a busy machine does not inflate. The budget is 50 ms median
for every kind (wall time decides the exit status). Only the loopback address is used; the run
stops by itself.

usage: python benchmarks/web_triage.py [--runs N]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import defaultdict

BUDGET_MS = 50.0
# a red case with an urgent answer, an unknown or two, and refining questions after the confirmation
CASE = {"immediate_danger": "no", "self_harm_concern": "yes", "sexual_violence_recent": "no", "adult_involved": "no",
        "shared_further": "group", "age_depicted": "15"}
STATE = re.compile(r'name="_answers" value="([^"]*)"')
QUESTION = re.compile(r'<h1 id="question">.*?name="([a-z_]+)"', re.S)
FLAG = re.compile(r'data-flag="(\w+)"')


def walk(fetch, runs: int) -> None:
    """Whole triages, page by page, through `fetch(kind, path, fields or None) -> page text`."""
    for _ in range(runs):
        page = fetch("question (GET /triage)", "/triage", None)
        refining = False
        while True:
            state = html.unescape(STATE.search(page).group(1))
            q = QUESTION.search(page)
            if q:
                qid = q.group(1)
                page = fetch("refining question" if refining else "question", "/triage",
                             {"_answers": state, "_event": "answer", qid: CASE.get(qid, "unknown")})
            elif 'value="review"' in page:
                fetch("language switch", "/triage?lang=en", {"_answers": state, "_event": "lang"})
                page = fetch("review → decision", "/triage", {"_answers": state, "_event": "review"})
            elif FLAG.search(page):
                flag = FLAG.search(page).group(1)
                page = fetch("confirm", "/triage", {"_answers": state, "_event": "confirm", "confirmed_flag": flag})
                refining = True
            else:
                break
        for kind in ("md", "txt", "json", "ics"):
            fetch(f"download {kind}", "/triage/download", {"_answers": state, "_event": kind})


def over_http(runs: int) -> dict[str, list[float]]:
    """Wall time per request against the real server, from sending to the whole answer read."""
    server = subprocess.Popen([sys.executable, "-m", "sexting_protocol", "web", "--no-browser"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    times: dict[str, list[float]] = defaultdict(list)
    try:
        m = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline())
        if not m:
            raise SystemExit("the server did not start")
        base = m.group(0).rstrip("/")

        def fetch(kind: str, path: str, fields) -> str:
            body = urllib.parse.urlencode(fields).encode() if fields is not None else None
            req = urllib.request.Request(base + path, data=body, headers={"Origin": base})
            start = time.perf_counter()
            with urllib.request.urlopen(req, timeout=10) as r:
                text = r.read().decode()
            times[kind].append((time.perf_counter() - start) * 1000)
            return text

        walk(fetch, runs)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return times


def in_process(runs: int) -> dict[str, list[float]]:
    """CPU time per request of the application in this process (Starlette's test client): what
    a page costs, whatever else the machine is doing."""
    from starlette.testclient import TestClient

    from sexting_protocol.web import create_app

    base = "http://127.0.0.1:8000"
    client = TestClient(create_app(), base_url=base)
    times: dict[str, list[float]] = defaultdict(list)

    def fetch(kind: str, path: str, fields) -> str:
        start = time.process_time()
        r = client.post(path, data=fields, headers={"origin": base}) if fields is not None else client.get(path)
        times[kind].append((time.process_time() - start) * 1000)
        return r.text

    walk(fetch, runs)
    return times


def report(title: str, times: dict[str, list[float]]) -> float:
    print(f"{title}\n{'page':28} {'n':>4} {'median ms':>10} {'p90 ms':>8}")
    worst = 0.0
    for kind, ms in times.items():
        med = statistics.median(ms)
        p90 = statistics.quantiles(ms, n=10)[-1] if len(ms) > 1 else ms[0]
        worst = max(worst, med)
        print(f"{kind:28} {len(ms):4} {med:10.1f} {p90:8.1f}")
    print(f"slowest median {worst:.1f} ms; budget {BUDGET_MS:.0f} ms: {'ok' if worst <= BUDGET_MS else 'OVER'}\n")
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    wall = report("over HTTP, wall time", over_http(args.runs))
    report("in process, CPU time", in_process(args.runs))
    return 0 if wall <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
