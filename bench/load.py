"""Load: wrk, 64 connections for 30 s twice, against home, a theme page, search and a feed.

Serves the real portal (`howardshome serve`, uvicorn with httptools, 2 workers) over a database
seeded with `howardshome seed`, then runs wrk twice with the same mix. Searches draw from a
fixed set of queries (500 by default), all of which the portal's response memo holds after the
first run: memory that still grows in the second run is a leak, not a cache warming up (pass
--queries 20000 to see the memo's 2,000-entry bound instead). Prints requests/s, latency,
errors (socket errors and non-2xx/3xx answers) and the summed RSS of the server processes after
a warm-up and after each run.

    .venv/bin/python bench/load.py [--db URL] [--articles 20000] [--connections 64] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "energie warmte klimaat water wonen jeugdzorg begroting raad digitaal omgevingswet stikstof "
    "participatie veiligheid netcongestie"
).split()

LUA = """
local words = {%(words)s}
local fixed = {"/", "/themes/energietransitie", "/feeds/all.xml"}
local n = 0
request = function()
  n = n + 1
  local k = n %% 4
  if k == 0 then
    local i = math.random(%(queries)d) - 1
    local w = #words
    local second = words[math.floor(i / w) %% w + 1]
    local q = words[i %% w + 1] .. "+" .. second .. math.floor(i / (w * w))
    return wrk.format("GET", "/?q=" .. q)
  end
  return wrk.format("GET", fixed[k])
end
"""


def rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            continue
        todo += [int(c) for c in children]
    return total


def wrk(base: str, script: Path, connections: int, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-s", str(script), base],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def number(pattern: str, default: float = 0.0) -> float:
        match = re.search(pattern, out)
        return float(match.group(1)) if match else default

    def ms(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    socket_errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {
        "requests": int(number(r"(\d+) requests in")),
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": socket_errors,
        "raw": out,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2, help="wrk runs after the warm-up")
    parser.add_argument(
        "--queries", type=int, default=500,
        help="distinct search queries (the response memo keeps 2,000 entries per worker)",
    )  # fmt: skip
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk not found: apt-get install wrk (make install does)", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="hh-load-"))
    db = args.db or f"sqlite:///{tmp / 'load.db'}"
    env = dict(os.environ, HOWARDSHOME_DATABASE_URL=db, PYTHONPATH=str(ROOT),
               HOWARDSHOME_LOG_LEVEL="WARNING")  # fmt: skip
    cli = [sys.executable, "-m", "cli"]
    print(f"seeding {args.articles} articles into {db.split('@')[-1]} ...", flush=True)
    subprocess.run([*cli, "seed", "--articles", str(args.articles)], env=env, cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    script = tmp / "mix.lua"
    words = ", ".join(f'"{w}"' for w in WORDS)
    script.write_text(LUA % {"words": words, "queries": args.queries})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("portal did not start") from None
                time.sleep(0.2)
        wrk(base, script, args.connections, 5)  # warm-up: every worker imports and caches
        rows = [("after warm-up", None, rss_kb(server.pid))]
        for number in range(1, args.runs + 1):
            result = wrk(base, script, args.connections, args.seconds)
            rows.append((f"run {number}", result, rss_kb(server.pid)))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{args.connections} connections, {args.seconds} s per run, {args.workers} workers, "
          f"{args.articles} articles, {args.queries} queries; home/theme/search/RSS\n")  # fmt: skip
    print("| phase | requests | req/s | p50 ms | p99 ms | errors | server RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    errors = 0
    for name, result, rss in rows:
        if result is None:
            print(f"| {name} | | | | | | {rss / 1024:.1f} |")
            continue
        bad = result["non2xx"] + result["socket_errors"]
        errors += bad
        print(f"| {name} | {result['requests']} | {result['rps']:.0f} | {result['p50']:.1f} | "
              f"{result['p99']:.1f} | {bad} | {rss / 1024:.1f} |")  # fmt: skip
    print(f"\nerrors: {errors}")
    for (name, _, before), (later, _, after) in zip(rows[1:], rows[2:], strict=False):
        growth = (after - before) / 1024
        print(f"RSS growth from {name} to {later}: {growth:+.1f} MiB "
              f"({100 * growth * 1024 / before:+.1f}%)")  # fmt: skip
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
