"""Dutch article text for test webs, built from sentences per subject (deterministic)."""

from __future__ import annotations

SUBJECTS = {
    "energie": [
        "De gemeenteraad stemde in met het warmteplan voor de wijk, waarmee 1.200 woningen "
        "voor 2030 aardgasvrij worden.",
        "Netbeheerder en gemeente zoeken samen naar oplossingen voor de netcongestie op het "
        "bedrijventerrein.",
        "Het college wil de zonneweide langs de rijksweg uitbreiden en bewoners laten meedelen "
        "in de opbrengst via een energiecoöperatie.",
        "De regionale energiestrategie (RES) vraagt om meer windturbines dan eerder gepland.",
        "Woningeigenaren krijgen subsidie voor isolatie en een warmtepomp.",
    ],
    "klimaat": [
        "Het waterschap legt extra waterbergingen aan om wateroverlast bij hevige regenval te "
        "voorkomen.",
        "Uit de klimaatstresstest blijkt dat de binnenstad kwetsbaar is voor hittestress.",
        "Bewoners worden gestimuleerd hun tuin te vergroenen en tegels te vervangen door planten.",
        "De dijkversterking langs de rivier start volgend jaar en kost 80 miljoen euro.",
    ],
    "financien": [
        "De begroting sluit met een tekort van 4 miljoen euro door hogere kosten in de jeugdzorg.",
        "De wethouder financiën waarschuwt voor het ravijnjaar nu de uitkering uit het "
        "gemeentefonds daalt.",
        "De raad wil de onroerendezaakbelasting met maximaal drie procent verhogen.",
        "Het weerstandsvermogen blijft voldoende, concludeert de provinciaal toezichthouder.",
    ],
    "sociaal": [
        "Het aantal aanvragen voor Wmo-voorzieningen steeg vorig jaar met twaalf procent.",
        "De gemeente opent een wijkteam waar inwoners terechtkunnen met vragen over zorg, "
        "schulden en werk.",
        "Jeugdhulpaanbieders en gemeente maken nieuwe afspraken over wachtlijsten.",
        "Mantelzorgers krijgen meer ondersteuning via een nieuw respijtzorgprogramma.",
    ],
    "digitaal": [
        "De gemeente investeert in informatiebeveiliging na een reeks phishingaanvallen.",
        "Met een algoritmeregister maakt de provincie zichtbaar waar zij algoritmen inzet.",
        "Inwoners kunnen hun paspoort voortaan digitaal aanvragen via de vernieuwde website.",
        "De data-gedreven aanpak helpt het sociaal domein om problemen eerder te signaleren.",
    ],
    "overig": [
        "De historische molen aan de rand van het dorp is na een restauratie weer open voor "
        "bezoekers.",
        "Het jaarlijkse zomerfestival trok ruim twintigduizend bezoekers naar het park.",
        "De bibliotheek verlengt haar openingstijden in het weekend.",
        "Een nieuwe wandelroute voert langs de mooiste boerderijen van de streek.",
    ],
}

FILLER = [
    "Dat maakte de gemeente deze week bekend.",
    "Het besluit volgt op maanden van overleg met inwoners, ondernemers en maatschappelijke "
    "organisaties.",
    "Volgens de verantwoordelijke bestuurder is de aanpak nodig om de komende jaren goed "
    "voorbereid te zijn.",
    "Meer informatie staat op de website, waar ook de stukken voor de raadsvergadering te "
    "vinden zijn.",
    "De uitvoering begint in het voorjaar en duurt naar verwachting twee jaar.",
]


NAMES = [
    "De Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "De Boer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Van Dijk",
    "Willems",
]
PLACES = [
    "het centrum",
    "de noordelijke wijken",
    "het havengebied",
    "de dorpskernen",
    "het stationsgebied",
    "de nieuwbouwwijk",
    "het buitengebied",
    "de binnenstad",
]
MONTHS = ["januari", "maart", "mei", "juli", "september", "november"]


def _unique_sentence(seed: int, p: int) -> str:
    """A sentence that differs per article, so distinct articles never look like copies."""
    n = seed * 31 + p * 7
    return (
        f"Wethouder {NAMES[n % len(NAMES)]} lichtte in {MONTHS[n % len(MONTHS)]} toe dat "
        f"{PLACES[(n // 3) % len(PLACES)]} als eerste aan de beurt is, met een budget van "
        f"{100 + n % 900} duizend euro en {3 + n % 40} betrokken partners. "
        f"Bewonersavond nummer {n % 17 + 1} vindt plaats op {1 + n % 28} {MONTHS[(n // 5) % 6]}."
    )


def body(subject: str, seed: int, paragraphs: int = 4) -> list[str]:
    """Paragraphs of Dutch news text on a subject; `seed` makes each article's text its own."""
    sentences = SUBJECTS[subject]
    result = []
    for p in range(paragraphs):
        parts = [
            _unique_sentence(seed, p),
            sentences[(seed + p) % len(sentences)],
            FILLER[(seed * 3 + p) % len(FILLER)],
            _unique_sentence(seed + 101, p),
        ]
        result.append(" ".join(parts))
    return result
