"""Jinja filters for Dutch dates and labels."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

AMS = ZoneInfo("Europe/Amsterdam")
MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
]  # fmt: skip
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]

SOURCE_TYPES = {
    "gemeente": "gemeente",
    "provincie": "provincie",
    "waterschap": "waterschap",
    "ministerie": "ministerie",
    "rijksoverheid": "rijksoverheid",
    "planbureau": "planbureau",
    "adviesraad": "adviesraad",
    "uitvoeringsorganisatie": "uitvoeringsorganisatie",
    "koepel": "koepelorganisatie",
    "regio": "regio",
    "vakpers": "vakpers",
    "overig": "overig",
}


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(AMS) if value else None


def dutch_date(value: datetime | None) -> str:
    if value is None:
        return ""
    v = value.astimezone(AMS)
    return f"{v.day} {MONTHS[v.month - 1]} {v.year}"


def dutch_day(value) -> str:
    return f"{DAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def http_url(value: str | None) -> str:
    """The URL when it is http(s), else "": crawled URLs are hostile input (javascript:, data:)."""
    url = (value or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


def selected(options: Markup, value: str | None) -> Markup:
    """Prerendered <option>s with the one whose value is `value` marked selected."""
    if not value:
        return options
    needle = str(Markup(' value="{}">').format(value))
    return Markup(str(options).replace(needle, needle[:-1] + " selected>", 1))


def register(env) -> None:
    env.filters["selected"] = selected
    env.filters["http_url"] = http_url
    env.filters["dutch_date"] = dutch_date
    env.filters["dutch_day"] = dutch_day
    env.filters["source_type"] = lambda t: SOURCE_TYPES.get(t or "overig", t)
    env.filters["iso"] = lambda v: v.isoformat() if v else ""
