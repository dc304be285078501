"""Scrapy crawler: spiders discover article URLs, pipelines extract, dedupe, tag and store."""
