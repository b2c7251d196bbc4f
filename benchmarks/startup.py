#!/usr/bin/env python3
"""Startup benchmark: each look-up against a bare `python -c pass` of the same interpreter.

Runs are paired (the command, then `python -c pass`, alternating) so that a busy machine slows
both alike; the ratio of the medians is reported. The budget of the look-ups is 8x (issue 15).

usage: python benchmarks/startup.py [--runs N] [--command PATH]
(default command: `sexting-protocol` beside this interpreter, else on PATH)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

LOOKUPS = [["checklist", "--step", "3"], ["contacts"], ["criteria"], ["contacts", "AMK", "--json"]]
BUDGET = 8.0


def installed(given: str | None) -> str | None:
    """The command to time: the one given, else `sexting-protocol` beside this interpreter, else on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "sexting-protocol")
    return given or (beside if os.path.exists(beside) else shutil.which("sexting-protocol"))


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--command")
    args = ap.parse_args()
    command = installed(args.command)
    if not command:
        print("sexting-protocol not found; install the project first", file=sys.stderr)
        return 2
    # as on a user's machine: bytecode is cached (some shells here set PYTHONDONTWRITEBYTECODE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    bare = [sys.executable, "-c", "pass"]
    worst = 0.0
    print(f"{'command':<32} {'median ms':>10} {'bare ms':>8} {'ratio':>6}")
    for lookup in LOOKUPS:
        cmd = [command, *lookup]
        timed(cmd, env)  # warm the file cache and the bytecode
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(timed(cmd, env))
            base.append(timed(bare, env))
        ratio = statistics.median(ours) / statistics.median(base)
        worst = max(worst, ratio)
        print(f"{' '.join(lookup):<32} {statistics.median(ours) * 1000:>10.1f} {statistics.median(base) * 1000:>8.1f} {ratio:>6.1f}x")
    print(f"worst ratio {worst:.1f}x (budget {BUDGET:.0f}x): {'within' if worst <= BUDGET else 'OVER'} budget")
    first_question(command, env, args.runs)
    return 0 if worst <= BUDGET else 1


def first_question(command: str, env: dict, runs: int) -> None:
    """The interactive session in a pseudo-terminal: time until the first question shows."""
    try:
        import pexpect
    except ImportError:
        print("triage, first question: pexpect not installed, not measured")
        return
    env = {**env, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color", "SEXTING_PROTOCOL_LANG": "nl"}
    times = []
    for _ in range(max(3, runs // 3)):
        start = time.perf_counter()
        child = pexpect.spawn(command, ["triage"], env=env, encoding="utf-8", timeout=30)
        child.expect_exact("Weet ik niet")
        times.append(time.perf_counter() - start)
        child.sendcontrol("c")
        child.expect(pexpect.EOF)
    print(f"triage, first question on screen: median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
