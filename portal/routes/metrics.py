"""GET /metrics: crawl and article figures in the Prometheus text format, read from the database."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy.orm import Session

from models.health import operations_summary
from portal.routes.common import session

router = APIRouter(tags=["metrics"])

RUN_STATUSES = ("completed", "failed", "skipped", "running")


class _Snapshot:
    """A collector over one database read; every uvicorn worker reports the same figures."""

    def __init__(self, summary: dict):
        self.summary = summary

    def collect(self):
        s = self.summary
        yield CounterMetricFamily("howardshome_articles", "Articles stored", value=s["articles"])
        yield GaugeMetricFamily("howardshome_sources", "Sources in the catalog", value=s["sources"])
        yield GaugeMetricFamily(
            "howardshome_sources_failing",
            "Catalogued sources whose last crawl failed",
            value=s["sources_failing"],
        )
        runs = CounterMetricFamily(
            "howardshome_crawl_runs", "Crawl runs by status", labels=["status"]
        )
        for status in sorted(set(RUN_STATUSES) | set(s["runs_by_status"])):
            runs.add_metric([status], s["runs_by_status"].get(status, 0))
        yield runs
        yield GaugeMetricFamily(
            "howardshome_crawl_running", "1 while a crawl holds the lock", value=s["crawl_running"]
        )
        success = s["last_success_at"]
        yield GaugeMetricFamily(
            "howardshome_last_success_timestamp_seconds",
            "When the last completed crawl finished (Unix time; 0 if none)",
            value=success.timestamp() if success else 0,
        )
        last = s["last_run"]
        if last is None:
            return
        ended = last.finished_at or last.started_at
        yield GaugeMetricFamily(
            "howardshome_last_run_timestamp_seconds",
            "When the last finished crawl run ended (Unix time)",
            value=ended.timestamp(),
        )
        yield GaugeMetricFamily(
            "howardshome_last_run_duration_seconds",
            "How long the last finished crawl run took",
            value=(ended - last.started_at).total_seconds(),
        )
        yield GaugeMetricFamily(
            "howardshome_last_run_articles",
            "New articles stored by the last finished crawl run",
            value=last.articles_new,
        )
        yield GaugeMetricFamily(
            "howardshome_last_run_sources_failing",
            "Sources that failed in the last finished crawl run",
            value=last.sources_failed,
        )
        status = GaugeMetricFamily(
            "howardshome_last_run_status",
            "1 for the status of the last finished crawl run",
            labels=["status"],
        )
        for name in RUN_STATUSES[:3]:
            status.add_metric([name], 1 if last.status == name else 0)
        yield status


def _authorized(request: Request) -> bool:
    """No token configured: public. Otherwise the request must carry it as a bearer token
    (compared in constant time)."""
    token = request.app.state.settings.metrics_token
    if not token:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@router.get("/metrics", include_in_schema=False)
def show_metrics(request: Request, db: Annotated[Session, Depends(session)]) -> Response:
    if not _authorized(request):
        return Response(
            "metrics need 'Authorization: Bearer <HOWARDSHOME_METRICS_TOKEN>'\n",
            status_code=401,
            media_type="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(operations_summary(db)))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
