"""db.series_frame against a brute force over db.timeline: random statements
with corrections, retractions and aliases, at several as-of points, every
period length; coarse-dated statements as rows of their own."""
import collections
import datetime
import random

import pytest

import annals


def _label(row, by):
    """The period of a timeline row, by pandas-free arithmetic."""
    text = row["occurred_at"]
    if len(text) == 4 or by == "year":
        return text[:4], len(text) == 4 and by != "year"
    if len(text) == 7 or by == "month":
        return text[:7], len(text) == 7 and by != "month"
    day = datetime.date.fromisoformat(text[:10])
    if by == "day":
        return day.isoformat(), False
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}", False


def _brute(rows, by):
    fine, coarse = collections.Counter(), collections.Counter()
    for r in rows:
        label, is_coarse = _label(r, by)
        (coarse if is_coarse else fine)[label] += 1
    return fine, coarse


@pytest.fixture
def db(store_path):
    rng = random.Random(2107)
    names = ["Ada", "ada ", "Bob", "Cy", "Dee"]
    dates = ["2024", "2024-02", "2024-02-29", "2024-03-04", "2024-12-30", "2025-01-05",
             "2025-03", "2025-03-31T23:59:59Z", "2023-01-01"]
    with annals.open(str(store_path), create=True) as s:
        seqs = []
        for i in range(150):
            seqs.append(s.append({
                "speaker": rng.choice(names), "targets": [rng.choice(names)],
                "verb": "said", "code": rng.choice(["010", "112", "190", "X1"]),
                "content": f"s{i}", "occurred_at": rng.choice(dates),
                "attributes": {"GoldsteinScale": rng.choice(["-5", "2.5", "x"])}}))
            if i % 17 == 3:
                s.retract(rng.choice(seqs[:-1]), "wrong")
            elif i % 13 == 5:
                try:
                    s.correct(rng.choice(seqs), reason="date", occurred_at=rng.choice(dates))
                except annals.Error:
                    pass  # retracted already
            if i == 90:
                s.alias("Cy", "Bob")
        yield s


@pytest.mark.parametrize("by", ["day", "week", "month", "year"])
def test_series_frame_counts_what_the_timeline_lists(db, by):
    head = db.stats()["head"]
    for as_of in (head, head // 2, 40):
        for actor in ("ada", "Bob", "Cy"):
            frame = db.series_frame(actor=actor, by=by, as_of=as_of)
            fine, coarse = _brute(db.timeline(actor=actor, as_of=as_of), by)
            got_fine = frame[~frame["coarse"]]["count"]
            got_coarse = frame[frame["coarse"]]["count"]
            assert {k: v for k, v in got_fine.items() if v} == dict(fine)
            assert dict(got_coarse.items()) == dict(coarse)
            assert list(got_fine.index) == sorted(got_fine.index)  # in time order
            if fine:  # empty periods are zero rows between the first and last
                assert got_fine.index[0] == min(fine) and got_fine.index[-1] == max(fine)
            assert frame["count"].dtype == "int64"
            assert frame.index.name == "period"


def test_measures_and_bounds(db):
    frame = db.series_frame(actor="Bob", by="month", measure="all", start="2024-02",
                            end="2025-03")
    assert list(frame.columns) == ["precision", "coarse", "count", "scored", "goldstein_sum",
                                   "goldstein_mean", "quad1", "quad2", "quad3", "quad4"]
    fine = frame[~frame["coarse"]]
    assert fine.index[0] == "2024-02" and fine.index[-1] == "2025-03"
    assert len(fine) == 14  # every month, empty ones as zeros
    assert (frame["quad1"] + frame["quad2"] + frame["quad3"] + frame["quad4"]
            <= frame["count"]).all()  # "X1" is no CAMEO code
    scored = frame[frame["scored"] > 0]
    assert ((scored["goldstein_mean"] - scored["goldstein_sum"] / scored["scored"]).abs()
            < 1e-9).all()
    assert frame[frame["scored"] == 0]["goldstein_mean"].isna().all()
    assert list(db.series_frame(actor="Bob", measure="goldstein-mean").columns) == [
        "precision", "coarse", "count", "goldstein_mean"]
    with pytest.raises(annals.InvalidArgumentError):
        db.series_frame(actor="Bob", by="fortnight")
    with pytest.raises(annals.InvalidArgumentError):
        db.series_frame(topic="x", role="speaker")
    with pytest.raises(annals.InvalidArgumentError):
        db.series_frame(actor="Bob", start="2025", end="2024")
