"""Write demo_long.jsonl from the demo web's articles, so the set stays in sync with demo.yaml.

Each article becomes one item: text = lead + blank line + body paragraphs, labels = its
`themes` and `regions`. Run: `.venv/bin/python tagging/eval/build_demo_set.py`.
"""

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "fakeweb" / "content" / "demo.yaml"
OUT = Path(__file__).resolve().parent / "demo_long.jsonl"


def demo_items(path: Path = DEMO) -> list[dict]:
    """One labeled item per demo article, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for site in data["sites"]:
        for article in site.get("articles") or []:
            paragraphs = [article.get("lead") or "", *(article.get("body") or [])]
            items.append(
                {
                    "id": f"{site['key']}/{article['slug']}",
                    "title": article["title"],
                    "text": "\n\n".join(p for p in paragraphs if p),
                    "themes": list(article.get("themes") or []),
                    "regions": list(article.get("regions") or []),
                }
            )
    return items


def render(items: list[dict]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def main() -> int:
    OUT.write_text(render(demo_items()), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
