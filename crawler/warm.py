"""Imported by the extraction fork server only: builds once what every worker would build lazily.

htmldate hands date strings it cannot read itself to dateparser, with no language given. dateparser
then tries its locales one after another, compiling each locale's regular expressions the first
time it is tried; a string no locale reads sweeps all of them. A fresh process paid that (2-5 s of
CPU) within its first few hundred pages, and every extraction worker is a fresh process. Done here
once, before the workers are forked, each worker starts with it built, and `gc.freeze()` keeps the
workers' collector from walking (and so copying) what they inherit. Extraction results do not
change: the same parser is used, only earlier.

The server and its workers keep the crawler's priority. A lower one (niceness +10) was tried and
dropped: under other load, a worker then got a tenth of a core, and the extraction timeout (wall
time) cut off healthy pages.
"""

from __future__ import annotations

import gc
import logging

from crawler.extract import extract

log = logging.getLogger(__name__)

# A string no locale reads: dateparser tries (and so builds) every one of them.
_SWEEP = "zzqx 12 qqzx 1999"
# A small article page through the whole pipeline: loads what trafilatura builds on first use.
_PAGE = (
    "<html lang='nl'><head><title>Nieuwe fietsroute door het centrum</title></head><body>"
    "<nav><a href='/'>Home</a></nav><main><article><h1>Nieuwe fietsroute door het centrum</h1>"
    "<p class='datum'>Gepubliceerd op 3 maart 2024</p>"
    + "<p>De gemeente legt dit voorjaar een nieuwe fietsroute aan tussen het station en de "
    "binnenstad. Bewoners konden in de wijkraad meepraten over het ontwerp.</p>"
    * 6
    + "</article></main><footer>Contact</footer></body></html>"
)


def warm_up() -> None:
    """Never fatal: a library that changed its internals only makes the workers start cold."""
    try:
        from htmldate.extractors import get_external_parser

        parser = get_external_parser()
        for text in ("3 maart 2024", _SWEEP):
            parser.get_date_data(text)
        extract(_PAGE, "http://example.invalid/nieuws/fietsroute")
    except Exception as exc:  # noqa: BLE001 - warming is an optimisation only
        log.warning("extraction workers start cold: warming up failed: %r", exc)
    gc.collect()
    gc.freeze()


warm_up()
