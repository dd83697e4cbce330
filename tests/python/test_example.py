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
