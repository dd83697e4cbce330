"""Store.import_file reads `annals log --format jsonl` as `annals import`
does (issue 17): statements, corrections, retractions and aliases, with the
same row accounting and the same reject kinds."""
import json
import subprocess

import annals


def open_new(path):
    return annals.open(path, create=True)


def cli_run(cli, db, *args, stdin=""):
    return subprocess.run([cli, "--db", str(db), *args], input=stdin, text=True,
                          capture_output=True, check=False)


def make_source(cli, db):
    for content in ("one", "two", "three"):
        r = cli_run(cli, db, "append", "--speaker", "Ada", "--verb", "said", "--at", "2018",
                    "--content", content)
        assert r.returncode == 0, r.stderr
    for args in (("correct", "1", "--content", "uno", "--reason", "typo"),
                 ("retract", "2", "--reason", "wrong"),
                 ("alias", "Ann", "Ada")):
        r = cli_run(cli, db, *args)
        assert r.returncode == 0, r.stderr
    r = cli_run(cli, db, "log", "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_log_imports_as_the_cli_imports_it(cli, tmp_path):
    log = make_source(cli, tmp_path / "source")
    path = tmp_path / "log.jsonl"
    path.write_text(log)
    with open_new(tmp_path / "py") as db:
        summary = db.import_file(str(path))
        assert (summary["read"], summary["imported"], summary["rejected"]) == (6, 6, 0)
        kinds = [e["kind"] for e in db.log()]
        assert kinds == ["statement"] * 3 + ["correction", "retraction", "actor_alias"]
        again = db.import_file(str(path))
        assert (again["imported"], again["duplicates"]) == (0, 6)
    r = cli_run(cli, tmp_path / "cli", "import", str(path))
    assert r.returncode == 0, r.stderr
    def export(db):
        out = cli_run(cli, db, "export", "--format", "jsonl", "--include-retracted").stdout
        rows = [json.loads(line) for line in out.splitlines()]
        for row in rows:
            row.pop("recorded_at", None)
        return rows
    py_rows = export(tmp_path / "py")
    assert py_rows == export(tmp_path / "cli")
    assert [r["content"] for r in py_rows] == ["uno", "two", "three"]


def test_refused_amendments_are_rejects_with_their_kinds(cli, tmp_path):
    rows = make_source(cli, tmp_path / "source").splitlines()
    # The retraction again, under another reason: its target is retracted
    # by the row before; then an alias making a cycle with the input's own.
    retract_again = json.loads(rows[4])
    retract_again["reason"] = "again"
    cycle = {"kind": "actor_alias", "alias": "ada", "canonical": "ann"}
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(rows + [json.dumps(retract_again), json.dumps(cycle)]) + "\n")
    with open_new(tmp_path / "strict") as db:
        summary = db.import_file(str(path), strict=True)
        assert (summary["imported"], summary["rejected"], summary["held_back"]) == (0, 2, 6)
        assert [(r["line"], r["kind"]) for r in summary["rejects"]] == [
            (7, "target retracted"), (8, "alias cycle")]
        assert db.head == 0
    with open_new(tmp_path / "loose") as db:
        summary = db.import_file(str(path))
        assert (summary["imported"], summary["rejected"]) == (6, 2)
        assert [r["kind"] for r in summary["rejects"]] == ["target retracted", "alias cycle"]
        assert db.head == 6
