"""Portal CPU per uncached page, in-process (robust to a loaded machine), two versions side by side.

Run: .venv/bin/python bench/portal_cpu.py [--db URL] [--before DIR] [--runs 2] [--profile KIND]

Uses the database bench/portal.py seeded (default `hh_bench`) and the same URLs. Each measurement
runs in a child process that builds the app (TestClient, no HTTP, no background warming), requests
every URL once to warm PostgreSQL's buffers and the statement caches, then - for --rounds rounds -
empties the page cache (the lists every page needs stay, as they do between pages of one data
version) and requests every URL again, timing each request's process CPU (every thread of the
process) and its wall time (CPU plus the database's time). A URL's figure is its median over the
rounds; a kind's figure is the median (CPU) and the p95 (wall) over its URLs.

With --before DIR (a checkout of older code, e.g. `git worktree add /tmp/hh_old <commit>`) the
children alternate between DIR and this checkout, --runs times each, so both see the same load;
the table gives both and the ratio. --profile KIND prints cProfile's top functions for that kind
(this checkout only).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This script's folder holds bench/portal.py, which would shadow the `portal` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/hh_bench"
KINDS = ("home + filters", "theme pages", "search", "feeds", "article pages", "fixed page")


def child(db: str, url_file: str, rounds: int, profile: str | None) -> None:
    """Measure in this process (imports the app from the first entry of sys.path)."""
    from fastapi.responses import HTMLResponse
    from fastapi.testclient import TestClient

    from models.settings import Settings
    from portal.app import create_app

    sets = json.loads(Path(url_file).read_text())
    settings = Settings(database_url=db, warm_cache=False, themes=str(ROOT / "themes.yaml"))
    app = create_app(settings)
    from bench.portal import FIXED_PAGE

    @app.get("/_bench/fixed", include_in_schema=False)
    def fixed():
        return HTMLResponse(FIXED_PAGE)

    jobs = [(kind, url) for kind in KINDS for url in sets[kind]]
    profiler = _profile_handlers() if profile else None
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    with TestClient(app) as client:
        for _, url in jobs:  # warm-up: buffers, statement caches, templates, the facets memo
            client.get(url)
        for number in range(rounds):
            app.state.responses.clear()
            random.Random(number).shuffle(jobs)
            for kind, url in jobs:
                on = profiler is not None and profile == kind and number == rounds - 1
                _profiling[0] = on
                started, used = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.setdefault((kind, url), []).append((time.perf_counter() - started) * 1000)
                cpu.setdefault((kind, url), []).append((time.process_time() - used) * 1000)
                _profiling[0] = False
                if response.status_code not in (200, 404):
                    raise SystemExit(f"{url}: {response.status_code}")
    app.state.engine.dispose()
    if profiler is not None:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    result = {kind: {"cpu": [], "wall": []} for kind in KINDS}
    for (kind, _), values in cpu.items():
        result[kind]["cpu"].append(statistics.median(values))
    for (kind, _), values in wall.items():
        result[kind]["wall"].append(statistics.median(values))
    print(json.dumps(result))


_profiling = [False]


def _profile_handlers():
    """A cProfile of the route handlers and dependencies (they run in worker threads, which a
    profiler started in this thread would not see), while _profiling[0] is on."""
    import cProfile

    import fastapi.dependencies.utils
    import fastapi.routing

    profiler = cProfile.Profile()
    original = fastapi.routing.run_in_threadpool

    async def run(func, *args, **kwargs):
        def profiled(*a, **k):
            if not _profiling[0]:
                return func(*a, **k)
            profiler.enable()
            try:
                return func(*a, **k)
            finally:
                profiler.disable()

        return await original(profiled, *args, **kwargs)

    fastapi.routing.run_in_threadpool = run
    fastapi.dependencies.utils.run_in_threadpool = run
    return profiler


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(code: Path, db: str, url_file: str, rounds: int, profile: str | None) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{code}{os.pathsep}{ROOT}", "HOWARDSHOME_WARM_CACHE": "0"}
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "portal_cpu.py"), "--child", "--db", db,
         "--urls", url_file, "--rounds", str(rounds)] + (["--profile", profile] if profile else []),
        env=env, cwd=code, check=True, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("HOWARDSHOME_BENCH_DB", DEFAULT_DB))
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--runs", type=int, default=2, help="children per code version")
    parser.add_argument("--rounds", type=int, default=3, help="uncached passes per child")
    parser.add_argument("--profile", choices=KINDS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.urls, args.rounds, args.profile)
        return 0
    sys.path.insert(0, str(ROOT))
    from bench.portal import urls

    sets = urls(args.db, random.Random(5))
    url_file = f"/tmp/hh_portal_cpu_urls_{os.getpid()}.json"
    Path(url_file).write_text(json.dumps(sets))
    versions = {"after": ROOT} if args.before is None else {"before": args.before, "after": ROOT}
    runs = 1 if args.profile else args.runs
    load = [os.getloadavg()[0]]
    results: dict[str, dict[str, dict[str, list[float]]]] = {}
    try:
        for _ in range(runs):
            for name, code in versions.items():
                got = measure(code, args.db, url_file, args.rounds, args.profile)
                load.append(os.getloadavg()[0])
                for kind, values in got.items():
                    mine = results.setdefault(name, {}).setdefault(kind, {"cpu": [], "wall": []})
                    mine["cpu"].extend(values["cpu"])
                    mine["wall"].extend(values["wall"])
    finally:
        os.unlink(url_file)
    print(f"bench/portal.py's URLs on {args.db}; {runs} run(s) x {args.rounds} uncached "
          f"rounds per version; load average (1 min) {min(load):.1f}-{max(load):.1f}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    names = list(results)
    head = " | ".join(f"{n}: CPU p50 / wall p50 / wall p95" for n in names)
    ratio = " | CPU p50 after/before | wall p95 after/before" if len(names) == 2 else ""
    print(f"\n| kind | {head}{ratio} |")
    print("|---|" + "---:|" * (len(names) + (2 if ratio else 0)))
    for kind in KINDS:
        cells = []
        for n in names:
            v = results[n][kind]
            cells.append(f"{statistics.median(v['cpu']):.1f} / {statistics.median(v['wall']):.1f}"
                         f" / {pct(v['wall'], 95):.1f}")  # fmt: skip
        if ratio:
            b, a = results["before"][kind], results["after"][kind]
            cells.append(f"{statistics.median(a['cpu']) / statistics.median(b['cpu']):.2f}")
            cells.append(f"{pct(a['wall'], 95) / pct(b['wall'], 95):.2f}")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
