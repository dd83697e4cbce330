#!/usr/bin/python3
"""Builds engine/data/cameo-codebook.tsv from ../shared/data/cameo/.

Run by hand when the sources or the repairs change (the output is checked in;
the build never reads ../shared):

    /usr/bin/python3 tools/cameo/build_codebook.py [SHARED_DATA_DIR]

Sources: cameo-event-codes.txt (GDELT's code -> description lookup, the
descriptions GDELT rows are coded with) and cameo-goldstein.txt (GDELT's code
-> Goldstein lookup). Every repair applied to them is listed in REPAIRS and in
engine/data/CAMEO-PROVENANCE.md; the script fails if a repair no longer
matches its source, so a changed source is never patched blindly.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "engine", "data", "cameo-codebook.tsv")

# (code, description as found, description repaired)
DESCRIPTION_REPAIRS = [
    # Mojibake of the typographic quotes around "third"; the "t" was eaten.
    ("044", "Meet at a \u00c3\u2019hird\u00c3\u201clocation", 'Meet at a "third" location'),
    # Typos and doubled spaces.
    ("031", "Express intent to engage in material cooperation,  not specified below",
     "Express intent to engage in material cooperation, not specified below"),
    ("033", "Express intent to provide matyerial aid, not specified below",
     "Express intent to provide material aid, not specified below"),
    ("0355", "Express intent allow international involvement (not mediation)",
     "Express intent to allow international involvement (not mediation)"),
    ("1454", "Engage in violent protest for  change in institutions, regime",
     "Engage in violent protest for change in institutions, regime"),
    ("183", "Conduct suicide, car, or other non-military bombing, not spec below",
     "Conduct suicide, car, or other non-military bombing, not specified below"),
    ("2041", "Use chemical, biological, or radiologicalweapons",
     "Use chemical, biological, or radiological weapons"),
]
# Line 1056 has code 106 fused into it: "...engagement106:[-5.0] Demand withdrawal".
FUSED = ("1056", "Demand de-escalation of military engagement106:[-5.0] Demand withdrawal")
UNFUSED = [("1056", "Demand de-escalation of military engagement"),
           ("106", "Demand withdrawal")]


def read_tab(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i == 0:
                continue
            line = line.rstrip("\n")
            if not line:
                continue
            code, value = line.split("\t")
            rows.append((code, value))
    return rows


def quad_class(root):
    r = int(root)
    if r <= 5:
        return 1  # verbal cooperation
    if r <= 8:
        return 2  # material cooperation
    if r <= 13:
        return 3  # verbal conflict
    return 4      # material conflict


def main():
    events = read_tab(os.path.join(SHARED, "cameo", "cameo-event-codes.txt"))
    gold = dict(read_tab(os.path.join(SHARED, "cameo", "cameo-goldstein.txt")))
    desc = {}
    order = []
    for code, d in events:
        if (code, d) == FUSED:
            for c, dd in UNFUSED:
                desc[c] = dd
                order.append(c)
            continue
        desc[code] = d
        order.append(code)
    if "106" not in desc:
        sys.exit("repair of the fused 1056/106 line no longer matches the source")
    for code, found, fixed in DESCRIPTION_REPAIRS:
        if desc.get(code) != found:
            sys.exit(f"repair of {code} no longer matches the source: {desc.get(code)!r}")
        desc[code] = fixed
    # The fused line carried 106's Goldstein score; the lookup has it too.
    if gold.get("106") != "-5.0":
        sys.exit("Goldstein of 106 is not -5.0 in the lookup")
    missing = sorted(set(desc) - set(gold))
    extra = sorted(set(gold) - set(desc))
    if missing or extra:
        sys.exit(f"codes without Goldstein: {missing}; Goldstein without code: {extra}")
    for code, d in desc.items():
        if not d.isascii() or "\t" in d or '\\' in d or ';' in d:
            sys.exit(f"{code}: unexpected characters in {d!r}")
    codes = sorted(order, key=lambda c: c)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("code\tdescription\troot_code\tquad_class\tgoldstein\n")
        for code in codes:
            root = code[:2]
            f.write(f"{code}\t{desc[code]}\t{root}\t{quad_class(root)}\t{float(gold[code]):.1f}\n")
    print(f"wrote {len(codes)} codes to {os.path.relpath(OUT, ROOT)}")


main()
