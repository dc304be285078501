"""Portal latency at real size: p50/p95/p99 per page kind next to a fixed page of the same app.

Run: .venv/bin/python bench/portal.py [--db URL] [--articles 200000] [--clients 8] [--reseed]
     [--code DIR] [--warm-cache]
     [--rates 10,20,40,60] [--passes 3]

Reuses the named database (default `hh_bench`) across runs: it seeds it with `howardshome seed`
only when it holds fewer articles than --articles (--reseed drops and recreates it first), then
brings its schema up to date and refreshes the planner's statistics. Starts the
portal with uvicorn (httptools, --workers 2) plus one extra route, /_bench/fixed, returning a fixed
14 KB page (--code DIR: the portal of another checkout, to compare code on the same database),
with the background warming off unless --warm-cache, then drives it with concurrent keep-alive
clients:

  cold start: every distinct URL once, right after start (nothing cached: each is computed)
  uncached, 1 client: the data version bumped (every page stale), every URL once, one at a
        time: what an uncached page costs without queueing
  uncached, N clients: the same with --clients at once, each sending its next request as soon
        as the last one is answered: the machine saturated (the morning after a crawl at worst)
  uncached, R/s: the data version bumped again, then every URL once at a steady rate of R
        requests a second (--rates), --passes times, each pass after a new bump. Arrivals
        follow a Poisson process in open loop: a request is sent when it is due, whether or
        not earlier ones are answered, over at most --clients connections, and its time
        counts from when it was due, so waiting for a connection or behind a slow page is
        part of it: members arriving at their own pace.
  warm: after priming passes, the same URLs again in random order for --seconds (served from
        the per-data-version cache, as members reading the same pages each morning are)

Each phase reports, per kind, the figures measured in the same run as the fixed page, and the
ratio p95(kind) / p95(fixed); a summary puts every phase's p95 beside the issue's targets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/hh_bench"
VERSION_TTL = 2.0  # portal.cache.VERSION_TTL
FIXED_PAGE = (
    "<!DOCTYPE html><html lang=nl><head><title>Vast</title></head><body>"
    + "<p>Een vaste pagina van veertien kilobyte om de kale kosten van de app te meten.</p>" * 170
    + "</body></html>"
)
SEARCH_WORDS = [
    "fietsen", "gemeentelijke", "warmtenet", "zonnepanelen", "wateroverlast", "jeugdzorg",
    "participatie", "integriteit", "begroting", "woningbouw", "omgevingsvisie", "datacentra",
    "arbeidsmarkt", "veiligheid", "vergrijzing", "europese", "circulaire", "afval", "klimaat",
    "energie", "wijkaanpak", "inwoners", "provincie", "samenwerking", "digitale", "hittestress",
    "ondermijning", "armoede", "mantelzorg", "stikstof",
]  # fmt: skip


def build():
    """uvicorn factory: the real portal plus the fixed page it is compared with."""
    from fastapi.responses import HTMLResponse

    from models.settings import get_settings
    from portal.app import create_app

    app = create_app(get_settings())

    @app.get("/_bench/fixed", include_in_schema=False)
    def fixed():
        return HTMLResponse(FIXED_PAGE)

    return app


def urls(db_url: str, rng: random.Random) -> dict[str, list[str]]:
    from models.entities import Article, ArticleRegion, Source, Theme

    engine = create_engine(db_url)
    with engine.connect() as conn:
        themes = list(conn.scalars(select(Theme.slug)))
        sources = list(conn.scalars(select(Source.id).limit(300)))
        regions = list(conn.scalars(select(ArticleRegion.region_slug).distinct().limit(200)))
        top = conn.scalar(select(func.max(Article.id))) or 1
    engine.dispose()
    home = ["/"] + [f"/?type={t}" for t in ("gemeente", "provincie", "ministerie")]
    home += [f"/?region={r}" for r in rng.sample(regions, min(20, len(regions)))]
    home += [f"/?source={s}" for s in rng.sample(sources, 20)]
    theme_pages = [f"/themes/{t}" for t in themes]
    theme_pages += [f"/?theme={a}&theme={b}" for a, b in (rng.sample(themes, 2) for _ in range(25))]
    search = [f"/?q={w}" for w in SEARCH_WORDS]
    search += [f"/?q={w}&theme={rng.choice(themes)}" for w in rng.sample(SEARCH_WORDS, 15)]
    pairs = (rng.sample(SEARCH_WORDS, 2) for _ in range(15))
    search += [f"/api/articles?q={a}+{b}" for a, b in pairs]
    feeds = ["/feeds/all.xml", "/feeds/all.atom"] + [f"/feeds/themes/{t}.xml" for t in themes]
    feeds += [f"/feeds/sources/{s}.xml" for s in rng.sample(sources, 15)]
    feeds += [f"/feeds/articles.xml?q={w}" for w in rng.sample(SEARCH_WORDS, 10)]
    articles = [f"/articles/{rng.randint(1, top)}" for _ in range(40)]
    return {
        "home + filters": home,
        "theme pages": theme_pages,
        "search": search,
        "feeds": feeds,
        "article pages": articles,
        "overview": ["/overzicht"],
        "fixed page": ["/_bench/fixed"] * 40,
    }


async def drive(base: str, jobs: list[tuple[str, str]], clients: int) -> dict[str, list[float]]:
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    timings: dict[str, list[float]] = {}
    errors: list[str] = []

    async def worker():
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while True:
                try:
                    kind, url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                response = await client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code not in (200, 404):
                    errors.append(f"{url}: {response.status_code}")
                timings.setdefault(kind, []).append(elapsed)

    await asyncio.gather(*(worker() for _ in range(clients)))
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}")
    return timings


async def pace(
    base: str, jobs: list[tuple[str, str]], rate: float, connections: int, rng: random.Random
) -> tuple[dict[str, list[float]], float]:
    """Open loop at `rate` requests a second; returns the timings and the rate achieved."""
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)

    async def one(client: httpx.AsyncClient, kind: str, url: str, due: float) -> None:
        response = await client.get(url)
        elapsed = (time.perf_counter() - due) * 1000
        if response.status_code not in (200, 404):
            errors.append(f"{url}: {response.status_code}")
        timings.setdefault(kind, []).append(elapsed)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        started = due = time.perf_counter()
        tasks = []
        for kind, url in jobs:
            due += rng.expovariate(rate)
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(client, kind, url, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}")
    return timings, len(jobs) / elapsed


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(title: str, timings: dict[str, list[float]]) -> None:
    fixed = pct(timings["fixed page"], 95)
    print(f"\n{title}")
    print(f"| {'kind':<16} | {'requests':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
          f"{'p95 / fixed':>11} |")  # fmt: skip
    print(f"|{'-' * 18}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 13}|")
    for kind, values in timings.items():
        print(
            f"| {kind:<16} | {len(values):>8} | {statistics.median(values):>7.1f} | "
            f"{pct(values, 95):>7.1f} | {pct(values, 99):>7.1f} | "
            f"{pct(values, 95) / fixed:>10.1f}x |"
        )


TARGETS = {"home + filters": 50, "theme pages": 50, "search": 150, "feeds": 50}  # p95 ms, issue 5


def summary(phases: dict[str, dict[str, list[float]]]) -> None:
    """One row per kind: p95 in each phase beside the fixed page's p95 in that phase."""
    names = list(phases)
    print("\nsummary: p95 ms per phase (p95 / the fixed page's p95 in the same phase)")
    print("| kind | target | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    fixed = {n: pct(phases[n]["fixed page"], 95) for n in names}
    kinds = [k for k in phases[names[-1]] if k != "fixed page"] + ["fixed page"]
    for kind in kinds:
        cells = []
        for n in names:
            values = phases[n].get(kind)
            if not values:
                cells.append("")
                continue
            p95 = pct(values, 95)
            ratio = "" if kind == "fixed page" else f" ({p95 / fixed[n]:.1f}x)"
            cells.append(f"{p95:.1f}{ratio}")
        target = f"< {TARGETS[kind]}" if kind in TARGETS else ""
        print(f"| {kind} | {target} | " + " | ".join(cells) + " |")
    met = [
        all(pct(phases[n][k], 95) < limit for k, limit in TARGETS.items() if k in phases[n])
        for n in names
    ]
    print("| every target met | | " + " | ".join("yes" if m else "no" for m in met) + " |")


def recreate(db_url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database (a fresh seed follows)."""
    url = make_url(db_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def new_data_version(db_url: str) -> None:
    """Bump the data version as `howardshome retag` does: every cached page is stale."""
    from models.db import make_engine, session_factory, transaction
    from models.store import bump_data_version

    engine = make_engine(db_url)
    with transaction(session_factory(engine)) as session:
        bump_data_version(session)
    engine.dispose()


def exists(db_url: str) -> bool:
    url = make_url(db_url)
    if not url.drivername.startswith("postgresql"):
        return True  # SQLite creates its file
    admin = create_engine(url.set(database="postgres"))
    with admin.connect() as conn:
        found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": url.database})  # fmt: skip
    admin.dispose()
    return bool(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("HOWARDSHOME_BENCH_DB", DEFAULT_DB))
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rates", default="10,20,40,60",
                        help="requests a second of the paced uncached phases, comma-separated "
                             "(empty: none)")  # fmt: skip
    parser.add_argument("--passes", type=int, default=3,
                        help="passes over every URL in each paced phase, each after a data "
                             "change (default 3)")  # fmt: skip
    parser.add_argument("--reseed", action="store_true", help="drop and recreate the database")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="serve the portal of this checkout")  # fmt: skip
    parser.add_argument("--warm-cache", action="store_true",
                        help="keep the portal's background warming on (off: the uncached "
                             "phases measure every page's own cost)")  # fmt: skip
    args = parser.parse_args()
    try:
        rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        parser.error(f"--rates: not a comma-separated list of numbers: {args.rates!r}")
    if any(r <= 0 for r in rates):
        parser.error("--rates: every rate must be above 0")
    if args.passes < 1:
        parser.error("--passes must be at least 1")
    if args.reseed or not exists(args.db):
        recreate(args.db)
    env = {**os.environ, "HOWARDSHOME_DATABASE_URL": args.db, "PYTHONPATH": str(ROOT),
           "HOWARDSHOME_THEMES": str(ROOT / "themes.yaml")}  # fmt: skip
    engine = create_engine(args.db)
    from models.db import ensure_schema
    from models.entities import Article

    ensure_schema(engine)
    with engine.connect() as conn:
        have = conn.scalar(select(func.count()).select_from(Article)) or 0
    engine.dispose()
    if have < args.articles:
        print(f"seeding {args.articles - have} articles into {args.db} ...", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cli", "seed", "--articles",
                        str(args.articles - have)], env=env, cwd=ROOT, check=True)  # fmt: skip
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    if engine.dialect.name == "postgresql":
        # Visibility map and statistics as autovacuum would leave them on a settled database
        # (index-only scans need the first), so a run right after seeding measures the same.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            settings = conn.execute(text(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost')"
            )).all()  # fmt: skip
            version = conn.scalar(text("SHOW server_version"))
        print(f"postgresql {version}: " + ", ".join(f"{n}={v}" for n, v in settings))
        engine.dispose()
    server_env = {**env, "PYTHONPATH": str(args.code),
                  "HOWARDSHOME_WARM_CACHE": "1" if args.warm_cache else "0"}  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.portal:build", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(args.workers), "--http", "httptools",
         "--log-level", "warning"],
        env=server_env, cwd=args.code,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("portal did not start") from None
                time.sleep(0.2)
        rng = random.Random(5)
        sets = urls(args.db, rng)
        count = sum(len(v) for v in sets.values())
        print(
            f"{max(have, args.articles)} articles; {count} distinct URLs; {args.clients} "
            f"concurrent clients; {args.workers} uvicorn workers; {os.cpu_count()} cores; "
            f"code {args.code}; background warming {'on' if args.warm_cache else 'off'}; "
            f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        jobs = [(kind, url) for kind, items in sets.items() for url in items]
        rng.shuffle(jobs)
        cold = asyncio.run(drive(base, jobs, args.clients))
        report(f"cold (each URL once, nothing cached yet, {args.clients} clients)", cold)
        # The nightly case: new data makes every page stale at once (PostgreSQL stays warm).
        new_data_version(args.db)
        time.sleep(VERSION_TTL + 0.5)  # each worker re-reads the version after VERSION_TTL
        alone = asyncio.run(drive(base, jobs, 1))
        report("cold after a data change (each URL once, one client: no queueing)", alone)
        new_data_version(args.db)
        time.sleep(VERSION_TTL + 0.5)
        started = time.perf_counter()
        again = asyncio.run(drive(base, jobs, args.clients))
        saturated = len(jobs) / (time.perf_counter() - started)
        report(f"cold after a data change ({args.clients} clients back to back: "
               f"{saturated:.0f} requests/s, what the machine can do)", again)  # fmt: skip
        paced: dict[str, dict[str, list[float]]] = {}
        for rate in rates:
            timings = {}
            achieved = []
            for _ in range(args.passes):  # each pass uncached: a p95 of 3 x 40 URLs, not 40
                new_data_version(args.db)
                time.sleep(VERSION_TTL + 0.5)
                one_pass, pass_rate = asyncio.run(pace(base, jobs, rate, args.clients, rng))
                for kind, values in one_pass.items():
                    timings.setdefault(kind, []).extend(values)
                achieved.append(f"{pass_rate:.1f}")
            paced[f"uncached, {rate:g}/s"] = timings
            report(f"cold after a data change, {rate:g} requests/s asked, "
                   f"{' / '.join(achieved)} achieved in {args.passes} passes (open loop, up to "
                   f"{args.clients} connections)", timings)  # fmt: skip
        # Prime: every worker process keeps its own cache, and a URL reaches a random worker.
        for _ in range(args.workers + 1):
            asyncio.run(drive(base, jobs, args.clients))
        warm: list[tuple[str, str]] = []
        started = time.monotonic()
        timings: dict[str, list[float]] = {}
        while time.monotonic() - started < args.seconds:
            warm = jobs[:]
            rng.shuffle(warm)
            for kind, values in asyncio.run(drive(base, warm, args.clients)).items():
                timings.setdefault(kind, []).extend(values)
        report(f"warm ({args.seconds:.0f} s of repeats, cached per data version)", timings)
        summary({"uncached, 1 client": alone, **paced,
                 f"uncached, {args.clients} clients": again,
                 f"cold start, {args.clients} clients": cold, "warm": timings})  # fmt: skip
        print(f"load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
