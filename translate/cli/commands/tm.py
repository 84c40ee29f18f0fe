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
    """Bring the memory up to date with every pair file in the workspace (or create it).

    Adds and refreshes the approved segments the pair files hold; never drops a row: approved
    translations of sentences no pair file has any more, and imported (TMX) entries, stay
    (`translate tm prune` removes the former). All pair files are read before the memory is
    touched: one unreadable file stops the rebuild and changes nothing.
    """
    from translate.pipeline.memory import TranslationMemory
    from translate.formats.xliff import read_pair_file

    work, path = _memory_path(ctx, workdir, memory)
    files = sorted(Path(work).glob("*.xlf"))
    articles = [read_pair_file(f)[0] for f in files]
    with TranslationMemory.open(path) as tm:
        count = tm.rebuild(articles)
        archived = len(tm.prunable(articles))
    click.echo(f"{path}: {count} approved segments from {len(files)} pair files"
               + (f"; {archived} approved rows of sentences no pair file has any more kept (`translate tm prune` "
                  "removes them)" if archived else ""))


@command.command("prune")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed.")
@memory_option
@workdir_option
@click.pass_context
def prune(ctx: click.Context, dry_run: bool, memory: Path | None, workdir: Path | None) -> None:
    """Remove rows of approved sentences that no pair file in the workspace holds any more.

    Those rows are kept by every other command (the memory is an archive); this one removes
    them, listing each (article, segment, English) first. Imported (TMX) entries are never
    pruned. All pair files are read before the memory is touched.
    """
    from translate.pipeline.memory import TranslationMemory
    from translate.formats.xliff import read_pair_file

    work, path = _memory_path(ctx, workdir, memory)
    articles = [read_pair_file(f)[0] for f in sorted(Path(work).glob("*.xlf"))]
    with TranslationMemory.open(path, create=False, write=not dry_run) as tm:
        gone = tm.prunable(articles) if dry_run else tm.prune(articles)
    slugs = {a.slug for a in articles}
    for entry in gone:
        why = "sentence no longer in its pair file" if entry.article in slugs else "no pair file for this article"
        source = " ".join(entry.source.split())
        click.echo(f"  {entry.article} {entry.segment}: {source[:70] + ('…' if len(source) > 70 else '')} ({why})")
    verb = "would be removed" if dry_run else "removed"
    click.echo(f"{path}: {len(gone)} row(s) {verb}; imported entries and rows the pair files hold are kept.")


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
