"""OPML import and export of the source list, and appending new entries to sources.yaml as text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

import yaml
from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from models.catalog import SLUG, Catalog, Source, SourceType, check_sources
from models.errors import ConfigError, Problem

_TYPES: tuple[str, ...] = SourceType.__args__  # type: ignore[attr-defined]


def slugify(text: str) -> str:
    """Lowercase ASCII slug: diacritics removed, runs of other characters become one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _feed_key(url: str) -> str:
    """Compare feed URLs loosely: scheme, host case, `www.` and a trailing slash do not count."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


def _unique(base: str, taken: set[str]) -> str:
    base = base or "bron"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    taken.add(ident)
    return ident


def _parse(path_or_text: str | Path) -> Element:
    text = str(path_or_text)
    if isinstance(path_or_text, Path) or not text.lstrip().startswith("<"):
        text = Path(path_or_text).read_text(encoding="utf-8")
    try:
        return SafeET.fromstring(text.encode("utf-8"))
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ConfigError(
            [Problem(str(path_or_text)[:80], None, None, f"not OPML: {exc}")]
        ) from None


def import_opml(path_or_text: str | Path, existing: Catalog) -> list[dict[str, Any]]:
    """New source entries for the feed outlines of an OPML file.

    Outlines with the same title and homepage become one source with several feeds (as
    `export_opml` writes a source with several feeds). Feeds already in `existing` are skipped;
    ids are slugs of the titles, made unique against the existing ids. A parent outline named after
    a source type (as `export_opml` groups them) sets the type.
    """
    root = _parse(path_or_text)
    known_feeds = {_feed_key(f) for s in existing.sources for f in s.feeds}
    taken = {s.id for s in existing.sources}
    grouped: dict[tuple[str, str], dict[str, Any]] = {}

    def visit(node: Element, source_type: str | None) -> None:
        for outline in node.findall("outline"):
            label = (outline.get("text") or outline.get("title") or "").strip()
            feed = (outline.get("xmlUrl") or "").strip()
            if not feed:
                visit(outline, label.lower() if label.lower() in _TYPES else source_type)
                continue
            if not re.match(r"^https?://", feed) or _feed_key(feed) in known_feeds:
                continue
            known_feeds.add(_feed_key(feed))
            parts = urlsplit(feed)
            home = (outline.get("htmlUrl") or "").strip() or f"{parts.scheme}://{parts.netloc}/"
            name = (outline.get("title") or outline.get("text") or parts.netloc).strip()
            key = (name, home)
            if key in grouped:
                grouped[key]["feeds"].append(feed)
                continue
            entry: dict[str, Any] = {"id": "", "name": name, "url": home, "feeds": [feed]}
            if source_type:
                entry["type"] = source_type
            grouped[key] = entry

    body = root.find("body")
    visit(body if body is not None else root, None)
    for entry in grouped.values():
        entry["id"] = _unique(slugify(entry["name"]), taken)
    return list(grouped.values())


def export_opml(catalog: Catalog, title: str = "HowardsHome sources") -> str:
    """OPML 2.0 with one outline per feed URL, grouped by source type."""
    opml = Element("opml", version="2.0")
    SubElement(SubElement(opml, "head"), "title").text = title
    body = SubElement(opml, "body")
    by_type: dict[str, list[Source]] = {}
    for source in catalog.sources:
        if source.feeds:
            by_type.setdefault(source.type, []).append(source)
    for source_type in _TYPES:
        if source_type not in by_type:
            continue
        group = SubElement(body, "outline", text=source_type, title=source_type)
        for source in by_type[source_type]:
            for feed in source.feeds:
                SubElement(
                    group,
                    "outline",
                    type="rss",
                    text=source.name,
                    title=source.name,
                    xmlUrl=feed,
                    htmlUrl=source.url,
                )
    xml = tostring(opml, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


# --- appending entries to sources.yaml as text --------------------------------------------------

_FIELD_ORDER = {name: pos for pos, name in enumerate(Source.model_fields)}


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def dump_entries(entries: Iterable[Mapping[str, Any]], indent: int = 2) -> str:
    """YAML text of source entries as list items indented by `indent`, keys in schema order."""
    pad = " " * indent
    out: list[str] = []
    for entry in entries:
        keys = sorted(entry, key=lambda k: _FIELD_ORDER.get(k, len(_FIELD_ORDER)))
        for pos, key in enumerate(keys):
            value = entry[key]
            lead = f"{pad}- " if pos == 0 else f"{pad}  "
            if (
                isinstance(value, list)
                and value
                and all(isinstance(v, str) and re.match(SLUG, v) for v in value)
            ):
                out.append(f"{lead}{key}: [{', '.join(value)}]")
            elif isinstance(value, list) and value:
                out.append(f"{lead}{key}:")
                out += [f"{pad}    - {_scalar(v)}" for v in value]
            else:
                out.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(out) + "\n" if out else ""


def _item_indent(text: str) -> int:
    """Indentation of the list items under `sources:` (the last one wins)."""
    indents = re.findall(r"^( *)- ", text, flags=re.MULTILINE)
    return len(indents[-1]) if indents else 2


def append_to_sources(
    path: str | Path, entries: Sequence[Mapping[str, Any]], comment: str = ""
) -> str:
    """Append entries to the end of sources.yaml as text, keeping its comments and order.

    The result is checked before it is written: the file must still be valid and hold the new
    entries under `sources:` (so `sources:` has to be the file's last top-level key). Returns the
    text appended; raises ConfigError and leaves the file untouched otherwise.
    """
    target = Path(path)
    old = target.read_text(encoding="utf-8")
    if not entries:
        return ""
    block = dump_entries(entries, _item_indent(old))
    if comment:
        block = f"{' ' * _item_indent(old)}# {comment}\n{block}"
    new = (old if old.endswith("\n") or not old else old + "\n") + block
    scratch = target.with_name(f".{target.name}.new")
    scratch.write_text(new, encoding="utf-8")
    try:
        problems = check_sources(scratch)
        if not problems:
            data = yaml.safe_load(new)
            ids = [s.get("id") for s in data["sources"] if isinstance(s, dict)]
            if ids[-len(entries) :] != [e["id"] for e in entries]:
                problems = [
                    Problem(str(path), None, None, "sources must be the last top-level key")
                ]
        if problems:
            raise ConfigError([Problem(str(path), p.line, p.entry, p.message) for p in problems])
        scratch.replace(target)
    finally:
        scratch.unlink(missing_ok=True)
    return block
