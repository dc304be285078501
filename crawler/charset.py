"""Decode an HTML page whose declared charset is wrong (utf-8 called windows-1252, or back)."""

from __future__ import annotations

import codecs

from scrapy.http import TextResponse

SINGLE_BYTE = {"cp1252", "iso8859_1", "iso8859_15", "ascii"}


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name.replace("-", "_") if name else None
    except LookupError:
        return None


def page_text(response: TextResponse) -> str:
    """The page as text, trusting the bytes over a declaration they contradict.

    Valid UTF-8 with non-ASCII characters is practically never legacy text, so it wins over a
    declared single-byte charset; bytes that are not UTF-8 although declared so are read as
    windows-1252 (a superset of latin-1, what such pages almost always are).
    """
    body = response.body
    declared = _codec(response.encoding)
    try:
        as_utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        if declared == "utf_8":
            return body.decode("cp1252", errors="replace")
        return response.text
    if declared in SINGLE_BYTE and not body.isascii():
        return as_utf8.removeprefix("\ufeff")
    return response.text
