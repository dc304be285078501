"""Catalog validation: each common editor mistake is reported with its file, line and entry."""

from __future__ import annotations

import textwrap

import pytest

from models.catalog import check_files, check_sources, load_catalog
from models.errors import ConfigError

THEMES = {"energietransitie", "klimaatadaptatie", "omgevingswet"}
REGIONS = {
    "gemeente-utrecht": {
        "slug": "gemeente-utrecht",
        "kind": "gemeente",
        "province": "provincie-utrecht",
    },
    "provincie-utrecht": {"slug": "provincie-utrecht", "kind": "provincie", "province": ""},
}

GOOD = """\
sources:
  - id: gemeente-utrecht
    name: Gemeente Utrecht
    url: https://www.utrecht.nl
    type: gemeente
    region: gemeente-utrecht
    province: provincie-utrecht
    themes: [energietransitie]
  - id: pbl
    name: Planbureau voor de Leefomgeving
    url: https://www.pbl.nl
    feeds:
      - https://www.pbl.nl/rss.xml
"""

# (case, file text, [(line, entry, words in the message)])
MISTAKES = [
    (
        "tab indentation",
        "sources:\n  - id: pbl\n\tname: PBL\n    url: https://www.pbl.nl\n",
        [(3, "source 'pbl'", "tab")],
    ),
    (
        "duplicate id",
        GOOD + "  - id: pbl\n    name: PBL again\n    url: https://pbl.nl\n",
        [(14, "source 'pbl'", "duplicate id (first used at line 9)")],
    ),
    (
        "unknown key",
        GOOD.replace("    feeds:\n", "    feed:\n"),
        [
            (
                12,
                "source 'pbl'",
                "unknown key 'feed' (did you mean 'feeds'?); allowed keys: id, name",
            )
        ],
    ),
    (
        "bad URL",
        GOOD.replace("url: https://www.pbl.nl", "url: www.pbl.nl"),
        [(11, "source 'pbl'", "not an http(s) URL: 'www.pbl.nl'")],
    ),
    (
        "bad feed URL",
        GOOD.replace("https://www.pbl.nl/rss.xml", "htps://www.pbl.nl/rss.xml"),
        [(13, "source 'pbl'", "feeds item 1: not an http(s) URL")],
    ),
    (
        "unknown theme",
        GOOD.replace("[energietransitie]", "[energietransitie, klimaat-adaptatie]"),
        [(8, "source 'gemeente-utrecht'", "unknown theme 'klimaat-adaptatie'; did you mean")],
    ),
    (
        "duplicate key",
        GOOD.replace("    type: gemeente\n", "    type: gemeente\n    url: https://utrecht.nl\n"),
        [(6, "source 'gemeente-utrecht'", "duplicate key 'url' (first at line 4)")],
    ),
    (
        "bad regex",
        GOOD + "    include: ['/nieuws/(']\n",
        [(14, "source 'pbl'", "not a valid regular expression '/nieuws/('")],
    ),
    (
        "unknown region",
        GOOD.replace("region: gemeente-utrecht", "region: gemeente-utreht"),
        [(6, "source 'gemeente-utrecht'", "unknown region 'gemeente-utreht'")],
    ),
    (
        "unknown province",
        GOOD.replace("province: provincie-utrecht", "province: utrecht"),
        [(7, "source 'gemeente-utrecht'", "unknown province 'utrecht'")],
    ),
    (
        "missing name",
        GOOD.replace("    name: Planbureau voor de Leefomgeving\n", ""),
        [(9, "source 'pbl'", "name: required key is missing")],
    ),
    (
        "id not a slug",
        GOOD.replace("id: pbl", "id: PBL Den Haag"),
        [(9, "source 'PBL Den Haag'", "must be a slug")],
    ),
    (
        "unknown type",
        GOOD.replace("type: gemeente", "type: municipality"),
        [(5, "source 'gemeente-utrecht'", "got 'municipality'")],
    ),
    (
        "YAML syntax",
        GOOD.replace("    name: Gemeente Utrecht\n", "    name: [Gemeente Utrecht\n"),
        [(4, "source 'gemeente-utrecht'", "YAML syntax error")],
    ),
    (
        "two bad entries",
        GOOD.replace("url: https://www.utrecht.nl", "url: utrecht.nl").replace("feeds:", "feedz:"),
        [(4, "source 'gemeente-utrecht'", "not an http(s) URL"), (12, "source 'pbl'", "'feedz'")],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_reported_with_line_and_entry(tmp_path, case, text, expected):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_sources(path, THEMES, REGIONS)
    assert [(p.line, p.entry) for p in problems] == [(line, entry) for line, entry, _ in expected]
    for problem, (_, _, words) in zip(problems, expected, strict=True):
        assert problem.file == str(path)
        assert words in problem.message
        assert f"{path}:{problem.line}: {problem.entry}:" in str(problem)


def test_good_file_has_no_problems_and_loads(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert check_sources(path, THEMES, REGIONS) == []
    catalog = load_catalog(path, THEMES)
    assert [s.id for s in catalog.sources] == ["gemeente-utrecht", "pbl"]
    assert catalog.by_id()["pbl"].type == "overig"


def test_load_catalog_raises_every_problem(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(MISTAKES[-1][1], encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_catalog(path)
    assert [p.line for p in caught.value.problems] == [4, 12]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a mapping with a 'sources' list"),
        ("- id: a\n", "expected a mapping with a 'sources' list"),
        ("source:\n  - id: a\n", "unknown key 'source' (did you mean 'sources'?)"),
    ],
)
def test_wrong_top_level(tmp_path, text, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    assert any(message in p.message for p in check_sources(path))


def test_missing_file_is_a_problem(tmp_path):
    [problem] = check_sources(tmp_path / "nope.yaml")
    assert problem.message == "file not found"


THEMES_YAML = """\
themes:
  - slug: energietransitie
    label: Energietransitie
    axis: transitie
    description: Warmte, elektriciteit, besparing.
    terms: {warmtenet: 3}
  - slug: klimaatadaptatie
    label: Klimaatadaptatie
    axis: transitie
    description: Hitte, droogte, wateroverlast.
    terms: {hittestress: 3}
"""


def test_check_files_reports_both_files(tmp_path):
    sources = tmp_path / "sources.yaml"
    themes = tmp_path / "themes.yaml"
    sources.write_text(GOOD.replace("[energietransitie]", "[omgevingswet]"), encoding="utf-8")
    themes.write_text(
        THEMES_YAML.replace(
            "    label: Klimaatadaptatie\n", "    label: Klimaatadaptatie\n    colour: blue\n"
        ),
        encoding="utf-8",
    )
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "slug,name,kind,province,aliases\n"
        "gemeente-utrecht,Utrecht,gemeente,provincie-utrecht,\n"
        "provincie-utrecht,Utrecht,provincie,,\n",
        encoding="utf-8",
    )
    problems = check_files(sources, themes, regions)
    assert [(p.file, p.line) for p in problems] == [(str(themes), 9), (str(sources), 8)]
    assert "unknown key 'colour'" in problems[0].message
    assert "unknown theme 'omgevingswet'" in problems[1].message


def test_check_files_without_region_register(tmp_path):
    sources = tmp_path / "sources.yaml"
    themes = tmp_path / "themes.yaml"
    sources.write_text(
        GOOD.replace("region: gemeente-utrecht", "region: nowhere"), encoding="utf-8"
    )
    themes.write_text(THEMES_YAML, encoding="utf-8")
    assert check_files(sources, themes, tmp_path / "absent.csv") == []
    assert check_files(sources, themes, None) == []


def test_tab_in_themes_file_names_the_theme(tmp_path):
    themes = tmp_path / "themes.yaml"
    themes.write_text(THEMES_YAML.replace("    axis: transitie\n", "\taxis: transitie\n", 1))
    sources = tmp_path / "sources.yaml"
    sources.write_text(GOOD, encoding="utf-8")
    problems = check_files(sources, themes, None)
    assert [(p.file, p.line, p.entry) for p in problems] == [
        (str(themes), 4, "theme 'energietransitie'")
    ]
    assert "tab" in problems[0].message


def test_messages_are_plain_english(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(MISTAKES[3][1]), encoding="utf-8")
    [problem] = check_sources(path)
    assert "Value error" not in problem.message
