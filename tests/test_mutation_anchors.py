"""The mutation check's anchors still match the sources (fast; the mutation run itself is by hand).

scripts/mutation_check.py breaks one safeguard at a time by an exact text replacement. When a
refactor moves the code an anchor points at, this test fails, instead of the mutation silently
disappearing. The full run (`python scripts/mutation_check.py`, docs/testing.md) is not part of
the suite: it runs the relevant tests once per mutation.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mutation_check():
    spec = importlib.util.spec_from_file_location("mutation_check", ROOT / "scripts" / "mutation_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_every_anchor_matches_exactly_once(mutation_check):
    assert mutation_check.anchor_problems() == []
    names = {m.name for m in mutation_check.MUTATIONS}
    # The safeguards the issue names are all there.
    assert {"forcing-off", "repair-off", "forcing-and-repair-off", "merge-mt-over-human", "import-altered-source",
            "publish-gate-off"} <= names


def test_a_gone_anchor_is_an_error_not_a_pass(mutation_check, tmp_path):
    edit = mutation_check.MUTATIONS[0].edits[0]
    copy = tmp_path / edit.path
    copy.parent.mkdir(parents=True)
    shutil.copy(ROOT / edit.path, copy)
    copy.write_text(copy.read_text("utf-8").replace(edit.old, edit.old.replace("return", "return  ")), "utf-8")
    with pytest.raises(mutation_check.AnchorError, match="anchor found 0 times"):
        mutation_check.apply(tmp_path, (edit,))
    assert any("anchor found 0 times" in p for p in mutation_check.anchor_problems(tmp_path))


def test_applied_mutations_compile_and_change_the_file(mutation_check, tmp_path):
    for mutation in mutation_check.MUTATIONS:
        for edit in mutation.edits:
            target = tmp_path / mutation.name / edit.path
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / edit.path, target)
        originals = mutation_check.apply(tmp_path / mutation.name, mutation.edits)
        assert all(path.read_text("utf-8") != text for path, text in originals.items()), mutation.name
