"""Per-source reports of a distributed run: what each worker publishes, and their sum."""

from __future__ import annotations

import json

from crawler.distributed.keys import text
from crawler.distributed.state import RunState
from crawler.report import SourceReport

COUNTERS = ("discovery_ok", "discovery_failed", "not_modified", "urls_seen", "requested",
            "new_articles", "skipped", "deferred")  # fmt: skip


def figures(report: SourceReport) -> tuple:
    """What changes when a report changes (cheap to compare for thousands of sources)."""
    return tuple(getattr(report, c) for c in COUNTERS) + (len(report.errors),)


def published(report: SourceReport) -> str:
    return json.dumps({c: getattr(report, c) for c in COUNTERS} | {"errors": report.errors})


def merge_reports(run: RunState, sources, plan: dict) -> list[dict]:
    """One report per source, as one machine would have made it: counters summed over the
    workers, errors joined (once each), the method as planned or as last changed in the run."""
    merged = {}
    for source in sources:
        method, urls = plan.get(source.id, (None, []))
        merged[source.id] = SourceReport(source.id, method=method, discovery_urls=list(urls))
    for field, value in sorted(run.server.hgetall(run.keys.reports).items()):
        report = merged.get(text(field).split("|", 1)[1])
        if report is None:
            continue
        data = json.loads(value)
        for counter in COUNTERS:
            setattr(report, counter, getattr(report, counter) + data[counter])
        for error in data["errors"]:
            if error not in report.errors:  # a request redone after a worker died
                report.error(error["url"], error["reason"])
    for field, value in run.server.hgetall(run.keys.methods).items():
        report = merged.get(text(field))
        if report is not None:
            report.method, report.discovery_urls = json.loads(value)
    return [report.as_dict() for report in merged.values()]
