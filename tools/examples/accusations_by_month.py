#!/usr/bin/python3
"""Monthly accusations per speaker-target pair, from GDELT and ICEWS.

Imports the GDELT and ICEWS samples into a store, keeps the accusations
(CAMEO 112 and its subcodes 1121-1125) as they now stand (corrections
applied, retractions left out), and counts them per speaker, target and
month with pandas; prints the top rows.

    PYTHONPATH=build/python /usr/bin/python3 tools/examples/accusations_by_month.py
        [--gdelt FILE] [--icews FILE] [--db DIR] [--top N]

Without --gdelt/--icews it uses ../shared/data (beside the repository) or the
copies bundled under tests/data; without --db, a temporary store.
"""
import argparse
import pathlib
import sys
import tempfile

import annals

REPO = pathlib.Path(__file__).resolve().parents[2]
CANDIDATES = {
    "gdelt": [REPO.parent / "shared/data/gdelt/events-v2-sample.tsv",
              REPO / "tests/data/gdelt-v2-events.tsv"],
    "icews": [REPO.parent / "shared/data/icews/events-2018-sample.tab",
              REPO / "tests/data/icews-events.tab"],
}


def find_sample(kind):
    for path in CANDIDATES[kind]:
        if path.exists():
            return path
    return None


def monthly_accusations(db):
    """A DataFrame: speaker, target, month, accusations; largest first.

    Counts the current view (statements_frame: corrections applied,
    retractions left out), not the raw log (log_frame), which still holds
    retracted statements and the values corrections replaced."""
    current = db.statements_frame()
    accusations = current[current["code"].str.startswith("112", na=False)]
    pairs = accusations.explode("targets").rename(columns={"targets": "target"})
    pairs = pairs.dropna(subset=["speaker", "target", "occurred_at"])
    pairs = pairs.assign(month=pairs["occurred_at"].dt.strftime("%Y-%m"))
    counts = (pairs.groupby(["speaker", "target", "month"]).size()
              .rename("accusations").reset_index())
    return counts.sort_values(["accusations", "month", "speaker", "target"],
                              ascending=[False, True, True, True], ignore_index=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gdelt", type=pathlib.Path, default=find_sample("gdelt"))
    parser.add_argument("--icews", type=pathlib.Path, default=find_sample("icews"))
    parser.add_argument("--db", type=pathlib.Path, help="store directory (default: temporary)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    if args.gdelt is None or args.icews is None:
        parser.error("no GDELT/ICEWS sample found; give --gdelt and --icews")

    with tempfile.TemporaryDirectory() as tmp:
        with annals.open(args.db or pathlib.Path(tmp) / "store", create=True) as db:
            for path, fmt in ((args.gdelt, "gdelt"), (args.icews, "icews")):
                s = db.import_file(path, format=fmt)
                print(f"{path.name}: read {s['read']}, imported {s['imported']}, "
                      f"duplicates {s['duplicates']}, rejected {s['rejected']}",
                      file=sys.stderr)
            counts = monthly_accusations(db)
    if counts.empty:
        print("no accusations (CAMEO 112*) found")
    else:
        print(counts.head(args.top).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
