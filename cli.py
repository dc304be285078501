"""The `howardshome` command: parses arguments and calls into the packages."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
from datetime import UTC, date, datetime

from models.errors import ConfigError, HowardsHomeError
from models.settings import Settings, get_settings

log = logging.getLogger("howardshome")


def _setup_logging(settings: Settings) -> None:
    from models.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)


def _load_config(settings: Settings, sources_path: str | None = None):
    """Both editorial files, validated together; raises ConfigError naming file and line.

    The same checks as `sources check`, regions included: what it refuses is never crawled.
    """
    from models.catalog import load_catalog, read_regions, region_problems
    from models.taxonomy import load_taxonomy

    problems = []
    taxonomy = catalog = None
    try:
        taxonomy = load_taxonomy(settings.themes)
    except ConfigError as exc:
        problems += exc.problems
    known = {t.slug for t in taxonomy.themes} if taxonomy else None
    try:
        catalog = load_catalog(sources_path or settings.sources, known_themes=known)
    except ConfigError as exc:
        problems += exc.problems
    else:
        problems += region_problems(sources_path or settings.sources, read_regions())
    if problems:
        raise ConfigError(problems)
    return catalog, taxonomy


def _load_valid_config(settings: Settings, sources_path: str | None = None):
    """Like _load_config, but invalid sources entries are skipped (each named on stderr).

    The taxonomy must still be entirely valid: tagging with half a taxonomy is not asked for.
    """
    from models.catalog import load_valid_sources
    from models.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(settings.themes)
    catalog, problems = load_valid_sources(
        sources_path or settings.sources, known_themes={t.slug for t in taxonomy.themes}
    )
    for problem in problems:
        print(f"skipped (--skip-invalid): {problem}", file=sys.stderr)
    return catalog, taxonomy


# -- commands -----------------------------------------------------------------------------------


def cmd_db(args, settings: Settings) -> int:
    from models.db import make_engine, safe_url, upgrade

    engine = make_engine(settings.database_url)
    upgrade(engine)
    print(f"database {safe_url(engine)} is at the latest schema")
    return 0


def cmd_crawl(args, settings: Settings) -> int:
    from crawler import forkserver

    with forkserver.running():  # first: it warms up while the crawler starts
        return _crawl(args, settings)


def _crawl(args, settings: Settings) -> int:
    # Scrapy, Twisted and SQLAlchemy's imports and the catalog make some hundred thousand
    # objects that live as long as the crawl; the collector would walk them again and again as
    # they are made (a tenth of a night-with-nothing-new's time). Off meanwhile, and what they
    # made frozen (never walked again), then on.
    gc.disable()
    try:
        from crawler.runner import run_crawl

        if args.skip_invalid:
            catalog, taxonomy = _load_valid_config(settings, args.sources)
        else:
            catalog, taxonomy = _load_config(settings, args.sources)
        unknown = [s for s in args.source or [] if s not in catalog.by_id()]
        if unknown:
            raise ConfigError([_problem(args.sources or settings.sources,
                                        f"unknown source id {u!r}") for u in unknown])  # fmt: skip
    except ConfigError as exc:
        _record_failed_run(settings, args, f"invalid configuration: {exc}")
        raise
    finally:
        gc.freeze()
        gc.enable()
    outcome = run_crawl(settings, catalog, taxonomy, only=args.source or None, trigger=args.trigger,
                        run_id=args.run_id, wait=not args.no_wait)  # fmt: skip
    if outcome.status == "seeded":  # distributed, --no-wait: the workers finish the run
        return 0
    _print_outcome(outcome)
    if outcome.status != "completed":
        print(f"crawl failed: {outcome.error}", file=sys.stderr)
        return 2
    return 0


def cmd_worker(args, settings: Settings) -> int:
    if not settings.redis_url:
        raise ConfigError([_problem("HOWARDSHOME_REDIS_URL", "not set: a worker takes its "
                                    "requests from a distributed crawl's Redis")])  # fmt: skip
    from crawler import forkserver

    with forkserver.running():
        from crawler.distributed.worker import run_worker

        return run_worker(settings, forever=args.forever, run_id=args.run)


def _record_failed_run(settings: Settings, args, error: str) -> None:
    """A crawl that could not start is recorded too, when the database can be reached."""
    from models.db import ensure_schema, make_engine, session_factory, transaction
    from models.health import close_run, record_failed_run

    try:
        engine = make_engine(settings.database_url)
        ensure_schema(engine)
        with transaction(session_factory(engine)) as session:
            if args.run_id is not None:
                close_run(session, args.run_id, "failed", error)
            else:
                record_failed_run(session, args.trigger, error)
    except Exception as exc:  # noqa: BLE001 - the configuration error is what the user must see
        log.warning("could not record the failed run: %s", exc)


def _problem(path: str, message: str):
    from models.errors import Problem

    return Problem(path, None, None, message)


def _print_outcome(outcome) -> None:
    ok = [r for r in outcome.reports if r["status"] == "ok"]
    print(
        f"run {outcome.run_id}: {outcome.status}; {outcome.new_articles} new articles; "
        f"{len(ok)} sources ok, {len(outcome.failing)} failing; {outcome.requests} requests"
    )
    for report in outcome.failing:
        reasons = "; ".join(f"{e['url']}: {e['reason']}" for e in report["errors"][:3])
        print(f"  FAILED {report['source_id']}: {reasons}")


def cmd_serve(args, settings: Settings) -> int:
    import uvicorn

    from models.db import ensure_schema, make_engine

    ensure_schema(make_engine(settings.database_url))
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"HowardsHome portal: http://{host}:{port}/", flush=True)
    uvicorn.run(
        "portal.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        log_level="warning",
        proxy_headers=True,
    )
    return 0


def cmd_demo(args, settings: Settings) -> int:
    from fakeweb.demo_run import run_demo

    return run_demo(settings, host=args.host, port=args.port, db_path=args.db)


def cmd_classify(args, settings: Settings) -> int:
    import tagging
    from models.taxonomy import load_taxonomy

    tagger = tagging.Tagger.from_taxonomy(load_taxonomy(args.themes or settings.themes))
    if args.evaluate:
        from tagging.evaluate import evaluate, load_items

        report = evaluate(tagger, load_items(args.evaluate))
        print(report.format())
        return 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"stdin:{number}: not a JSON object: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(tagging.classify_record(tagger, record, args.explain), ensure_ascii=False))
    return 0


def cmd_export(args, settings: Settings) -> int:
    from models.db import ensure_schema, make_engine, session_factory
    from models.export import export_articles

    since = datetime.combine(args.since, datetime.min.time(), UTC) if args.since else None
    engine = make_engine(settings.database_url)
    ensure_schema(engine)  # an empty database exports nothing instead of failing
    with session_factory(engine)() as session:
        for row in export_articles(session, since):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def cmd_retag(args, settings: Settings) -> int:
    from crawler.retag import retag_all
    from models.db import ensure_schema, make_engine, session_factory
    from models.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(settings.themes)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    count, seconds = retag_all(session_factory(engine), taxonomy)
    rate = count / seconds if seconds else 0
    print(f"retagged {count} articles in {seconds:.1f}s ({rate:.0f}/s)")
    return 0


def cmd_sources(args, settings: Settings) -> int:
    if args.action == "check":
        from models.catalog import check_files

        sources_path = args.path or args.sources or settings.sources
        problems = check_files(sources_path, args.themes or settings.themes)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) found", file=sys.stderr)
            return 1
        print(f"{sources_path} and {args.themes or settings.themes}: no problems found")
        return 0
    if args.action == "status":
        from models.db import ensure_schema, make_engine, session_factory
        from models.health import format_status, source_status

        engine = make_engine(settings.database_url)
        ensure_schema(engine)
        with session_factory(engine)() as session:
            print(format_status(source_status(session)))
        return 0
    if args.action == "try":
        from crawler.runner import run_crawl

        catalog, taxonomy = _load_config(settings, args.sources)
        if args.id not in catalog.by_id():
            raise ConfigError([_problem(args.sources or settings.sources,
                                        f"unknown source id {args.id!r}")])  # fmt: skip
        outcome = run_crawl(settings, catalog, taxonomy, only=[args.id], dry_run=True)
        _print_try(outcome)
        return 0
    if args.action == "import-opml":
        from models.catalog import load_catalog
        from models.opml import append_to_sources, import_opml

        path = args.sources or settings.sources
        entries = import_opml(args.file, load_catalog(path))
        append_to_sources(path, entries)
        print(f"added {len(entries)} source(s) to {path}")
        return 0
    if args.action == "export-opml":
        from models.catalog import load_catalog
        from models.opml import export_opml

        sys.stdout.write(export_opml(load_catalog(args.sources or settings.sources)))
        return 0
    raise AssertionError(args.action)


def _print_try(outcome) -> None:
    for report in outcome.reports:
        urls = ", ".join(report["discovery_urls"]) or "-"
        print(f"{report['source_id']}: read by {report['method'] or '-'} ({urls})")
        print(f"  {report['urls_seen']} URLs seen, {report['requested']} article pages fetched")
        for error in report["errors"]:
            print(f"  error: {error['url']}: {error['reason']}")
    for record in outcome.records:
        when = record.published_at.date().isoformat() if record.published_at else "no date"
        themes = ", ".join(t["slug"] for t in record.themes) or "-"
        print(f"- {record.title} [{when}] themes: {themes}\n  {record.url}")


def cmd_schema(args, settings: Settings) -> int:
    from models.schemas import write_schemas

    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return 0


def cmd_runs(args, settings: Settings) -> int:
    from models.db import ensure_schema, make_engine, session_factory
    from models.health import format_runs, recent_runs

    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    with session_factory(engine)() as session:
        print(format_runs(recent_runs(session, args.limit)))
    return 0


def cmd_seed(args, settings: Settings) -> int:
    from models.db import ensure_schema, make_engine, session_factory
    from models.seed import seed_articles
    from models.taxonomy import load_taxonomy

    if args.articles < 1:
        print("error: --articles must be at least 1", file=sys.stderr)
        return 1
    taxonomy = load_taxonomy(settings.themes)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)

    def progress(done: int) -> None:
        if done % 20000 == 0 or done == args.articles:
            print(f"  {done}/{args.articles}", flush=True)

    count, seconds = seed_articles(session_factory(engine), taxonomy, args.articles,
                                   days=args.days, seed=args.seed, progress=progress)  # fmt: skip
    print(f"seeded {count} synthetic articles in {seconds:.1f}s")
    return 0


def cmd_hash_password(args, settings: Settings) -> int:
    import getpass

    from portal.auth import hash_password

    password = sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("Wachtwoord: ")
    if len(password) < 8:
        print("error: the password needs at least 8 characters", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


# -- parser -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="howardshome",
        description="News crawler and portal for Dutch public-sector leaders.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply all migrations")
    db.set_defaults(func=cmd_db)

    crawl = sub.add_parser("crawl", help="crawl the sources once and store new articles")
    crawl.add_argument("--sources", help="sources file (default: HOWARDSHOME_SOURCES)")
    crawl.add_argument("--source", action="append", metavar="ID", help="only this source")
    crawl.add_argument("--trigger", choices=["manual", "scheduled"], default="manual",
                       help="recorded with the run")  # fmt: skip
    crawl.add_argument("--run-id", type=int, help=argparse.SUPPRESS)  # the scheduler's run
    crawl.add_argument("--skip-invalid", action="store_true",
                       help="crawl the valid sources even when other entries of the sources "
                       "file are invalid (each skipped entry is named)")  # fmt: skip
    crawl.add_argument("--no-wait", action="store_true",
                       help="with HOWARDSHOME_REDIS_URL: only queue the run for the workers "
                       "(the worker that finds it done records it)")  # fmt: skip
    crawl.set_defaults(func=cmd_crawl)

    worker = sub.add_parser("worker", help="crawl distributed runs (HOWARDSHOME_REDIS_URL)")
    worker.add_argument("--forever", action="store_true",
                        help="join every run, not only the current or next one")  # fmt: skip
    worker.add_argument("--run", type=int, help=argparse.SUPPRESS)  # (--forever's child)
    worker.set_defaults(func=cmd_worker)

    serve = sub.add_parser("serve", help="serve the portal")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="crawl the bundled offline web into SQLite and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--db", default="demo.db", help="SQLite file (recreated)")
    demo.set_defaults(func=cmd_demo)

    classify = sub.add_parser("classify", help="tag JSON lines {title, text} from stdin")
    classify.add_argument("--explain", action="store_true", help="add scores and matched terms")
    classify.add_argument("--evaluate", metavar="FILE", help="print P/R/F1 on a labeled file")
    classify.add_argument("--themes", help="themes file (default: HOWARDSHOME_THEMES)")
    classify.set_defaults(func=cmd_classify)

    export = sub.add_parser("export", help="stored articles as JSON lines")
    export.add_argument(
        "--since", type=date.fromisoformat, help="YYYY-MM-DD (fetched or published)"
    )
    export.set_defaults(func=cmd_export)

    retag = sub.add_parser("retag", help="re-tag every stored article after a taxonomy change")
    retag.set_defaults(func=cmd_retag)

    sources = sub.add_parser("sources", help="editors' tools for sources.yaml")
    sources_sub = sources.add_subparsers(dest="action", required=True)
    check = sources_sub.add_parser("check", help="validate sources.yaml and themes.yaml")
    check.add_argument("path", nargs="?", help="sources file")
    check.add_argument("--sources", help="sources file (as for crawl; same as PATH)")
    check.add_argument("--themes", help="themes file")
    sources_sub.add_parser("status", help="health of every source, broken ones first")
    try_ = sources_sub.add_parser("try", help="crawl one source without storing anything")
    try_.add_argument("id")
    try_.add_argument("--sources")
    imp = sources_sub.add_parser("import-opml", help="add the feeds of an OPML file")
    imp.add_argument("file")
    imp.add_argument("--sources")
    exp = sources_sub.add_parser("export-opml", help="write every feed as OPML to stdout")
    exp.add_argument("--sources")
    sources.set_defaults(func=cmd_sources)

    schema = sub.add_parser("schema", help="write JSON Schemas for sources.yaml and themes.yaml")
    schema.add_argument("--out", default="schemas")
    schema.set_defaults(func=cmd_schema)

    runs = sub.add_parser("runs", help="history of crawl runs")
    runs.add_argument("--limit", type=int, default=20)
    runs.set_defaults(func=cmd_runs)

    seed = sub.add_parser("seed", help="fill the database with synthetic articles (benchmarks)")
    seed.add_argument("--articles", type=int, default=200_000)
    seed.add_argument("--days", type=int, default=730, help="spread over the last N days")
    seed.add_argument("--seed", type=int, default=1, help="random seed (same seed, same text)")
    seed.set_defaults(func=cmd_seed)

    hashpw = sub.add_parser("hash-password", help="hash the editors' password for the settings")
    hashpw.add_argument("--stdin", action="store_true", help="read the password from stdin")
    hashpw.set_defaults(func=cmd_hash_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except Exception as exc:  # pydantic ValidationError: a bad HOWARDSHOME_* variable
        print(f"error: invalid setting: {exc}", file=sys.stderr)
        return 1
    _setup_logging(settings)
    try:
        return args.func(args, settings)
    except ConfigError as exc:
        print(f"error: invalid configuration:\n{exc}", file=sys.stderr)
        return 1
    except HowardsHomeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
