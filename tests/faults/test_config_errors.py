"""Editors' mistakes in sources.yaml and themes.yaml: refused with file and line, none fetched."""

from __future__ import annotations

import json

from tests.conftest import ROOT, cli_env


def _sources(bases: dict[str, str], *extra: str) -> str:
    good = [
        "sources:",
        "  - id: rss2",
        "    name: Gemeente Testdorp",
        f"    url: {bases['rss2']}/",
        f"    feeds: [{bases['rss2']}/nieuws.rss]",
    ]
    return "\n".join(good + list(extra)) + "\n"


BROKEN_ENTRY = [  # lines 6-10: an ftp URL and a misspelt key
    "  - id: atom",
    "    name: Provincie Proefland",
    "    url: ftp://127.0.0.1/",
    "    feed: [http://127.0.0.1/feed.atom]",
    "    themes: [energietransitie]",
]


def _cases(bases: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """name -> (sources.yaml text, what stderr must say: 'LINE:' markers and messages)."""
    return {
        "syntax": (_sources(bases, "  - id: [broken", "    name: x"), [":7:", "YAML syntax"]),
        "entry": (_sources(bases, *BROKEN_ENTRY), [":8:", "url", ":9:", "feed"]),
        "duplicate": (
            _sources(bases, "  - id: rss2", "    name: Nog eens", f"    url: {bases['atom']}/"),
            [":6:", "duplicate id (first used at line 2)"],
        ),
        "region": (
            _sources(
                bases,
                "  - id: atom",
                "    name: P",
                f"    url: {bases['atom']}/",
                "    region: atlantis",
            ),  # fmt: skip
            [":9:", "unknown region 'atlantis'"],
        ),
        "theme hint": (
            _sources(
                bases,
                "  - id: atom",
                "    name: P",
                f"    url: {bases['atom']}/",
                "    themes: [energie-transitie]",
            ),  # fmt: skip
            [":9:", "unknown theme 'energie-transitie'", "did you mean 'energietransitie'"],
        ),
    }


def _articles(cli, env) -> list[dict]:
    result = cli(["export"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_invalid_sources_file_is_refused_before_any_request(cli, db_url, basic_web, tmp_path):
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    for name, (text, expected) in _cases(basic_web.sites).items():
        path = tmp_path / f"{name.replace(' ', '-')}.yaml"
        path.write_text(text, encoding="utf-8")
        before = len(basic_web.requests())
        result = cli(["crawl", "--sources", str(path)], env)
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert "invalid configuration" in result.stderr
        assert str(path) in result.stderr, name
        for part in expected:
            assert part in result.stderr, (name, part, result.stderr)
        assert len(basic_web.requests()) == before, f"{name}: something was fetched"
        # `sources check` reports the same problems.
        check = cli(["sources", "check", str(path), "--themes", str(ROOT / "themes.yaml")], env)
        assert check.returncode == 1 and expected[0] in check.stdout, (name, check.stdout)
    assert _articles(cli, env) == []


def test_invalid_themes_file_is_refused_even_with_skip_invalid(cli, db_url, basic_web, tmp_path):
    themes = (ROOT / "themes.yaml").read_text(encoding="utf-8").splitlines()
    line = themes.index("  - slug: klimaatadaptatie") + 2  # its label, 1-based
    assert themes[line - 1].strip().startswith("label:")
    themes[line - 1] = "    lable: Klimaatadaptatie"
    broken = tmp_path / "themes.yaml"
    broken.write_text("\n".join(themes) + "\n", encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(_sources(basic_web.sites), encoding="utf-8")
    env = cli_env(
        db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true", HOWARDSHOME_THEMES=str(broken)
    )
    before = len(basic_web.requests())
    for extra in ([], ["--skip-invalid"]):
        result = cli(["crawl", "--sources", str(sources), *extra], env)
        assert result.returncode == 1, result.stdout
        assert f"{broken}:{line}" in result.stderr, result.stderr
        assert "lable" in result.stderr
    assert len(basic_web.requests()) == before
    assert _articles(cli, env) == []


def test_skip_invalid_crawls_only_the_valid_entries(cli, db_url, basic_web, tmp_path):
    text, expected = _cases(basic_web.sites)["entry"]
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    result = cli(["crawl", "--sources", str(path), "--skip-invalid"], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"skipped (--skip-invalid): {path}{expected[0]}" in result.stderr, result.stderr
    articles = _articles(cli, env)
    assert {a["source"] for a in articles} == {"rss2"}
    assert len(articles) == 4
    # A syntax error cannot be skipped: nothing is known to be valid.
    syntax, _ = _cases(basic_web.sites)["syntax"]
    path.write_text(syntax, encoding="utf-8")
    refused = cli(["crawl", "--sources", str(path), "--skip-invalid"], env)
    assert refused.returncode == 1 and "YAML syntax" in refused.stderr
