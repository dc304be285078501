"""Rebuild regions.csv from the government organisations register (developer tool, not imported).

Usage: python -m tagging.data.build_regions ../shared/data/orgs/overheidsorganisaties_2023-09.csv
The register has no province column, so the province of every municipality is listed here.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from tagging.text import slugify

PROVINCE_MEMBERS = {
    "Groningen": """
        Eemsdelta; Groningen; Het Hogeland; Midden-Groningen; Oldambt; Pekela; Stadskanaal;
        Veendam; Westerkwartier; Westerwolde""",
    "Fryslân": """
        Achtkarspelen; Ameland; Dantumadiel; De Fryske Marren; Harlingen; Heerenveen; Leeuwarden;
        Noardeast-Fryslân; Ooststellingwerf; Opsterland; Schiermonnikoog; Smallingerland;
        Súdwest-Fryslân; Terschelling; Tytsjerksteradiel; Vlieland; Waadhoeke; Weststellingwerf""",
    "Drenthe": """
        Aa en Hunze; Assen; Borger-Odoorn; Coevorden; De Wolden; Emmen; Hoogeveen; Meppel;
        Midden-Drenthe; Noordenveld; Tynaarlo; Westerveld""",
    "Overijssel": """
        Almelo; Borne; Dalfsen; Deventer; Dinkelland; Enschede; Haaksbergen; Hardenberg;
        Hellendoorn; Hengelo; Hof van Twente; Kampen; Losser; Oldenzaal; Olst-Wijhe; Ommen;
        Raalte; Rijssen-Holten; Staphorst; Steenwijkerland; Tubbergen; Twenterand; Wierden;
        Zwartewaterland; Zwolle""",
    "Flevoland": "Almere; Dronten; Lelystad; Noordoostpolder; Urk; Zeewolde",
    "Gelderland": """
        Aalten; Apeldoorn; Arnhem; Barneveld; Berg en Dal; Berkelland; Beuningen; Bronckhorst;
        Brummen; Buren; Culemborg; Doesburg; Doetinchem; Druten; Duiven; Ede; Elburg; Epe; Ermelo;
        Harderwijk; Hattem; Heerde; Heumen; Lingewaard; Lochem; Maasdriel; Montferland;
        Neder-Betuwe; Nijkerk; Nijmegen; Nunspeet; Oldebroek; Oost Gelre; Oude IJsselstreek;
        Overbetuwe; Putten; Renkum; Rheden; Rozendaal; Scherpenzeel; Tiel; Voorst; Wageningen;
        West Betuwe; West Maas en Waal; Westervoort; Wijchen; Winterswijk; Zaltbommel; Zevenaar;
        Zutphen""",
    "Utrecht": """
        Amersfoort; Baarn; Bunnik; Bunschoten; De Bilt; De Ronde Venen; Eemnes; Houten;
        IJsselstein; Leusden; Lopik; Montfoort; Nieuwegein; Oudewater; Renswoude; Rhenen; Soest;
        Stichtse Vecht; Utrecht; Utrechtse Heuvelrug; Veenendaal; Vijfheerenlanden; Wijk bij
        Duurstede; Woerden; Woudenberg; Zeist""",
    "Noord-Holland": """
        Aalsmeer; Alkmaar; Amstelveen; Amsterdam; Bergen NH; Beverwijk; Blaricum; Bloemendaal;
        Castricum; Den Helder; Diemen; Dijk en Waard; Drechterland; Edam-Volendam; Enkhuizen;
        Gooise Meren; Haarlem; Haarlemmermeer; Heemskerk; Heemstede; Heiloo; Hilversum; Hollands
        Kroon; Hoorn; Huizen; Koggenland; Landsmeer; Laren; Medemblik; Oostzaan; Opmeer;
        Ouder-Amstel; Purmerend; Schagen; Stede Broec; Texel; Uitgeest; Uithoorn; Velsen;
        Waterland; Wijdemeren; Wormerland; Zaanstad; Zandvoort""",
    "Zuid-Holland": """
        Alblasserdam; Albrandswaard; Alphen aan den Rijn; Barendrecht; Bodegraven-Reeuwijk;
        Capelle aan den IJssel; Delft; Den Haag; Dordrecht; Goeree-Overflakkee; Gorinchem; Gouda;
        Hardinxveld-Giessendam; Hendrik-Ido-Ambacht; Hillegom; Hoeksche Waard; Kaag en Braassem;
        Katwijk; Krimpen aan den IJssel; Krimpenerwaard; Lansingerland; Leiden; Leiderdorp;
        Leidschendam-Voorburg; Lisse; Maassluis; Midden-Delfland; Molenlanden; Nieuwkoop;
        Nissewaard; Noordwijk; Oegstgeest; Papendrecht; Pijnacker-Nootdorp; Ridderkerk; Rijswijk;
        Rotterdam; Schiedam; Sliedrecht; Teylingen; Vlaardingen; Voorne aan Zee; Voorschoten;
        Waddinxveen; Wassenaar; Westland; Zoetermeer; Zoeterwoude; Zuidplas; Zwijndrecht""",
    "Zeeland": """
        Borsele; Goes; Hulst; Kapelle; Middelburg; Noord-Beveland; Reimerswaal;
        Schouwen-Duiveland; Sluis; Terneuzen; Tholen; Veere; Vlissingen""",
    "Noord-Brabant": """
        's-Hertogenbosch; Alphen-Chaam; Altena; Asten; Baarle-Nassau; Bergeijk; Bergen op Zoom;
        Bernheze; Best; Bladel; Boekel; Boxtel; Breda; Cranendonck; Deurne; Dongen; Drimmelen;
        Eersel; Eindhoven; Etten-Leur; Geertruidenberg; Geldrop-Mierlo; Gemert-Bakel; Gilze en
        Rijen; Goirle; Halderberge; Heeze-Leende; Helmond; Heusden; Hilvarenbeek; Land van Cuijk;
        Laarbeek; Loon op Zand; Maashorst; Meierijstad; Moerdijk; Nuenen, Gerwen en Nederwetten;
        Oirschot; Oisterwijk; Oosterhout; Oss; Reusel-De Mierden; Roosendaal; Rucphen;
        Sint-Michielsgestel; Someren; Son en Breugel; Steenbergen; Tilburg; Valkenswaard;
        Veldhoven; Vught; Waalre; Waalwijk; Woensdrecht; Zundert""",
    "Limburg": """
        Beek; Beekdaelen; Beesel; Bergen (L); Brunssum; Echt-Susteren; Eijsden-Margraten; Gennep;
        Gulpen-Wittem; Heerlen; Horst aan de Maas; Kerkrade; Landgraaf; Leudal; Maasgouw;
        Maastricht; Meerssen; Mook en Middelaar; Nederweert; Peel en Maas; Roerdalen; Roermond;
        Simpelveld; Sittard-Geleen; Stein; Vaals; Valkenburg aan de Geul; Venlo; Venray;
        Voerendaal; Weert""",
}

WATER_BOARD_PROVINCE = {
    "Aa en Maas": "Noord-Brabant",
    "Amstel, Gooi en Vecht": "Noord-Holland",
    "Brabantse Delta": "Noord-Brabant",
    "De Dommel": "Noord-Brabant",
    "Drents Overijsselse Delta": "Overijssel",
    "Hollandse Delta": "Zuid-Holland",
    "Hoogheemraadschap De Stichtse Rijnlanden": "Utrecht",
    "Hoogheemraadschap Hollands Noorderkwartier": "Noord-Holland",
    "Hoogheemraadschap van Delfland": "Zuid-Holland",
    "Hoogheemraadschap van Rijnland": "Zuid-Holland",
    "Hoogheemraadschap van Schieland en de Krimpenerwaard": "Zuid-Holland",
    "Hunze en Aa's": "Groningen",
    "Noorderzijlvest": "Groningen",
    "Rijn en IJssel": "Gelderland",
    "Rivierenland": "Gelderland",
    "Scheldestromen": "Zeeland",
    "Vallei en Veluwe": "Gelderland",
    "Vechtstromen": "Overijssel",
    "Limburg": "Limburg",
    "Wetterskip Fryslân": "Fryslân",
    "Zuiderzeeland": "Flevoland",
}

# Alternative names, adjectives and towns that stand for the whole body. In regions.csv a
# leading "?" marks a name that is also an ordinary word or a surname: it counts only in context
# (see tagging.regions); "?<official name>" makes the official name itself context-only.
ALIASES = {
    "gemeente-s-hertogenbosch": "Den Bosch; 's Hertogenbosch; Hertogenbosch; Bossche",
    "gemeente-den-haag": "'s-Gravenhage; 's Gravenhage; Haagse; Scheveningen",
    "gemeente-amsterdam": "Amsterdamse; Amsterdammers; Weesp",
    "gemeente-rotterdam": "Rotterdamse; Rotterdammers; Hoogvliet",
    "gemeente-utrecht": "Utrechters",
    "gemeente-groningen": "Groningers; Stad Groningen",
    "gemeente-eindhoven": "Eindhovense",
    "gemeente-tilburg": "Tilburgse",
    "gemeente-breda": "Bredase",
    "gemeente-nijmegen": "Nijmeegse",
    "gemeente-arnhem": "Arnhemse",
    "gemeente-leiden": "Leidse",
    "gemeente-haarlem": "Haarlemse",
    "gemeente-delft": "Delftse",
    "gemeente-maastricht": "Maastrichtse",
    "gemeente-enschede": "Enschedese",
    "gemeente-almere": "Almeerse",
    "gemeente-apeldoorn": "Apeldoornse",
    "gemeente-amersfoort": "Amersfoortse",
    "gemeente-zwolle": "Zwolse",
    "gemeente-dordrecht": "Dordt; Dordtse",
    "gemeente-gouda": "Goudse",
    "gemeente-leeuwarden": "Leeuwarder; Ljouwert",
    "gemeente-zaanstad": "Zaandam; Zaanse",
    "gemeente-haarlemmermeer": "Hoofddorp",
    "gemeente-nissewaard": "Spijkenisse",
    "gemeente-meierijstad": "Veghel; Schijndel; Sint-Oedenrode",
    "gemeente-maashorst": "Uden",
    "gemeente-land-van-cuijk": "Boxmeer; Cuijk",
    "gemeente-sittard-geleen": "Sittard; Geleen",
    "gemeente-leidschendam-voorburg": "Leidschendam; Voorburg",
    "gemeente-voorne-aan-zee": "Hellevoetsluis; Brielle; Westvoorne",
    "gemeente-dijk-en-waard": "Heerhugowaard; Langedijk",
    "gemeente-gooise-meren": "Bussum; Naarden",
    "gemeente-eemsdelta": "Delfzijl; Appingedam",
    "gemeente-midden-groningen": "Hoogezand; Sappemeer",
    "gemeente-oldambt": "Winschoten",
    "gemeente-sudwest-fryslan": "Sneek; Súdwest Fryslân; Zuidwest-Friesland",
    "gemeente-noardeast-fryslan": "Dokkum; Noordoost-Friesland",
    "gemeente-tytsjerksteradiel": "Tietjerksteradeel",
    "gemeente-dantumadiel": "Dantumadeel",
    "gemeente-smallingerland": "Drachten",
    "gemeente-waadhoeke": "Franeker",
    "gemeente-de-fryske-marren": "Joure",
    "gemeente-noordoostpolder": "Emmeloord",
    "gemeente-hellendoorn": "Nijverdal",
    "gemeente-gorinchem": "Gorkum",
    "gemeente-moerdijk": "Zevenbergen",
    "gemeente-hoeksche-waard": "Oud-Beijerland",
    "gemeente-goeree-overflakkee": "Middelharnis",
    "gemeente-schouwen-duiveland": "Zierikzee",
    "gemeente-west-betuwe": "Geldermalsen",
    "gemeente-vijfheerenlanden": "Leerdam; Vianen",
    "gemeente-stichtse-vecht": "Maarssen",
    "gemeente-de-bilt": "Bilthoven",
    "gemeente-peel-en-maas": "Panningen",
    "gemeente-eijsden-margraten": "Margraten",
    "gemeente-valkenburg-aan-de-geul": "Valkenburg",
    "gemeente-edam-volendam": "Volendam",
    "gemeente-nuenen-gerwen-en-nederwetten": "Nuenen",
    "gemeente-capelle-aan-den-ijssel": "Capelle",
    "gemeente-alphen-aan-den-rijn": "Alphen",
    "gemeente-bergen-nh": "Bergen (NH); Bergen (N-H); Bergen (Noord-Holland)",
    "gemeente-bergen-l": "Bergen L; Bergen (Limburg)",
    "gemeente-horst-aan-de-maas": "?Horst",
    "gemeente-echt-susteren": "?Echt; Susteren",
    "gemeente-ede": "Edese",
    "gemeente-best": "Bestse",
    "gemeente-goes": "Goese",
    "gemeente-epe": "Epese",
    "gemeente-elburg": "Elburgse",
    "gemeente-kampen": "Kamper; Kampense",
    "gemeente-hoorn": "Hoornse",
    "gemeente-weert": "Weerter; Weertse",
    "gemeente-venlo": "Venlose",
    "gemeente-helmond": "Helmondse",
    "gemeente-heerlen": "Heerlense",
    "gemeente-zeist": "Zeister; Zeisterse",
    "gemeente-hilversum": "Hilversumse",
    "gemeente-alkmaar": "Alkmaarse",
    "gemeente-zoetermeer": "Zoetermeerse",
    "gemeente-westland": "Westlandse",
    "gemeente-schiedam": "Schiedamse",
    "gemeente-vlaardingen": "Vlaardingse",
    "gemeente-middelburg": "Middelburgse",
    "gemeente-vlissingen": "Vlissingse",
    "gemeente-deventer": "Deventenaren",
    "gemeente-assen": "Asser; Assense",
    "gemeente-emmen": "Emmer; Emmense",
    "gemeente-wageningen": "Wageningse",
    "gemeente-lelystad": "Lelystadse",
    "gemeente-purmerend": "Purmerendse",
    "gemeente-almelo": "Almelose",
    "gemeente-hengelo": "Hengelose",
    "gemeente-oss": "Osse",
    "gemeente-roosendaal": "Roosendaalse",
    "gemeente-zaltbommel": "Bommel",
    "provincie-fryslan": "Friesland; Friese; Fryske; Friezen; provincie Friesland",
    "provincie-groningen": "Groningse; Groninger",
    "provincie-drenthe": "Drentse; Drenten",
    "provincie-overijssel": "Overijsselse; Twente; Twentse; Salland; Sallandse",
    "provincie-flevoland": "Flevolandse; Flevopolder",
    "provincie-gelderland": "Gelderse; Achterhoek; Achterhoekse; Veluwe; Veluwse; Betuwe; Betuwse",
    "provincie-utrecht": "Utrechtse",
    "provincie-noord-holland": (
        "Noord-Hollandse; Noord Holland; West-Friesland; Westfriesland; Gooi"
    ),
    "provincie-zuid-holland": "Zuid-Hollandse; Zuid Holland; Drechtsteden; Rijnmond",
    "provincie-zeeland": "Zeeuwse; Zeeuws; Zeeuwen; Zeeuws-Vlaanderen",
    "provincie-noord-brabant": "Brabant; Brabantse; Brabanders; Noord-Brabantse; Noord Brabant",
    "provincie-limburg": "Limburgse; Limburgers",
    "waterschap-aa-en-maas": "Aa en Maas",
    "waterschap-amstel-gooi-en-vecht": "Amstel, Gooi en Vecht; AGV; Waternet",
    "waterschap-brabantse-delta": "Brabantse Delta",
    "waterschap-de-dommel": "Dommel",
    "waterschap-drents-overijsselse-delta": "Drents Overijsselse Delta; WDODelta",
    "waterschap-hollandse-delta": "Hollandse Delta",
    "waterschap-hoogheemraadschap-de-stichtse-rijnlanden": "Stichtse Rijnlanden; HDSR",
    "waterschap-hoogheemraadschap-hollands-noorderkwartier": "Hollands Noorderkwartier; HHNK",
    "waterschap-hoogheemraadschap-van-delfland": "Hoogheemraadschap Delfland",
    "waterschap-hoogheemraadschap-van-rijnland": "Hoogheemraadschap Rijnland",
    "waterschap-hoogheemraadschap-van-schieland-en-de-krimpenerwaard": (
        "HHSK; Hoogheemraadschap Schieland; Schieland en de Krimpenerwaard"
    ),
    "waterschap-hunze-en-aa-s": "Hunze en Aa's; Hunze en Aa’s",
    "waterschap-noorderzijlvest": "Noorderzijlvest",
    "waterschap-rijn-en-ijssel": "Rijn en IJssel",
    "waterschap-rivierenland": "",
    "waterschap-scheldestromen": "Scheldestromen",
    "waterschap-vallei-en-veluwe": "Vallei en Veluwe",
    "waterschap-vechtstromen": "Vechtstromen",
    "waterschap-limburg": "",
    "waterschap-wetterskip-fryslan": "Wetterskip Fryslân; Wetterskip Friesland; Wetterskip",
    "waterschap-zuiderzeeland": "Zuiderzeeland",
}

# Municipality names that are also ordinary words or names: they count only in context.
AMBIGUOUS = {
    "Best",
    "Buren",
    "Ede",
    "Epe",
    "Goes",
    "Horst",
    "Elburg",
    "Beek",
    "Stein",
    "Laren",
    "Putten",
    "Sluis",
    "Hulst",
    "Veere",
    "Duiven",
    "Huizen",
    "Kampen",
    "Hoorn",
    "Weert",
    "Assen",
    "Losser",
    "Voorst",
    "Oss",
    "Boekel",
    "Bergeijk",
    "Altena",
    "Westland",
    "Waterland",
    "Valkenburg",
    "Alphen",
    "Capelle",
    "Bommel",
    "Dommel",
    "Rivierenland",
    "De Dommel",
    "Gooi",
    "Echt",
    "Leek",
    "Wierden",
    "Vaals",
    "Texel",
    "Urk",
    "Emmer",
    "Asser",
    "Kamper",
    "Rijnmond",
    "Rhenen",
    "Lopik",
    "Bunnik",
    "Borne",
    "Tiel",
    "Baarn",
    "Soest",
    "Dongen",
}
# Water boards whose bare name is also a region or a river: they count only in context.
ONLY_WITH_KIND = {"waterschap-de-dommel", "waterschap-rivierenland"}


def _members() -> dict[str, str]:
    province_of = {}
    for province, names in PROVINCE_MEMBERS.items():
        for name in names.split(";"):
            province_of[" ".join(name.split())] = province
    return province_of


def build(register: Path, out: Path) -> int:
    province_of = _members()
    rows = []
    with register.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = row["type"].lower()
            if kind not in ("gemeente", "provincie", "waterschap"):
                continue
            name = row["name"]
            if kind == "gemeente":
                name = name.removeprefix("Gemeente ")
                province = province_of.pop(name)
            elif kind == "provincie":
                name = name.removeprefix("Provincie ")
                province = name
            else:
                name = name.removeprefix("Waterschap ")
                province = WATER_BOARD_PROVINCE[name]
            slug = f"{kind}-{slugify(name)}"
            if slug == "waterschap-limburg":
                name = "Waterschap Limburg"
            aliases = [a.strip() for a in ALIASES.get(slug, "").split(";")]
            aliases = list(dict.fromkeys(a for a in aliases if a and a != name))
            aliases = ["?" + a if a in AMBIGUOUS else a for a in aliases]
            if name in AMBIGUOUS or slug in ONLY_WITH_KIND:
                aliases.insert(0, "?" + name)
            parent = "" if kind == "provincie" else f"provincie-{slugify(province)}"
            rows.append((slug, name, kind, parent, "; ".join(aliases)))
    if province_of:
        raise SystemExit(f"municipalities not in the register: {sorted(province_of)}")
    unknown = set(ALIASES) - {r[0] for r in rows}
    if unknown:
        raise SystemExit(f"aliases for unknown slugs: {sorted(unknown)}")
    rows.sort(key=lambda r: ("gpw".index(r[2][0]) if r[2][0] in "gpw" else 9, r[0]))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["slug", "name", "kind", "province", "aliases"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    default = "../shared/data/orgs/overheidsorganisaties_2023-09.csv"
    source = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    print(build(source, Path(__file__).with_name("regions.csv")), "regions written")
