"""The ``translate`` command: a thin layer over the library.

Each command lives in its own module under :mod:`translate.cli.commands` and exposes ``command`` (a
click command or group); this module finds them, so adding a command is adding a file. Library
errors (:class:`translate.core.errors.TranslateError`) become one ``Error: ...`` line and an exit code;
heavy libraries are imported inside commands, never at start-up.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from translate import __version__
from translate.cli import commands
from translate.core.errors import TranslateError


class TranslateGroup(click.Group):
    """Finds the command modules, and turns library errors into a message, never a traceback."""

    def _modules(self) -> list[str]:
        return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        for module in self._modules():
            cmd = importlib.import_module(f"{commands.__name__}.{module}").command
            names.add(cmd.name)
        return sorted(names)

    def get_command(self, ctx: click.Context, name: str):
        found = super().get_command(ctx, name)
        if found is not None:
            return found
        for module in self._modules():
            cmd = importlib.import_module(f"{commands.__name__}.{module}").command
            if cmd.name == name:
                return cmd
        return None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TranslateError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            # The last resort for a full disk, a read-only workspace, a permission problem: one
            # line, never a traceback. Writes are atomic, so no file was left half-written.
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}. Nothing was left half-written; "
                       "free space or fix permissions, then run the command again.", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted. Pair files already written are complete; run the command again to resume.", err=True)
            ctx.exit(130)


@click.group(cls=TranslateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translate")
def main() -> None:
    """Read in French: translate English news articles into French pair files for post-editing,
    review and publishing.

    \b
    Typical flow:
      translate run corpus/en/article.txt     MT drafts into corpus/work/article.xlf
      translate segment corpus/en/article.txt preview what will be translated
    """

