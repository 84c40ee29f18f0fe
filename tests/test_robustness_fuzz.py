"""Fuzzing every parser we expose (see tests/robustness_targets.py for the targets and inputs).

Property: any input gives a result, or one of our own TranslateError types whose message names
the file; never another exception. Example counts are modest and derandomised so the suite is
fast and repeatable; scripts/fuzz_long.py runs the same targets with many random examples.
ROBUSTNESS_EXAMPLES=N raises the count here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from robustness_targets import TARGETS, check_input

EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # hangs are the long run's business; the suite never fails on time
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_parser_survives_hostile_input(target):
    missing = target.available()
    if missing:
        pytest.skip(missing)
    examples = max(5, EXAMPLES // 4) if "CLI" in target.name else EXAMPLES

    @settings(FUZZ, max_examples=examples)
    @given(target.strategy())
    def run(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            check_input(target, data, Path(folder))

    run()


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_seed_is_accepted(target):
    """The unmutated seed parses: otherwise the fuzzing would only ever explore refusals."""
    missing = target.available()
    if missing:
        pytest.skip(missing)
    from translate.core.errors import TranslateError

    with tempfile.TemporaryDirectory() as folder:
        result = check_input(target, target.seed(), Path(folder))
    assert not isinstance(result, TranslateError), f"{target.name}: the valid seed was refused: {result}"


@pytest.mark.parametrize("name,data", [
    ("empty", b""),
    ("whitespace", b" \n\t\r\n "),
    ("NUL bytes", b"\x00" * 64),
    ("BOM only", b"\xef\xbb\xbf"),
    ("UTF-16 BOM", "hello".encode("utf-16")),
    ("Latin-1", "caf\u00e9 cr\u00e8me".encode("latin-1")),
    ("truncated UTF-8", "Gen\u00e8ve".encode()[:-1]),
    ("binary", bytes(range(256)) * 4),
    ("a gzip header", b"\x1f\x8b\x08\x00" + b"\x00" * 60),
    ("one huge line", b"word " * 50_000),
])
def test_every_parser_on_classic_bad_files(name, data, tmp_path):
    """The files translators actually get wrong, through every parser: a result or a clear error."""
    for target in TARGETS:
        if target.available() or "CLI" in target.name:
            continue
        check_input(target, data, tmp_path / target.name.replace(" ", "_").replace("/", "_"))


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_each_hostile_piece_in_a_valid_file(target, tmp_path):
    """Deterministic coverage: every hostile piece, planted at the start, middle and end of the seed."""
    missing = target.available()
    if missing:
        pytest.skip(missing)
    if "CLI" in target.name:
        pytest.skip("the CLI path is covered by the fuzzing above; this loop runs the library")
    from robustness_targets import HOSTILE

    seed = target.seed()
    # The heavier targets (whole pipelines) get the piece in the middle only.
    heavy = "to pair file" in target.name or "workspace" in target.name or "HTML" in target.name
    for number, piece in enumerate(HOSTILE):
        for where in ((len(seed) // 2,) if heavy else (0, len(seed) // 2, len(seed))):
            check_input(target, seed[:where] + piece + seed[where:], tmp_path / f"{number}-{where}")


def test_regression_meta_without_type(tmp_path):
    """Found by the long fuzz run: a <mda:meta> with no type attribute crashed reading a pair file."""
    from robustness_targets import xliff21_seed

    from translate.formats.xliff import read_pair_file

    path = tmp_path / "summit.xlf"
    path.write_bytes(xliff21_seed().replace(b'<mda:meta type="language">', b"<mda:meta>", 1))
    article, _ = read_pair_file(path)
    assert article.slug == "summit"


def test_regression_publish_format_error_names_the_file(tmp_path):
    """Found by the long fuzz run: a bad [publish] format in translate.toml did not name the file."""
    from translate.core.config import load_settings
    from translate.core.errors import ConfigError
    from translate.publish.publisher import publish_config

    path = tmp_path / "translate.toml"
    path.write_text('[publish]\nformat = "pdf"\n')
    with pytest.raises(ConfigError, match=r"translate\.toml: \[publish\] format 'pdf'"):
        publish_config(load_settings(path=path))
