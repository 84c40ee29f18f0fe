"""The CLI starts without the heavy libraries and reports user errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from translate.cli.group import main


def test_help_does_not_import_torch_or_transformers():
    code = (
        "import sys; from click.testing import CliRunner; from translate.cli.group import main;"
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output;"
        "bad = [m for m in ('torch', 'transformers', 'sentencepiece') if m in sys.modules];"
        "print('LOADED', bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED []" in out


def test_every_command_has_help_text():
    def walk(group, prefix=()):
        for name, cmd in group.commands.items():
            yield prefix + (name,), cmd
            if hasattr(cmd, "commands"):
                yield from walk(cmd, prefix + (name,))

    for path, cmd in walk(main):
        assert (cmd.help or "").strip(), f"translate {' '.join(path)} has no help text"
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path


def test_unknown_option_is_a_usage_error():
    result = CliRunner().invoke(main, ["run", "--frobnicate", "x.txt"])
    assert result.exit_code == 2
    assert "No such option" in result.output


@pytest.mark.parametrize("args, message", [
    (["model", "info", "--model", "no-model", "--backend", "transformers", "--compute-type", "int8"],
     "--compute-type is a CTranslate2 setting"),
    (["model", "info", "--model", "no-model", "--dtype", "float32", "--compute-type", "int8"],
     "name different backends"),
    (["review", "serve", "--host", "0.0.0.0", "--port", "0"], "reachable from other machines: give a token"),
    (["review", "serve", "--host", "0.0.0.0", "--port", "0", "--token", "short"], "--token: the token must be at least"),
    (["review", "serve", "--workdir", "missing", "--port", "0"], "missing: no such workspace"),
    (["glossary", "check", "--workdir", "work"], "no glossary: pass --glossary"),
])
def test_usage_errors_take_the_one_error_path(args, message, tmp_path, monkeypatch):
    """Contradicting options and missing inputs: exit 2, one `Error:` line from the CLI's one
    error mapping (no click usage banner), no traceback, nothing loaded or served."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # no translate.toml above: the defaults apply
    monkeypatch.delenv("TRANSLATE_REVIEW_TOKEN", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert lines[-1] == errors[0] and "Usage:" not in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
