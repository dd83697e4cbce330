"""Shared fixtures for the Python tests. Run by CTest with PYTHONPATH set to
the build tree's python/ directory and ANNALS_CLI to the built CLI."""
import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = SOURCE_DIR / "tools" / "samples" / "rare-earths-talks.jsonl"


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "store"


@pytest.fixture
def cli():
    path = os.environ.get("ANNALS_CLI")
    if not path:
        pytest.skip("ANNALS_CLI is not set (run through ctest)")
    return path
