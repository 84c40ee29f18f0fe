"""The CLI starts without the heavy libraries and reports user errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys

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
