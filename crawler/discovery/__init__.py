"""How a source's article URLs are found: feeds, sitemaps, listing pages and autodiscovery."""
