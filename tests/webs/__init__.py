"""Fake webs for the test suite (served by fakeweb.server in a subprocess)."""
