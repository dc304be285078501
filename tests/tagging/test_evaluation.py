"""The labeled evaluation set: quality floors and the set's own coverage."""

from pathlib import Path

from tagging.evaluate import evaluate, load_items

EVAL = Path(__file__).resolve().parents[2] / "tagging" / "eval"


def test_items_meet_quality_floor(tagger):
    report = evaluate(tagger, load_items(EVAL / "items.jsonl"))
    assert report.micro.f1 >= 0.85, report.format()
    assert min(c.f1 for c in report.themes.values()) >= 0.6, report.format()
    assert report.regions.recall >= 0.9, report.format()


def test_items_cover_every_theme(tagger):
    items = load_items(EVAL / "items.jsonl")
    assert len(items) >= 240
    assert sum(1 for i in items if not i["themes"]) >= 25
    for slug in tagger.theme_slugs:
        assert sum(slug in i["themes"] for i in items) >= 10, slug


def test_report_formats_a_table(tagger):
    report = evaluate(tagger, load_items(EVAL / "holdout.jsonl"))
    table = report.format()
    assert "micro" in table and "macro" in table and "energietransitie" in table


def test_unseen_set_is_well_formed(tagger):
    """The independent set (not tuned on): valid labels, press-release length, every theme."""
    items = load_items(EVAL / "unseen.jsonl")
    regions = {r.slug for r in tagger.region_matcher.regions}
    assert len(items) >= 150
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert set(item["themes"]) <= set(tagger.theme_slugs), item["id"]
        assert set(item["regions"]) <= regions, item["id"]
    assert sum(len(i["text"]) for i in items) / len(items) >= 400
    for slug in tagger.theme_slugs:
        assert sum(slug in i["themes"] for i in items) >= 8, slug
