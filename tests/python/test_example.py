"""tools/examples/accusations_by_month.py runs end to end on the GDELT and
ICEWS samples (../shared/data, else the copies bundled in tests/data)."""
import os
import subprocess
import sys

import pytest

import annals
from conftest import SOURCE_DIR

sys.path.insert(0, str(SOURCE_DIR / "tools" / "examples"))
import accusations_by_month as example  # noqa: E402


def test_accusations_by_month(tmp_path):
    gdelt, icews = example.find_sample("gdelt"), example.find_sample("icews")
    if gdelt is None or icews is None:
        pytest.skip("no GDELT/ICEWS sample (../shared/data or tests/data)")
    r = subprocess.run([sys.executable, str(SOURCE_DIR / "tools/examples/accusations_by_month.py"),
                        "--top", "10"], capture_output=True, text=True, env=os.environ)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["speaker", "target", "month", "accusations"]
    assert 1 <= len(lines) - 1 <= 10
    counts = [int(line.split()[-1]) for line in lines[1:]]
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 1
    assert f"{gdelt.name}: read " in r.stderr and f"{icews.name}: read " in r.stderr
    assert "rejected 0" in r.stderr


def test_monthly_accusations_counts_per_pair_and_month(tmp_path):
    """The pandas step on statements appended directly (no importer needed)."""
    def s(i, speaker, target, code, when):
        return {"speaker": speaker, "targets": [target], "verb": "accused", "code": code,
                "content": f"s{i}", "occurred_at": when}
    with annals.open(tmp_path / "store", create=True) as db:
        db.append([s(1, "A", "B", "112", "2018-01-05"), s(2, "A", "B", "1121", "2018-01-20"),
                   s(3, "A", "B", "112", "2018-02-01"), s(4, "A", "C", "111", "2018-01-05"),
                   s(5, "C", "A", "1125", "2018-01"), s(6, "A", "B", "0112", "2018-01-07")])
        counts = example.monthly_accusations(db)
    assert counts.to_dict("records") == [
        {"speaker": "A", "target": "B", "month": "2018-01", "accusations": 2},
        {"speaker": "C", "target": "A", "month": "2018-01", "accusations": 1},
        {"speaker": "A", "target": "B", "month": "2018-02", "accusations": 1},
    ]


def test_monthly_accusations_count_the_current_view(tmp_path):
    """Issue 17.1: three Trump -> North Korea accusations in 2018-06; one
    retracted, one corrected to another speaker: the answer is 1."""
    def s(i, when):
        return {"speaker": "Donald Trump", "targets": ["North Korea"], "verb": "accused",
                "code": "112", "content": f"s{i}", "occurred_at": when}
    with annals.open(tmp_path / "store", create=True) as db:
        seqs = db.append([s(1, "2018-06-01"), s(2, "2018-06-12"), s(3, "2018-06-20")])
        db.retract(seqs[0], reason="duplicate report")
        db.correct(seqs[1], speaker="Mike Pompeo", reason="wrong speaker")
        counts = example.monthly_accusations(db)
        assert counts.to_dict("records") == [
            {"speaker": "Donald Trump", "target": "North Korea", "month": "2018-06",
             "accusations": 1},
            {"speaker": "Mike Pompeo", "target": "North Korea", "month": "2018-06",
             "accusations": 1},
        ]
        frame = db.statements_frame()
        assert list(frame["seq"]) == seqs[1:]
        assert list(frame["status"]) == ["corrected", "active"]
        assert list(frame["speaker"]) == ["Mike Pompeo", "Donald Trump"]
        # As of before the retraction and correction: all three, as logged.
        before = db.statements_frame(as_of=seqs[-1])
        assert list(before["speaker"]) == ["Donald Trump"] * 3
        assert list(db.statements_frame(include_retracted=True)["status"]) == [
            "retracted", "corrected", "active"]
        assert len(db.statements_frame(start="2018-06-10", end="2018-06-15")) == 1
        assert len(db.log_frame()) == 5  # the raw log: three statements, two amendments
        # 17.2: counts as of a point and in a range, as the timelines list.
        assert db.projection_query("actors", counts=True, prefix="donald") == [
            {"key": ["Donald Trump"], "count": 1}]
        assert db.projection_query("actors", counts=True, prefix="donald",
                                   as_of=seqs[-1]) == [{"key": ["Donald Trump"], "count": 3}]
        assert db.projection_query("actors", counts=True, prefix="donald", as_of=seqs[-1],
                                   start="2018-06-10") == [{"key": ["Donald Trump"], "count": 2}]
