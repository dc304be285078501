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


def test_long_articles_meet_quality_floor(tagger):
    """Long press releases and analyses (1,500-3,000 characters, written before tuning): side
    subjects with a paragraph of their own count, passing mentions after the lead do not."""
    items = load_items(EVAL / "long.jsonl")
    assert len(items) >= 60
    assert min(len(i["title"]) + len(i["text"]) for i in items) >= 1500
    for slug in tagger.theme_slugs:
        assert sum(slug in i["themes"] for i in items) >= 5, slug
    report = evaluate(tagger, items)
    assert report.micro.f1 >= 0.88, report.format()
    assert report.regions.recall >= 0.9, report.format()


def test_demo_articles_set_is_in_sync_and_meets_floor(tagger):
    """demo_long.jsonl is generated from the demo web (another author's labels)."""
    from tagging.eval.build_demo_set import demo_items, render

    assert (EVAL / "demo_long.jsonl").read_text(encoding="utf-8") == render(demo_items()), (
        "run tagging/eval/build_demo_set.py"
    )
    report = evaluate(tagger, demo_items())
    assert report.micro.f1 >= 0.80, report.format()
