"""FastAPI portal: pages, feeds and a JSON API over the database (read-only)."""
