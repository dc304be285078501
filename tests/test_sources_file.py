"""The real sources.yaml: valid, complete and consistent with the region register."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from models.catalog import check_sources, load_catalog, read_regions
from tests.conftest import THEME_SLUGS, shared_dir

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources.yaml"
REGIONS = ROOT / "tagging" / "data" / "regions.csv"
THEMES = set(THEME_SLUGS)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(SOURCES, THEMES)


@pytest.fixture(scope="module")
def register():
    with open(REGIONS, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_file_has_no_problems_at_all():
    assert [str(p) for p in check_sources(SOURCES, THEMES, read_regions(REGIONS))] == []


def test_theme_hints_are_known_to_themes_yaml():
    themes_yaml = ROOT / "themes.yaml"
    from models.catalog import check_themes

    known, problems = check_themes(themes_yaml)
    assert problems == []
    assert known is not None and THEMES <= known
    assert check_sources(SOURCES, known) == []


def test_at_least_400_sources_with_unique_ids(catalog):
    ids = [s.id for s in catalog.sources]
    assert len(ids) >= 400
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_urls_are_well_formed_and_feeds_not_shared(catalog):
    feeds = Counter(f for s in catalog.sources for f in s.feeds)
    assert [f for f, n in feeds.items() if n > 1] == []
    for source in catalog.sources:
        for url in [source.url, *source.feeds, *source.sitemaps, *source.listings]:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https"), (source.id, url)
            assert "." in parts.hostname, (source.id, url)
            assert "feeds.rijksoverheid.nl" not in parts.hostname, (source.id, url)


@pytest.mark.parametrize(
    ("kind", "count"), [("gemeente", 342), ("provincie", 12), ("waterschap", 21)]
)
def test_every_region_of_the_register_is_a_source(catalog, register, kind, count):
    expected = {row["slug"]: row for row in register if row["kind"] == kind}
    assert len(expected) == count
    sources = {s.id: s for s in catalog.sources if s.type == kind}
    assert sorted(sources) == sorted(expected)
    for slug, row in expected.items():
        source = sources[slug]
        assert source.region == slug
        assert source.province == (slug if kind == "provincie" else row["province"])


def test_every_source_of_a_province_has_one(catalog):
    provinces = {s.id for s in catalog.sources if s.type == "provincie"}
    for source in catalog.sources:
        if source.type in ("gemeente", "provincie", "waterschap"):
            assert source.province in provinces, source.id
        elif source.province is not None:
            assert source.province in provinces, source.id


def test_national_sources_are_there(catalog):
    by_id = catalog.by_id()
    for ident in ("vng", "ipo", "unie-van-waterschappen", "pbl", "cpb", "scp", "rob", "wrr", "rli"):
        assert ident in by_id
    ministries = [s for s in catalog.sources if s.type == "ministerie"]
    assert len(ministries) == 12
    rss = [f for s in catalog.sources for f in s.feeds if "rijksoverheid.nl/api/rss?query=" in f]
    assert len(rss) >= 10
    assert "klimaatadaptatie" in by_id["unie-van-waterschappen"].themes
    assert len([s for s in catalog.sources if s.type == "vakpers"]) >= 5


REGISTER = shared_dir() / "data" / "orgs" / "overheidsorganisaties_2023-09.csv"


@pytest.mark.skipif(not REGISTER.exists(), reason="the register lives outside the repository")
def test_regenerating_keeps_the_file_and_editors_additions(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "sources.yaml"
    added = "  - id: editors-own\n    name: Added by hand\n    url: https://example.org\n"
    out.write_text(SOURCES.read_text(encoding="utf-8") + added, encoding="utf-8")
    script = ROOT / "tools" / "build_sources.py"
    run = subprocess.run(
        [sys.executable, str(script), "--out", str(out), "--register", str(REGISTER)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8") == SOURCES.read_text(encoding="utf-8") + added
