"""translate tm: the translation memory."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import settings_from, workdir_option


def _memory_path(ctx: click.Context, workdir: Path | None, memory: Path | None) -> tuple[Path, Path]:
    from translate.pipeline.memory import default_memory_path

    settings = settings_from(ctx)
    work = workdir or settings.workdir
    return work, memory or settings.memory or default_memory_path(work)


def memory_option(func):
    return click.option("--memory", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Memory database [translate.toml, else <workdir>/memory.sqlite].")(func)


@click.group("tm")
def command() -> None:
    """The translation memory: approved segments, reused before MT."""


@command.command("stats")
@memory_option
@workdir_option
@click.pass_context
def stats(ctx: click.Context, memory: Path | None, workdir: Path | None) -> None:
    """How many entries the memory holds, and where they came from."""
    from translate.pipeline.memory import TranslationMemory

    _, path = _memory_path(ctx, workdir, memory)
    with TranslationMemory.open(path, create=False) as tm:
        figures = tm.stats()
    click.echo(f"{path}")
    for name, value in figures.items():
        click.echo(f"  {name:<17} {value:>8,}")


@command.command("rebuild")
@memory_option
@workdir_option
@click.pass_context
def rebuild(ctx: click.Context, memory: Path | None, workdir: Path | None) -> None:
    """Recreate the memory's pair-file entries from every pair file in the workspace.

    Imported (TMX) entries are kept. All pair files are read before the memory is touched: one
    unreadable file stops the rebuild and changes nothing.
    """
    from translate.pipeline.memory import TranslationMemory
    from translate.formats.xliff import read_pair_file

    work, path = _memory_path(ctx, workdir, memory)
    files = sorted(Path(work).glob("*.xlf"))
    articles = [read_pair_file(f)[0] for f in files]
    with TranslationMemory.open(path) as tm:
        count = tm.rebuild(articles)
    click.echo(f"{path}: {count} approved segments from {len(files)} pair files")


@command.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@memory_option
@workdir_option
@click.pass_context
def import_(ctx: click.Context, file: Path, memory: Path | None, workdir: Path | None) -> None:
    """Add a TMX 1.4 memory FILE (English → French). All or nothing."""
    from translate.pipeline.memory import TranslationMemory
    from translate.formats.tmx import read_tmx_file

    _, path = _memory_path(ctx, workdir, memory)
    entries = read_tmx_file(file)
    for entry in entries:
        entry.origin = f"tmx:{Path(file).name}"
    with TranslationMemory.open(path) as tm:
        added, skipped = tm.add(entries)
    click.echo(f"{path}: {added} entries added from {file} ({skipped} already there)")


@command.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write here [stdout].")
@memory_option
@workdir_option
@click.pass_context
def export(ctx: click.Context, output: Path | None, memory: Path | None, workdir: Path | None) -> None:
    """Write the whole memory as TMX 1.4b."""
    from translate.core.fsio import atomic_write_bytes
    from translate.pipeline.memory import TranslationMemory
    from translate.formats.tmx import write_tmx

    _, path = _memory_path(ctx, workdir, memory)
    with TranslationMemory.open(path, create=False) as tm:
        entries = tm.entries()
    data = write_tmx(entries)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        atomic_write_bytes(output, data)
        click.echo(f"{len(entries)} entries -> {output}", err=True)
