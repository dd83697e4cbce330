"""`annals network` read by networkx (Debian's python3-networkx) against a
brute-force count: random statements with corrections (new speakers and
targets), retractions and aliases, appended through the CLI; the brute force
reads `annals log --format jsonl` and applies the amendments itself, at
several as-of points. The GEXF must parse as XML with the same weights, the
CSV with the csv module."""
import collections
import csv
import io
import json
import random
import subprocess
import xml.etree.ElementTree as ET

import pytest

nx = pytest.importorskip("networkx")

NAMES = ["Ada", "ada ", "ADA", "Bob", "Cy", "Dee & Co", "Eve <x>", "Fay \"F\""]
CANONICAL = ["Gus", "Hal"]  # only ever canonical: no alias cycles
CODES = ["010", "057", "112", "190", "X99", "0211"]


def norm(name):
    return " ".join(name.split()).casefold()


def run(cli, store, *args, stdin=None):
    r = subprocess.run([cli, "--db", str(store), *args], input=stdin,
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, (args, r.stderr)
    return r.stdout


def build(cli, store, rng):
    rows = []
    for i in range(40):
        rows.append({"speaker": rng.choice(NAMES + CANONICAL), "verb": "said",
                     "targets": rng.sample(NAMES + CANONICAL, rng.randint(0, 3)),
                     "content": f"s{i}", "code": rng.choice(CODES),
                     "occurred_at": f"2025-0{rng.randint(1, 9)}-01"})
    run(cli, store, "import", "-", stdin="".join(json.dumps(r) + "\n" for r in rows))
    live = list(range(1, 41))
    for i in range(30):
        step = rng.random()
        if step < 0.4:
            seq = rng.choice(live)
            args = ["correct", str(seq), "--reason", f"c{i}", "--content", f"c{i}", "--speaker",
                    rng.choice(NAMES + CANONICAL), "--code", rng.choice(CODES)]
            for t in rng.sample(NAMES + CANONICAL, rng.randint(1, 2)):
                args += ["--target", t]
            run(cli, store, *args)
        elif step < 0.6:
            seq = rng.choice(live)
            live.remove(seq)
            run(cli, store, "retract", str(seq), "--reason", f"r{i}")
        else:
            run(cli, store, "alias", rng.choice(NAMES), rng.choice(CANONICAL))


def brute_force(events, as_of):
    """(source, target) -> count, by alias-root normalised names."""
    current, retracted, parent = {}, set(), {}
    for e in events:
        if e["seq"] > as_of:
            break
        if e["kind"] == "statement":
            current[e["seq"]] = e
        elif e["kind"] == "correction":
            current[int(e["target"])] = e
        elif e["kind"] == "retraction":
            retracted.add(int(e["target"]))
        elif e["kind"] == "actor_alias":
            parent[norm(e["alias"])] = norm(e["canonical"])

    def root(name):
        name = norm(name)
        while name in parent:
            name = parent[name]
        return name

    counts = collections.Counter()
    for seq, s in current.items():
        if seq in retracted or not s.get("speaker"):
            continue
        src = root(s["speaker"])
        for dst in {root(t) for t in s.get("targets", [])} - {src}:
            counts[(src, dst)] += 1
    return counts


@pytest.mark.parametrize("seed", [21, 2121])
def test_networkx_reads_the_brute_force_weights(cli, tmp_path, seed):
    store = tmp_path / "store"
    build(cli, store, random.Random(seed))
    events = [json.loads(line) for line in
              run(cli, store, "log", "--format", "jsonl").splitlines()]
    head = events[-1]["seq"]
    nonempty = 0
    for as_of in sorted({head, 40, 45, random.Random(seed).randint(1, head)}):
        want = brute_force(events, as_of)
        nonempty += bool(want)
        graphml = run(cli, store, "network", "--format", "graphml", "--as-of", str(as_of))
        g = nx.read_graphml(io.BytesIO(graphml.encode()))
        assert g.is_directed()
        got = {(u, v): d["weight"] for u, v, d in g.edges(data=True)}
        assert got == dict(want), as_of
        for node, data in g.nodes(data=True):
            assert norm(data["label"]) == node

        gexf = ET.fromstring(run(cli, store, "network", "--format", "gexf",
                                 "--as-of", str(as_of)))
        ns = {"g": "http://gexf.net/1.3"}
        assert gexf.get("version") == "1.3"
        got = {(e.get("source"), e.get("target")): int(e.get("weight"))
               for e in gexf.iterfind(".//g:edges/g:edge", ns)}
        assert got == dict(want), as_of
        if "1.3" in nx.readwrite.gexf.GEXF.versions:  # networkx >= 3 (not Debian 12's 2.8)
            g = nx.read_gexf(io.BytesIO(ET.tostring(gexf)))
            got = {(u, v): int(d["weight"]) for u, v, d in g.edges(data=True)}
            assert got == dict(want), as_of

        rows = list(csv.DictReader(io.StringIO(
            run(cli, store, "network", "--format", "csv", "--as-of", str(as_of)), newline="")))
        got = {(norm(r["source"]), norm(r["target"])): int(r["count"]) for r in rows}
        assert got == dict(want), as_of
    assert nonempty >= 2
