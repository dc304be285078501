"""feedparser's own ill-formed and wrongly encoded test feeds, each served as one source's feed.

Read from ../shared/realweb/feedparser-tests when it is there (never copied into the repo).
Each file's `Header: Content-type: ...` comment, if any, becomes its Content-Type.
"""

from __future__ import annotations

import re
from pathlib import Path

from fakeweb.routes import Route, Web
from tests.conftest import shared_dir

DIR = shared_dir() / "realweb" / "feedparser-tests"
KINDS = ("illformed", "encoding")
SITES = ["feeds"]


def files() -> list[Path]:
    return sorted(p for kind in KINDS for p in (DIR / kind).rglob("*.xml"))


def source_id(path: Path) -> str:
    rel = path.relative_to(DIR).with_suffix("").as_posix()
    return re.sub(r"[^a-z0-9]+", "-", rel.lower()).strip("-")


def _content_type(raw: bytes) -> str:
    match = re.search(rb"Header:\s*Content-type:\s*([^\r\n]+)", raw[:600], re.IGNORECASE)
    return match.group(1).decode("latin-1").strip() if match else "application/xml"


def build(bases: dict[str, str]) -> Web:
    routes = {"/robots.txt": Route("User-agent: *\nDisallow:\n", content_type="text/plain")}
    for path in files():
        raw = path.read_bytes()
        routes[f"/{source_id(path)}.xml"] = Route(raw, content_type=_content_type(raw))
    return {"feeds": routes}


def sources_yaml(bases: dict[str, str]) -> str:
    lines = ["sources:"]
    base = bases["feeds"]
    # The test feeds link to example.org and the like: only links back to the fake web may be
    # followed, so the crawl never leaves loopback (not even for a DNS lookup).
    only_here = "'^" + re.escape(base + "/").replace("'", "''") + "'"
    for path in files():
        key = source_id(path)
        lines += [f"  - id: {key}", f"    name: {key}", f"    url: {base}/",
                  f"    feeds: [{base}/{key}.xml]", f"    include: [{only_here}]"]  # fmt: skip
    return "\n".join(lines) + "\n"
