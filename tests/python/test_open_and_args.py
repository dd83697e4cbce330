"""Issue 17.18 and the shared argument vocabulary (17.7, 17.14, 17.17) in
Python: opening never creates a store by accident, errors are annals.Error,
frames keep their dtypes when empty, import_file has the CLI's options, and
seqs, ids and ranges are read as the CLI reads them."""
import json
import subprocess

import pandas as pd
import pytest

import annals
from conftest import SAMPLE


def statement(n, when="2025-03-01", **extra):
    s = {"speaker": "Ada", "targets": ["Bob"], "verb": "said", "code": "010",
         "content": f"statement {n}", "occurred_at": when}
    s.update(extra)
    return s


def test_open_creates_only_when_asked(store_path):
    with pytest.raises(annals.NotFoundError) as e:
        annals.open(store_path)
    assert "create=True" in e.value.message
    assert not store_path.exists()  # a typo makes no empty store
    with pytest.raises(annals.InvalidArgumentError):
        annals.open(store_path, read_only=True, create=True)
    with annals.open(store_path, create=True) as db:
        db.append(statement(1))
    with annals.open(store_path) as db:  # exists now: no create needed
        assert db.head == 1
    with annals.open(store_path, create=True) as db:  # and create=True keeps it
        assert db.head == 1


def test_get_takes_a_seq_or_an_id_and_raises_annals_errors(store_path):
    with annals.open(store_path, create=True) as db:
        db.append(statement(1, id="icews:1:2018-01-01"))
        assert db.get("icews:1:2018-01-01") == db.get(1)
        with pytest.raises(annals.NotFoundError) as e:
            db.get("icews:9:2018-01-01")
        assert isinstance(e.value, annals.Error)
        for bad in (1.5, None, True, -1, "1"):
            with pytest.raises((annals.InvalidArgumentError, annals.NotFoundError)):
                db.get(bad)
        import numpy as np
        assert db.get(np.int64(1)) == db.get(1)  # seqs taken from a frame


def test_empty_frames_have_the_dtypes_of_full_ones(store_path):
    with annals.open(store_path, create=True) as db:
        db.import_file(SAMPLE)
        full = db.timeline_frame(actor="donald trump")
        empty = db.timeline_frame(actor="nobody at all")
        full_topic = db.timeline_frame(topic="rare earth metals")
        empty_topic = db.timeline_frame(topic="no such topic")
        full_log = db.log_frame()
        empty_log = db.log_frame(from_seq=13)
    assert len(full) > 0 and len(empty) == 0 and len(empty_log) == 0
    pd.testing.assert_series_equal(empty.dtypes, full.dtypes)
    pd.testing.assert_series_equal(empty_topic.dtypes, full_topic.dtypes)
    pd.testing.assert_series_equal(empty_log.dtypes, full_log.dtypes)
    assert str(empty["speaker"].dtype) == "object"


def test_import_file_has_the_cli_options(store_path, tmp_path):
    good = json.dumps(statement(1))
    bad_utf8 = json.dumps(statement(2)).encode().replace(b"statement 2", b"st\xffment 2")
    bad = b'{"speaker": 3}'
    path = tmp_path / "in.jsonl"
    path.write_bytes(good.encode() + b"\n" + bad_utf8 + b"\n" + bad + b"\n")
    rejects = tmp_path / "rejects.jsonl"
    for fmt in ("auto", "jsonl", "csv", "gdelt", "icews", "plover"):
        assert f'"{fmt}"' in annals.Store.import_file.__doc__
    with annals.open(store_path, create=True) as db:
        dry = db.import_file(path, dry_run=True)
        assert (dry["read"], dry["rejected"]) == (3, 2)
        assert db.head == 0
        strict = db.import_file(path, strict=True)
        assert strict["imported"] == 0 and strict["held_back"] == 1
        assert db.head == 0
        repaired = db.import_file(path, repair_utf8=True, rejects=rejects)
        assert (repaired["imported"], repaired["rejected"], repaired["repaired"]) == (2, 1, 1)
        assert repaired["repairs"][0]["line"] == 2
        assert rejects.read_bytes() == bad + b"\n"
        assert "\ufffd" in db.get(2)["content"]
        # The rejects file may neither be the input nor lie inside the store.
        with pytest.raises(annals.InvalidArgumentError):
            db.import_file(path, rejects=path)
        with pytest.raises(annals.InvalidArgumentError):
            db.import_file(path, rejects=store_path / "CURRENT")
        assert path.read_bytes().startswith(good.encode())


def test_seq_ranges_and_date_ranges(store_path):
    with annals.open(store_path, create=True) as db:
        db.append([statement(i, when=f"2025-03-{i:02d}") for i in range(1, 11)])
        assert [e["seq"] for e in db.log(from_seq=3, to_seq=5)] == [3, 4, 5]
        frame = db.log_frame(from_seq=8, to_seq=20)
        assert list(frame["seq"]) == [8, 9, 10]
        assert [e["seq"] for e in db.log(from_seq=frame["seq"].max())] == [10]
        for bad in (dict(from_seq=-5), dict(to_seq=-1), dict(limit=-1),
                    dict(from_seq=5, to_seq=4)):
            with pytest.raises(annals.InvalidArgumentError):
                list(db.log(**bad))
            with pytest.raises(annals.InvalidArgumentError):
                db.log_frame(**bad)
        with pytest.raises(annals.InvalidArgumentError) as e:
            db.timeline(actor="ada", start="2019", end="2018")
        assert "empty" in e.value.message
        assert [r["seq"] for r in db.timeline(actor="ada", start="20250302",
                                              end="2025-03-03")] == [2, 3]
        with pytest.raises(annals.InvalidArgumentError):
            db.projection_query("actors", counts=True, top=-1)


def test_correct_and_retract_take_a_seq_or_an_id_and_need_a_reason(store_path):
    with annals.open(store_path, create=True) as db:
        db.append([statement(1, id="s-1"), statement(2, id="s-2")])
        with pytest.raises(annals.InvalidArgumentError):
            db.correct("s-1", content="x")
        seq = db.correct("s-1", reason="typo", content="corrected")
        assert db.get(seq)["target"] == 1
        assert db.get(db.retract("s-2", "wrong"))["target"] == 2
        with pytest.raises(annals.NotFoundError):
            db.retract("s-9", "wrong")


def test_version_matches_the_cli(cli):
    v = annals.version()
    assert annals.__version__ == v["annals"]
    out = subprocess.run([cli, "--version"], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    assert out == [f"annals {v['annals']}",
                   f"store format {v['store_format']} (event schema {v['event_schema']})",
                   f"RocksDB {v['rocksdb']}"]
