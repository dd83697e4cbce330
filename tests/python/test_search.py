"""db.search and db.search_frame: the same hits as `annals search --format
jsonl` on the bundled sample, as of a point before a correction, and the
frame's columns."""
import json
import subprocess

import pytest

import annals
from conftest import SAMPLE


def _cli(cli, store, *args):
    done = subprocess.run([cli, "--db", str(store), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


def test_search_answers_as_the_cli_does(cli, store_path):
    _cli(cli, store_path, "import", str(SAMPLE))
    _cli(cli, store_path, "correct", "8", "--content", "Trump spoke of cobalt", "--reason",
         "typo")
    for args, kwargs in ((["rare earth"], {}), (["cobalt"], {}),
                         (['"rare earth"', "--as-of", "12"], {"as_of": 12}),
                         (["rare", "--actor", "donald trump"], {"actor": "donald trump"})):
        want = [json.loads(line) for line in
                _cli(cli, store_path, "search", *args, "--format", "jsonl").splitlines()]
        with annals.open(str(store_path), read_only=True) as db:
            got = db.search(args[0], **kwargs)
        assert [(h["seq"], h["version_seq"], h["content"]) for h in got] == \
            [(h["seq"], h["version_seq"], h["content"]) for h in want], args
        assert [h["rank"] for h in got] == list(range(1, len(got) + 1))
        assert got == sorted(got, key=lambda h: -h["score"])
    with annals.open(str(store_path), read_only=True) as db:
        frame = db.search_frame("rare earth", limit=3)
        assert list(frame.index) == [1, 2, 3]
        assert list(frame.columns) == ["score", "seq", "version_seq", "occurred_at",
                                       "speaker", "targets", "topics", "content", "quote"]
        assert frame.attrs["query"] == "rare earth"
        assert db.search_frame("nothingmatchesthis").empty
        with pytest.raises(annals.InvalidArgumentError):
            db.search("rare AND")
        with pytest.raises(annals.InvalidArgumentError):
            db.search("rare", limit=0)
