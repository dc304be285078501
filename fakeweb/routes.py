"""What a fake site answers: plain responses and the faults real sites produce."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Route:
    """One URL path of a fake site.

    `behaviour` picks a fault: "" (plain), "slow" (sleeps `delay` seconds before answering),
    "hang" (logs the request, then holds the connection `delay` seconds and closes it unanswered),
    "reset" (closes the connection without answering), "huge" (streams `size` bytes of HTML),
    "bomb" (a gzip body that inflates to `size` bytes), "redirect-loop", "throttle-once" (the
    first request gets 429 with Retry-After `delay` seconds, later ones the route), "truncate"
    (announces twice the body's length, sends the body and closes the connection).
    """

    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    behaviour: str = ""
    delay: float = 0.0
    size: int = 0
    # Answer 304 when the client sends matching validators (conditional GET).
    etag: str | None = None
    last_modified: str | None = None

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


def html(body: str, **kwargs) -> Route:
    return Route(body=body, **kwargs)


def xml(body: str, content_type: str = "application/rss+xml; charset=utf-8", **kwargs) -> Route:
    return Route(body=body, content_type=content_type, **kwargs)


# A web: site key -> path (with query string, if any) -> Route
Web = dict[str, dict[str, Route]]
