"""Route modules: pages (HTML), feeds (RSS/Atom), api (JSON)."""
