"""Many processes, one store: a Python reader reads timelines and the log in
a loop, refreshing, while `annals import` of a large file writes the same
store from another process. The reader never gets an error or a partial
event, and what it sees only grows, up to the whole import."""
import json
import subprocess

import pytest

import annals

SPEAKERS = ["Ada", "Bob", "Cleo", "Dmitri"]
TOTAL = 60_000


def generated(i):
    """Statement i of the generated file; every field derives from i, so a
    reader can check each row it sees is whole."""
    return {"id": f"gen-{i}", "speaker": SPEAKERS[i % 4], "targets": [f"Target {i % 7}"],
            "verb": "said", "code": f"{10 + i % 90:03d}", "topics": [f"topic {i % 5}"],
            "content": f"generated statement {i}",
            "occurred_at": f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "source": {"outlet": f"Outlet {i % 3}"}}


def check_whole(row):
    i = int(row["id"].split("-")[1])
    want = generated(i)
    for key in ("speaker", "targets", "verb", "code", "topics", "content", "occurred_at"):
        assert row[key] == want[key], (key, row)
    assert row["source"]["outlet"] == want["source"]["outlet"]


def test_reader_beside_a_cli_import(tmp_path, cli):
    store = tmp_path / "store"
    big = tmp_path / "big.jsonl"
    with big.open("w") as f:
        for i in range(1, TOTAL + 1):
            f.write(json.dumps(generated(i)) + "\n")
    # The store exists (and its timelines are built) before the import.
    with annals.open(store, create=True) as db:
        db.append(generated(0))
        assert len(db.timeline(actor="Ada")) == 1

    importer = subprocess.Popen([cli, "--db", str(store), "import", str(big)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    heads, sizes, rounds = [], [], 0
    with annals.open(store, read_only=True) as reader:
        seen_seq = 0
        while True:
            running = importer.poll() is None
            head = reader.refresh()
            heads.append(head)
            rows = reader.timeline(actor="Ada")
            sizes.append(len(rows))
            for row in rows[-50:]:
                check_whole(row)
                assert row["seq"] <= head
            # The log up to the head, streamed: whole events, gapless.
            for event in reader.log(from_seq=seen_seq + 1):
                assert event["seq"] == seen_seq + 1
                check_whole(event)
                seen_seq = event["seq"]
            assert seen_seq == head
            rounds += 1
            if not running:
                break
        out, err = importer.communicate()
        assert importer.returncode == 0, err
        assert f"imported {TOTAL}" in out + err
        final = reader.refresh()
    print(f"reader: {rounds} rounds, heads {heads[:3]}...{heads[-3:]}")
    assert final == TOTAL + 1
    assert heads == sorted(heads) and sizes == sorted(sizes)  # only ever grows
    assert heads[-1] == TOTAL + 1

    # Once the writer is gone, a reader sees its projections' final state.
    with annals.open(store) as db:
        expected = len(db.timeline(actor="Ada"))
    with annals.open(store, read_only=True) as reader:
        assert len(reader.timeline(actor="Ada")) == expected == TOTAL // 4 + 1


def test_second_writer_is_told_who_holds_the_store(tmp_path, cli):
    store = tmp_path / "store"
    with annals.open(store, create=True) as db:
        db.append(generated(1))
        r = subprocess.run([cli, "--db", str(store), "append", "--speaker", "x",
                            "--verb", "said", "--content", "y", "--at", "2025"],
                           capture_output=True, text=True)
        assert r.returncode == 2
        assert "is in use by another process: pid" in r.stderr
        assert "python" in r.stderr  # the holder's command line
        # A CLI query answers beside the writer.
        q = subprocess.run([cli, "--db", str(store), "log", "--format", "jsonl"],
                           capture_output=True, text=True)
        assert q.returncode == 0, q.stderr
        assert json.loads(q.stdout)["id"] == "gen-1"
