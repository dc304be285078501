"""Scrapy components the crawler leaves out are not even imported: some imports are heavy."""

from __future__ import annotations

import subprocess
import sys

from scrapy.settings import Settings as ScrapySettings

from crawler.settings import UNUSED, scrapy_settings
from models.settings import Settings

KINDS = {"dm": "DOWNLOADER_MIDDLEWARES", "sm": "SPIDER_MIDDLEWARES", "ext": "EXTENSIONS"}

# Run in a fresh interpreter: this test process may have imported anything already.
PROBE = """
import sys
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from crawler.settings import scrapy_settings
from models.settings import Settings
settings = ScrapySettings(scrapy_settings(Settings()))
for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS"):
    for path in build_component_list(settings.getwithbase(name)):  # what Scrapy's managers do
        load_object(path)
print(" ".join(m for m in ("tldextract", "aiohttp", "scrapy.downloadermiddlewares.cookies",
                           "scrapy.extensions.remote_control") if m in sys.modules))
"""


def test_left_out_components_are_not_in_the_resolved_lists():
    settings = ScrapySettings(scrapy_settings(Settings()))
    for kind, name in KINDS.items():
        resolved = settings.getwithbase(name)
        assert not set(resolved) & UNUSED[kind], name
    assert "scrapy.downloadermiddlewares.retry.RetryMiddleware" in settings.getwithbase(
        "DOWNLOADER_MIDDLEWARES"
    )
    assert "scrapy.extensions.corestats.CoreStats" in settings.getwithbase("EXTENSIONS")


def test_resolving_the_components_imports_none_of_the_left_out_ones():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
