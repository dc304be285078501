"""Per-source bookkeeping during a run: how it was read, what was seen, what failed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class SourceReport:
    source_id: str
    method: str | None = None
    discovery_urls: list[str] = field(default_factory=list)
    discovery_ok: int = 0
    discovery_failed: int = 0
    not_modified: int = 0
    urls_seen: int = 0
    requested: int = 0
    new_articles: int = 0
    skipped: int = 0
    deferred: int = 0  # new article URLs left for the next run (per-source limit)
    errors: list[dict] = field(default_factory=list)

    def error(self, url: str, reason: str) -> None:
        if len(self.errors) < 200:
            self.errors.append({"url": url, "reason": reason})

    @property
    def status(self) -> str:
        if self.discovery_failed and not self.discovery_ok:
            return "error"
        if not self.discovery_ok and not self.discovery_failed:
            return "error"
        return "ok"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["status"] = self.status
        if self.status == "error" and not self.errors:
            data["errors"] = [{"url": None, "reason": "no feed, sitemap or listing found"}]
        return data
