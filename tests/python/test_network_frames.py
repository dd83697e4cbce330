"""db.network_frames against the brute force of test_network.py: random
statements with corrections, retractions and aliases (appended through the
CLI), at several as-of points; the ego network of an actor; the frames as
networkx builds a graph of them."""
import json
import random

import pytest

import annals
from test_network import brute_force, build, norm, nx, run


@pytest.mark.parametrize("seed", [21, 2121])
def test_network_frames_are_the_brute_force_network(cli, tmp_path, seed):
    store = tmp_path / "store"
    build(cli, store, random.Random(seed))
    events = [json.loads(line) for line in
              run(cli, store, "log", "--format", "jsonl").splitlines()]
    head = events[-1]["seq"]
    with annals.open(str(store), read_only=True) as db:
        for as_of in sorted({head, 40, 45}):
            want = dict(brute_force(events, as_of))
            nodes, edges = db.network_frames(as_of=as_of)
            got = {(r.source, r.target): r.count for r in edges.itertuples()}
            assert got == want, as_of
            assert edges.attrs["as_of"] == as_of
            assert set(nodes.index) == {n for pair in want for n in pair}
            for node_id, label in nodes["label"].items():
                assert norm(label) == node_id
        # The ego network of the busiest node: its own edges only.
        want = dict(brute_force(events, head))
        ego = max({n for pair in want for n in pair},
                  key=lambda n: sum(c for p, c in want.items() if n in p))
        _, edges = db.network_frames(actor=ego)
        got = {(r.source, r.target): r.count for r in edges.itertuples()}
        assert got == {p: c for p, c in want.items() if ego in p}
        g = nx.from_pandas_edgelist(edges, "source", "target", edge_attr=True,
                                    create_using=nx.DiGraph)
        assert {(u, v): d["count"] for u, v, d in g.edges(data=True)} == got
        with pytest.raises(annals.InvalidArgumentError):
            db.network_frames(depth=3)
        with pytest.raises(annals.InvalidArgumentError):
            db.network_frames(where=["quad=5"])
