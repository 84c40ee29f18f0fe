"""Golden files: compared, never approved by the test itself.

A missing golden file fails the test. Writing or rewriting one is an explicit step,
``UPDATE_GOLDEN=1 python -m pytest tests/...`` (or ``make golden``), after which the diff is
reviewed and committed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
HOW = "UPDATE_GOLDEN=1 python -m pytest tests/ (or make golden), then review and commit the file"


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")


def check_golden(path: Path, data: bytes) -> None:
    """``data`` must equal the golden file at ``path``; under UPDATE_GOLDEN=1 it is (re)written first."""
    path = Path(path)
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if not path.is_file():
        pytest.fail(f"golden file {path} is missing; to create it: {HOW}.", pytrace=False)
    assert data == path.read_bytes(), f"{path.name} differs from its golden file {path} (to accept the change: {HOW})"
