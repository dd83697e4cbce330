"""What the Python entry paths refuse, as the CLI and C++ do: NUL (U+0000)
in any text field (issue 16.15)."""
import pytest

import annals


def open_new(path):
    try:
        return annals.open(path, create=True)
    except TypeError:  # a module from before open(create=)
        return annals.open(path)


def statement(**extra):
    s = {"speaker": "Ada", "targets": ["Bob"], "verb": "said", "code": "010",
         "content": "statement", "occurred_at": "2025-03-01"}
    s.update(extra)
    return s


@pytest.mark.parametrize("field,value", [
    ("speaker", "A\x00da"),
    ("content", "\x00"),
    ("targets", ["Bob", "B\x00b"]),
    ("attributes", {"k": "v\x00"}),
])
def test_nul_in_text_is_rejected_by_append(store_path, field, value):
    with open_new(store_path) as db:
        with pytest.raises(annals.Error) as err:
            db.append(statement(**{field: value}))
        assert "NUL" in str(err.value)
        assert db.head == 0


def test_nul_in_an_imported_file_is_rejected(store_path, tmp_path):
    path = tmp_path / "nul.jsonl"
    path.write_text('{"speaker": "Ada", "verb": "said", "occurred_at": "2020",'
                    ' "content": "a\\u0000b"}\n')
    with open_new(store_path) as db:
        summary = db.import_file(str(path))
        assert summary["rejected"] == 1
        assert "NUL" in summary["rejects"][0]["reason"]
        assert db.head == 0
