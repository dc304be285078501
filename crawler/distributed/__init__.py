"""Distributed crawl: one run's requests and state in Redis (scrapy-redis), many workers."""
