"""Crawl throughput, memory and quality over a local web of real pages, side by side in one run.

    .venv/bin/python bench/crawl.py              # the full run (about 10 minutes on 2 cores)
    .venv/bin/python bench/crawl.py --no-double  # skip the crawl of the twice-as-large web
    .venv/bin/python bench/crawl.py --rounds 1   # one round only (about 4 minutes)

Needs ../shared/realweb (or HOWARDSHOME_REALWEB) and PostgreSQL (HOWARDSHOME_BENCH_PG, default
postgresql://postgres@127.0.0.1:5432/postgres); each crawl gets a fresh database, dropped after.
Measures, over the same pages: (1) the ceiling, trafilatura alone in one process per core;
(2) the trafilatura CLI over the article URLs; (3) `howardshome crawl` into PostgreSQL; (4) a
second crawl of the unchanged web; (5) the quality of what was stored against the gold text and
dates; and the peak memory of the crawl's process tree on this web and on one twice as large.
(1)-(4) run in rounds (ceiling, crawl, second crawl, CLI, then the next round's ceiling), so
every crawl lies between two ceilings minutes apart; each ratio is taken within its round and
the median over the rounds reported.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import trafilatura  # noqa: E402

from bench import quality  # noqa: E402
from bench.realweb import SITES_PER_COPY, Page, assign, load_pages, sources_yaml  # noqa: E402
from fakeweb.launcher import FakeWeb  # noqa: E402

PG_ADMIN = os.environ.get("HOWARDSHOME_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
FIRST_OCTET = 100  # sites on 127.0.0.100 and up, clear of the test webs


# -- (1) the ceiling -------------------------------------------------------------------------------


def _extract_alone(job: tuple[str, bytes]) -> tuple[str, str, str | None]:
    url, body = job
    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True)
    if doc is None:
        return url, "", None
    return url, doc.text or "", doc.date


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (and the children they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ceiling(jobs: list[tuple[str, bytes]]) -> tuple[float, float, dict]:
    """trafilatura alone (with metadata, its defaults) over every page, one process per core;
    returns wall seconds, CPU seconds and (text, date) per URL."""
    cpu = children_cpu()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        results = pool.map(_extract_alone, jobs, chunksize=1)
    elapsed = time.perf_counter() - started
    return elapsed, children_cpu() - cpu, {url: (text, date) for url, text, date in results}


# -- (2) the trafilatura CLI -----------------------------------------------------------------------


def trafilatura_cli(urls: list[str], work: Path) -> tuple[float, int]:
    """`trafilatura -i urls --parallel 4` with its sleep time at 0; returns (seconds, documents)."""
    work.mkdir(parents=True, exist_ok=True)
    config = work / "trafilatura.cfg"
    defaults = Path(trafilatura.__file__).with_name("settings.cfg").read_text(encoding="utf-8")
    lines = []
    for line in defaults.splitlines():
        if line.startswith("SLEEP_TIME"):
            line = "SLEEP_TIME = 0"
        elif line.startswith("SSRF_PROTECTION"):
            line = "SSRF_PROTECTION = off"  # the local web is on loopback by design
        lines.append(line)
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url_file = work / "urls.txt"
    url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    out = work / "cli-out"
    command = [
        str(Path(sys.executable).with_name("trafilatura")),
        "-i", str(url_file), "--parallel", "4", "--config-file", str(config),
        "--with-metadata", "-o", str(out),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for p in out.rglob("*") if p.is_file()) if out.exists() else 0


# -- (3, 4) howardshome crawl ----------------------------------------------------------------------


@dataclass
class CrawlRun:
    seconds: float
    peak_rss_mb: float  # sum over the process tree (shared pages counted in each process)
    peak_pss_mb: float | None  # proportional set size (shared pages divided among their
    # processes); measured by memory crawls only (crawl(memory=True))
    cpu_seconds: float  # the whole process tree
    main_cpu_seconds: float  # the crawler process alone (Scrapy's reactor, the writer thread)
    requests: int
    article_requests: int
    returncode: int
    output: str


def _tree_sample(proc: psutil.Process, cpu: dict[int, float], pss_too: bool) -> tuple[float, float]:
    """Memory of the process tree now (RSS sum, PSS sum or 0, in MB); records CPU seconds per pid.

    PSS is what the kernel finds walking every page of a process (/proc/PID/smaps_rollup): 3-8
    ms of kernel time per large process, 10-20 ms a sample, a tenth of a core at five samples a
    second, taken from the two cores the crawl runs on. RSS and CPU times are counters (0.03 ms).
    """
    rss = pss = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    for member in members:
        try:
            info = member.memory_full_info() if pss_too else member.memory_info()
            times = member.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += info.pss if pss_too else 0
        cpu[member.pid] = times.user + times.system
    return rss / 2**20, pss / 2**20


def crawl_env(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of a benchmark crawl over the local web of real pages."""
    env = dict(os.environ)
    env.update(
        {
            "HOWARDSHOME_DATABASE_URL": db_url,
            "HOWARDSHOME_THEMES": str(ROOT / "themes.yaml"),
            "HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES": "true",
            # Politeness lifted: the sites are local, and throughput is what is measured.
            "HOWARDSHOME_DOWNLOAD_DELAY": "0",
            "HOWARDSHOME_AUTOTHROTTLE": "false",
            "HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN": "8",
            # Real pages are of every age and language: keep them all.
            "HOWARDSHOME_WINDOW_DAYS": "40000",
            "HOWARDSHOME_LANGUAGES": "[]",
            "HOWARDSHOME_EXTRACT_WORKERS": "0",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def crawl(sources: Path, db_url: str, web: FakeWeb, memory: bool = False) -> CrawlRun:
    """One `howardshome crawl`, sampled every 0.2 s. A timed crawl (memory=False) reads only the
    processes' counters (CPU, RSS), so that, like the ceiling and the CLI, it runs unobserved;
    a memory crawl (memory=True) also reads their PSS, which costs the crawl some of its cores."""
    env = crawl_env(db_url)
    script = Path(sys.executable).with_name("howardshome")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli"]
    before = len(web.requests())
    peak = [0.0, 0.0]
    cpu: dict[int, float] = {}
    started = time.perf_counter()
    proc = psutil.Popen(
        [*command, "crawl", "--sources", str(sources)],
        env=env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _tree_sample(proc, cpu, memory)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = proc.communicate()[0]
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    requests = web.requests()[before:]
    return CrawlRun(
        seconds=elapsed,
        peak_rss_mb=peak[0],
        peak_pss_mb=peak[1] if memory else None,
        cpu_seconds=sum(cpu.values()),  # sampled: the last 0.2 s of each process is missed
        main_cpu_seconds=cpu.get(proc.pid, 0.0),
        requests=len(requests),
        article_requests=sum(1 for r in requests if r["path"].startswith("/artikel/")),
        returncode=proc.returncode,
        output=output,
    )


def _create_db() -> str:
    import psycopg

    name = f"hh_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def _drop_db(url: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def stored_articles(db_url: str) -> dict[str, tuple[str, str | None]]:
    """Stored text and publication day per URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT url, text, published_at FROM article")).all()
    engine.dispose()
    return {
        url: (body, published.astimezone(UTC).date().isoformat() if published else None)
        for url, body, published in rows
    }


# -- the run ---------------------------------------------------------------------------------------


def article_urls(bases: dict[str, str], pages_by_site: list[list[Page]]) -> dict[str, Page]:
    urls = {}
    for index, key in enumerate(sorted(bases)[:SITES_PER_COPY]):
        for page in pages_by_site[index]:
            urls[bases[key] + page.path] = page
    return urls


def run_web(scale: int, work: Path, log: Path):
    return FakeWeb(
        "bench.realweb:build",
        log=log,
        first=FIRST_OCTET,
        env={"HOWARDSHOME_BENCH_SCALE": str(scale)},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-double", action="store_true", help="skip the twice-as-large web")
    parser.add_argument("--keep", action="store_true", help="keep the databases and work folder")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--rounds", type=int, default=3,
        help="rounds of ceiling, crawl, second crawl and CLI, one after another; the ratios are "
        "taken per round (against the ceilings measured just before and just after each crawl) "
        "and their median reported, since this machine's speed drifts within a run (default 3)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    pages = load_pages()
    work = Path(tempfile.mkdtemp(prefix="hh-bench-crawl-"))
    databases: list[str] = []
    figures: dict = {"cores": os.cpu_count(), "pages": len(pages), "sites": SITES_PER_COPY}
    try:
        with run_web(1, work, work / "requests.jsonl") as web:
            urls = article_urls(web.sites, assign(pages))
            sources = work / "sources.yaml"
            sources.write_text(sources_yaml(web.sites), encoding="utf-8")
            print(
                f"web: {len(pages)} real pages on {len(web.sites)} sites (127.0.0.{FIRST_OCTET}+)"
            )
            jobs = [(url, page.body) for url, page in urls.items()]
            ceilings = [ceiling(jobs)]
            alone = ceilings[0][2]
            rounds: list[dict] = []
            stored: dict = {}
            print(f"(1) ceiling: {ceilings[0][0]:.1f} s, {len(jobs) / ceilings[0][0]:.1f} pages/s")
            for index in range(args.rounds):
                databases.append(_create_db())
                first = crawl(sources, databases[-1], web)
                if first.returncode != 0:
                    print(first.output)
                    raise SystemExit("the first crawl failed")
                if index == 0:
                    stored = stored_articles(databases[-1])
                print(
                    f"[round {index + 1}] (3) crawl: {first.seconds:.1f} s, "
                    f"{len(jobs) / first.seconds:.1f} pages/s, "
                    f"peak RSS sum {first.peak_rss_mb:.0f} MB"
                )
                second = crawl(sources, databases[-1], web)
                print(
                    f"[round {index + 1}] (4) second crawl: {second.seconds:.2f} s, "
                    f"{second.requests} requests, {second.article_requests} article pages"
                )
                if not args.keep:  # a database per round; only the first one's rows are scored
                    _drop_db(databases.pop())
                cli_s, cli_docs = trafilatura_cli(list(urls), work / f"cli-{index}")
                print(
                    f"[round {index + 1}] (2) trafilatura CLI: {cli_s:.1f} s, "
                    f"{len(jobs) / cli_s:.1f} pages/s, {cli_docs} documents written"
                )
                ceilings.append(ceiling(jobs))
                print(f"[round {index + 1}] (1) ceiling: {ceilings[-1][0]:.1f} s")
                rounds.append(
                    {
                        "ceiling_before_s": ceilings[index][0],
                        "ceiling_after_s": ceilings[index + 1][0],
                        "ceiling_cpu": ceilings[index][1],
                        "crawl_s": first.seconds, "cli_s": cli_s, "cli_docs": cli_docs,
                        "crawl_cpu": first.cpu_seconds, "crawl_main_cpu": first.main_cpu_seconds,
                        "crawl_rss_mb": first.peak_rss_mb,
                        "crawl_requests": first.requests,
                        "crawl_article_requests": first.article_requests,
                        "second_s": second.seconds, "second_cpu": second.cpu_seconds,
                        "second_requests": second.requests,
                        "second_article_requests": second.article_requests,
                    }
                )  # fmt: skip
            # Peak memory: a crawl of its own, its PSS read in every sample (see _tree_sample).
            databases.append(_create_db())
            sampled = crawl(sources, databases[-1], web, memory=True)
            figures.update(
                crawl_pss_mb=sampled.peak_pss_mb, memory_crawl_s=sampled.seconds,
                memory_crawl_rss_mb=sampled.peak_rss_mb,
            )  # fmt: skip
            print(f"    memory crawl: {sampled.seconds:.1f} s, PSS {sampled.peak_pss_mb:.0f} MB")
        figures["rounds"] = rounds
        figures["stored"] = len(stored)
        figures.update(summarise(rounds))
        figures["ceiling_s"] = figures["ceiling_before_s"]  # the name before rounds (--json)
        figures.update(quality.score(urls, stored, alone))
        if not args.no_double:
            with run_web(2, work, work / "requests-2x.jsonl") as web2:
                sources2 = work / "sources-2x.yaml"
                sources2.write_text(sources_yaml(web2.sites), encoding="utf-8")
                databases.append(_create_db())
                double = crawl(sources2, databases[-1], web2, memory=True)
            figures.update(
                double_s=double.seconds, double_pss_mb=double.peak_pss_mb,
                double_rss_mb=double.peak_rss_mb, double_article_requests=double.article_requests,
            )  # fmt: skip
            print(f"    2x web: {double.seconds:.1f} s, peak PSS {double.peak_pss_mb:.0f} MB")
    finally:
        if not args.keep:
            for url in databases:
                _drop_db(url)
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(rounds_table(figures["rounds"], figures["pages"]))
    print()
    print(table(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


def _ratios(r: dict) -> dict[str, float]:
    return {
        "ratio_ceiling_before": r["ceiling_before_s"] / r["crawl_s"],
        "ratio_ceiling_after": r["ceiling_after_s"] / r["crawl_s"],
        # the ceiling as the mean of the two that bracket the crawl in time
        "ratio_ceiling": (r["ceiling_before_s"] + r["ceiling_after_s"]) / 2 / r["crawl_s"],
        "ratio_cli": r["cli_s"] / r["crawl_s"],
        # The CLI extracts on one core: its time in ceilings is about the machine's speed-up on
        # all its cores (2 on an idle 2-core machine, less when the cores are shared).
        "cli_in_ceilings": r["cli_s"] * 2 / (r["ceiling_before_s"] + r["ceiling_after_s"]),
        "second_share": r["second_s"] / r["crawl_s"],
    }


def summarise(rounds: list[dict]) -> dict:
    """Medians over the rounds: of every figure, and of every per-round ratio (a ratio of medians
    would pair a crawl with a ceiling measured minutes away)."""
    keys = [k for k in rounds[0] if isinstance(rounds[0][k], int | float)]
    summary: dict = {k: statistics.median(r[k] for r in rounds) for k in keys}
    summary["crawl_rss_mb"] = max(r["crawl_rss_mb"] for r in rounds)
    summary["second_article_requests"] = max(r["second_article_requests"] for r in rounds)
    for key in _ratios(rounds[0]):
        summary[key] = statistics.median(_ratios(r)[key] for r in rounds)
    return summary


def rounds_table(rounds: list[dict], pages: int) -> str:
    lines = [
        "| round | ceiling before / after | crawl | ratio to the ceiling (mean of both) | CLI "
        "| ratio to the CLI | CLI / ceiling | second crawl; share | crawler CPU; workers CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for index, r in enumerate(rounds, 1):
        q = _ratios(r)
        lines.append(
            f"| {index} | {r['ceiling_before_s']:.1f} / {r['ceiling_after_s']:.1f} s "
            f"| {r['crawl_s']:.1f} s ({pages / r['crawl_s']:.1f} p/s) | {q['ratio_ceiling']:.2f} "
            f"({q['ratio_ceiling_before']:.2f} / {q['ratio_ceiling_after']:.2f}) "
            f"| {r['cli_s']:.1f} s | {q['ratio_cli']:.2f} | {q['cli_in_ceilings']:.2f} "
            f"| {r['second_s']:.2f} s; {100 * q['second_share']:.1f}% "
            f"| {r['crawl_main_cpu']:.1f}; {r['crawl_cpu'] - r['crawl_main_cpu']:.1f} s |"
        )
    return "\n".join(lines)


def table(f: dict) -> str:
    """The medians over the rounds (each ratio is the median of the per-round ratios)."""
    n, first, ceil, cli = f["pages"], f["crawl_s"], f["ceiling_before_s"], f["cli_s"]
    after = f["ceiling_after_s"]
    rows = [
        ("real pages; sites; rounds", f"{n}",
         f"{f['sites']} sites on 127.0.0.{FIRST_OCTET}+; medians of {len(f['rounds'])} rounds"),
        ("(1) ceiling: trafilatura alone, 1 process/core", f"{ceil:.1f} s", f"{n / ceil:.1f} p/s"),
        ("    the same, after each round", f"{after:.1f} s", f"{n / after:.1f} p/s"),
        ("(2) trafilatura CLI -i --parallel 4, sleep 0", f"{cli:.1f} s", f"{n / cli:.1f} p/s"),
        ("(3) howardshome crawl into PostgreSQL", f"{first:.1f} s", f"{n / first:.1f} p/s"),
        ("    stored articles (round 1); per second", f"{f['stored']}",
         f"{f['stored'] / first:.1f}/s"),
        ("    ratio to the ceiling (target >= 0.8)", f"{f['ratio_ceiling']:.2f}",
         f"{f['ratio_ceiling_before']:.2f} to the ceiling before, "
         f"{f['ratio_ceiling_after']:.2f} after"),
        ("    ratio to the CLI (target >= 1.8)", f"{f['ratio_cli']:.2f}", ""),
        ("    the CLI's time in ceilings", f"{f['cli_in_ceilings']:.2f}",
         f"so 1.8x the CLI asks for {1.8 / f['cli_in_ceilings']:.2f}x the ceiling"),
        ("    CPU s: crawl tree; ceiling", f"{f['crawl_cpu']:.0f}", f"{f['ceiling_cpu']:.0f}"),
        ("    CPU s: crawler process; workers",
         f"{f['crawl_main_cpu']:.1f}", f"{f['crawl_cpu'] - f['crawl_main_cpu']:.1f}"),
        ("    peak memory, tree: PSS (memory crawl); RSS sum",
         f"{f['crawl_pss_mb']:.0f} MB", f"{f['memory_crawl_rss_mb']:.0f} MB (memory crawl: "
         f"{f['memory_crawl_s']:.1f} s); RSS sum of the timed crawls {f['crawl_rss_mb']:.0f} MB"),
        ("    requests; article pages", f"{f['crawl_requests']}", f"{f['crawl_article_requests']}"),
        ("(4) second crawl, unchanged web (target < 5%)",
         f"{f['second_s']:.2f} s", f"{100 * f['second_share']:.1f}% of first (median per round)"),
        ("    requests; article pages again",
         f"{f['second_requests']}", f"{f['second_article_requests']}"),
        ("    CPU s: crawl tree", f"{f['second_cpu']:.1f}", ""),
        ("(5) text F1 stored; trafilatura alone",
         f"{f['f1_stored']:.3f}", f"{f['f1_alone']:.3f} ({f['f1_pages']} pages)"),
        ("    date accuracy stored; alone, same pages",
         f"{f['date_acc_stored']:.3f}", f"{f['date_acc_alone']:.3f} ({f['date_pages']} pages)"),
        ("    date accuracy alone, all gold pages",
         f"{f['date_acc_alone_all']:.3f}", f"({f['date_pages_all']} pages)"),
    ]  # fmt: skip
    if "double_s" in f:
        rows.append(
            ("2x web: peak PSS; RSS sum; time",
             f"{f['double_pss_mb']:.0f} MB", f"{f['double_rss_mb']:.0f} MB; {f['double_s']:.1f} s")
        )  # fmt: skip
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure'.ljust(width)} | value | detail |", f"|{'-' * (width + 2)}|---|---|"]
    lines += [f"| {a.ljust(width)} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
