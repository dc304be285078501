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
