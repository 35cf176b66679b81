"""Reads the DCAT-AP_IT export into RDF with rdflib and checks what harvesters rely on.

usage: check_catalog.py CATALOG.jsonld EXPECT.json

EXPECT names what the test knows: {"ids": [dataset ids that must be there], "absent": [ids
that must not], "origins": {id: origin domain}, "recognised": {id: call URL}, "countries": {id:
alpha-3 code of its country in the EU authority table}}. Prints what it found; exits 1 naming
everything missing.
"""

import json
import sys

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

PRASSI = Namespace("https://w3id.org/prassi/ns#")
THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
FREQUENCIES = "http://publications.europa.eu/resource/authority/frequency/"
COUNTRIES = "http://publications.europa.eu/resource/authority/country/"

CATALOG_REQUIRED = [DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.modified, DCAT.dataset]
DATASET_REQUIRED = [
    DCTERMS.identifier, DCTERMS.title, DCTERMS.description, DCTERMS.modified, DCAT.theme,
    DCTERMS.publisher, DCTERMS.rightsHolder, DCTERMS.accrualPeriodicity, DCAT.distribution,
    DCAT.contactPoint,
]
DISTRIBUTION_REQUIRED = [DCAT.accessURL, DCTERMS.format, DCTERMS.license]


def short(g, term):
    return g.namespace_manager.normalizeUri(term)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    with open(sys.argv[2], encoding="utf-8") as f:
        expect = json.load(f)
    g = Graph()
    g.parse(data=text, format="json-ld")
    print(f"parsed {len(g)} triples")
    missing = []

    catalogs = list(g.subjects(RDF.type, DCAT.Catalog))
    if len(catalogs) != 1:
        print(f"FAIL: expected one dcat:Catalog, found {len(catalogs)}")
        sys.exit(1)
    cat = catalogs[0]
    for p in CATALOG_REQUIRED:
        if g.value(cat, p) is None:
            missing.append(f"catalogue {cat}: {short(g, p)}")
    print(f"catalogue {cat}: title {g.value(cat, DCTERMS.title)!r}, modified {g.value(cat, DCTERMS.modified)}")

    datasets = set(g.objects(cat, DCAT.dataset))
    typed = set(g.subjects(RDF.type, DCAT.Dataset))
    if datasets != typed:
        missing.append(f"datasets listed by the catalogue {sorted(map(str, datasets))} differ from those typed dcat:Dataset {sorted(map(str, typed))}")
    found = {}
    for d in sorted(datasets, key=str):
        for p in DATASET_REQUIRED:
            if g.value(d, p) is None:
                missing.append(f"dataset {d}: {short(g, p)}")
        themes = [str(t) for t in g.objects(d, DCAT.theme)]
        for t in themes:
            if not t.startswith(THEMES):
                missing.append(f"dataset {d}: dcat:theme {t} is not an EU data-theme URI")
        freq = g.value(d, DCTERMS.accrualPeriodicity)
        if freq is not None and not str(freq).startswith(FREQUENCIES):
            missing.append(f"dataset {d}: dct:accrualPeriodicity {freq} is not an EU frequency URI")
        for who in (DCTERMS.publisher, DCTERMS.rightsHolder):
            agent = g.value(d, who)
            if agent is not None:
                if (agent, RDF.type, FOAF.Agent) not in g:
                    missing.append(f"dataset {d}: {short(g, who)} is not a foaf:Agent")
                if g.value(agent, FOAF.name) is None:
                    missing.append(f"dataset {d}: {short(g, who)} has no foaf:name")
                if g.value(agent, DCTERMS.identifier) is None:
                    missing.append(f"dataset {d}: {short(g, who)} has no dct:identifier (IPA code)")
        formats = set()
        distributions = list(g.objects(d, DCAT.distribution))
        for dist in distributions:
            for p in DISTRIBUTION_REQUIRED:
                if g.value(dist, p) is None:
                    missing.append(f"dataset {d}: a distribution has no {short(g, p)}")
            fmt = g.value(dist, DCTERMS.format)
            if fmt is not None:
                formats.add(str(fmt).removeprefix(FILE_TYPES))
        for want in ("HTML", "JSON_LD"):
            if want not in formats:
                missing.append(f"dataset {d}: no distribution in the file type {want}")
        # The country of a practice is the EU authority's country URI, whatever else is said
        # of the place.
        countries = []
        for s in g.objects(d, DCTERMS.spatial):
            if str(g.value(s, PRASSI.placeLevel)) != "country":
                continue
            if not isinstance(s, URIRef) or not str(s).startswith(COUNTRIES):
                missing.append(f"dataset {d}: its country {s} is not an EU country URI")
            else:
                countries.append(str(s).removeprefix(COUNTRIES))
        temporal = g.value(d, DCTERMS.temporal)
        start = g.value(temporal, DCAT.startDate) if temporal is not None else None
        publisher = g.value(d, DCTERMS.publisher)
        recognitions = [str(g.value(r, PRASSI.call)) for r in g.objects(d, PRASSI.recognition)]
        found[str(d)] = {
            "identifier": str(g.value(d, DCTERMS.identifier)),
            "titles": sorted(str(t) for t in g.objects(d, DCTERMS.title)),
            "themes": sorted(themes),
            "formats": sorted(formats),
            "ipa_code": str(g.value(publisher, DCTERMS.identifier)) if publisher is not None else None,
            "origin": str(g.value(d, PRASSI.origin)),
            "start": str(start) if start is not None else None,
            "spatial": sorted(str(g.value(s, DCTERMS.identifier) or g.value(s, URIRef("http://www.w3.org/ns/locn#geographicName"))) for s in g.objects(d, DCTERMS.spatial)),
            "recognitions": recognitions,
            "countries": sorted(countries),
        }
        print(f"dataset {d}: {json.dumps(found[str(d)], ensure_ascii=False)}")

    for i in expect.get("ids", []):
        if i not in found:
            missing.append(f"dataset {i} is not in the catalogue")
    for i in expect.get("absent", []):
        if i in found:
            missing.append(f"dataset {i} is in the catalogue but should not be")
    for i, origin in expect.get("origins", {}).items():
        if i in found and found[i]["origin"] != origin:
            missing.append(f"dataset {i}: origin {found[i]['origin']!r}, expected {origin!r}")
    for i, call in expect.get("recognised", {}).items():
        if i in found and call not in found[i]["recognitions"]:
            missing.append(f"dataset {i}: no recognition by {call} (found {found[i]['recognitions']})")

    for i, country in expect.get("countries", {}).items():
        if i in found and found[i]["countries"] != [country]:
            missing.append(f"dataset {i}: countries {found[i]['countries']}, expected [{country!r}]")

    if missing:
        print("FAIL: the catalogue lacks what DCAT-AP_IT harvesters need:")
        for m in missing:
            print(f"  missing: {m}")
        sys.exit(1)
    print(f"OK: one catalogue, {len(found)} datasets, every required property present")


if __name__ == "__main__":
    main()
