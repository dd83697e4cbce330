"""Issue 17's property test, through the Python frames and the real CLI: for
random logs with corrections, retractions, aliases and as-of points, the
current view that statements_frame, timeline_frame, projection counts,
`annals export` and `annals show` give agrees with a brute-force model
computed from the raw log alone (Store.log)."""
import json
import random
import subprocess
from collections import Counter

import pytest

import annals

NAMES = ["Ada", "ada", "ADA ", "Bob", "Cleo", "Dov", "Eve"]
ALIASES = [("Dov", "Cleo"), ("Eve", "Bob"), ("bob", "Ada")]  # no cycles


def fold(name):
    """The engine's name folding for the ASCII names used here."""
    return " ".join(name.split()).casefold()


class Model:
    """The current view as of seq k, from the raw events alone."""

    def __init__(self, events):
        self.events = events

    def view(self, k):
        """seq -> (status, values dict, amending seq) for statements <= k."""
        out = {}
        for e in self.events:
            if e["seq"] > k:
                break
            if e["kind"] == "statement":
                out[e["seq"]] = ("active", e, None)
            elif e["kind"] == "correction":
                out[e["target"]] = ("corrected", e, e["seq"])
            elif e["kind"] == "retraction":
                _, values, _ = out[e["target"]]
                out[e["target"]] = ("retracted", values, e["seq"])
        return out

    def root(self, name, k):
        parent = {}
        for e in self.events:
            if e["seq"] > k:
                break
            if e["kind"] == "actor_alias":
                parent[fold(e["alias"])] = fold(e["canonical"])
        x = fold(name)
        while x in parent:
            x = parent[x]
        return x


def random_log(db, rng, n=70):
    live = []
    aliases = iter(ALIASES)
    for i in range(n):
        roll = rng.random()
        if not live or roll < 0.55:
            live.append(db.append({
                "speaker": rng.choice(NAMES), "targets": [rng.choice(NAMES)],
                "verb": "said", "code": rng.choice(["010", "112"]),
                "content": f"statement {i}",
                "occurred_at": f"2018-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}))
        elif roll < 0.8:
            fields = {"content": f"corrected {i}"}
            if rng.random() < 0.5:
                fields["speaker"] = rng.choice(NAMES)
            db.correct(rng.choice(live), reason=f"fix {i}", **fields)
        elif roll < 0.92 and len(live) > 1:
            db.retract(live.pop(rng.randrange(len(live))), f"wrong {i}")
        else:
            pair = next(aliases, None)
            if pair:
                db.alias(*pair)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_view_agrees_with_the_model(store_path, cli, seed):
    rng = random.Random(seed)
    with annals.open(store_path, create=True) as db:
        random_log(db, rng)
        db.create_projection("spk", "speaker")
        events = list(db.log())
        model = Model(events)
        head = db.head
        for k in sorted({head // 4, head // 2, (3 * head) // 4, head}):
            view = model.view(k)
            # statements_frame: one row per statement, current values, status.
            frame = db.statements_frame(as_of=k, include_retracted=True)
            got = {int(r.seq): (r.status, r.content, r.speaker) for r in frame.itertuples()}
            want = {s: (st, v["content"], v["speaker"]) for s, (st, v, _) in view.items()}
            assert got == want, f"as of {k}"
            live = {s: v for s, (st, v, _) in view.items() if st != "retracted"}
            assert sorted(db.statements_frame(as_of=k).seq) == sorted(live)
            # timeline_frame: statements by or about the actor, aliases merged.
            for actor in ["Ada", "Bob", "Cleo", "Eve"]:
                root = model.root(actor, k)
                want_seqs = sorted(
                    s for s, v in live.items()
                    if model.root(v["speaker"], k) == root
                    or any(model.root(t, k) == root for t in v["targets"]))
                tl = db.timeline_frame(actor=actor, as_of=k)
                assert sorted(int(x) for x in tl.seq) == want_seqs, f"{actor} as of {k}"
            # Projection counts by speaker, aliases merged.
            want_counts = Counter(model.root(v["speaker"], k) for v in live.values())
            got_counts = {model.root(row["key"][0], k): row["count"]
                          for row in db.projection_query("spk", counts=True, as_of=k)}
            assert got_counts == dict(want_counts), f"as of {k}"
            # `annals export --as-of k`: the live statements' current values.
            out = subprocess.run([cli, "--db", str(store_path), "export", "--format", "jsonl",
                                  "--as-of", str(k)], capture_output=True, text=True, check=True)
            exported = sorted(json.loads(line)["content"] for line in out.stdout.splitlines())
            assert exported == sorted(v["content"] for v in live.values()), f"as of {k}"
        # `annals show SEQ`: current values and the marker naming the amendment.
        for seq, (status, values, by) in model.view(head).items():
            out = subprocess.run([cli, "--db", str(store_path), "show", str(seq)],
                                 capture_output=True, text=True, check=True).stdout
            assert f"content       {values['content']}\n" in out, out
            if status == "active":
                assert "[corrected" not in out and "[retracted" not in out, out
            else:
                assert f"[{status} by {by}" in out, out
