"""Item pipelines: extract -> dedupe -> store (tagging runs inside extraction workers)."""
