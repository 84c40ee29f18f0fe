"""translate pair: pair files to and from CAT tools."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import settings_from, workdir_option


@click.group("pair")
def command() -> None:
    """Exchange pair files with CAT tools (XLIFF 2.1, XLIFF 1.2, TMX)."""


@command.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--article", default=None, metavar="SLUG", help="Refuse the file unless it belongs to this article.")
@click.option("--by", default=None, metavar="NAME", help="Who edited and approved the file's segments [your login].")
@click.option("--keep-conflicts", is_flag=True,
              help="Units changed on top of an older revision: keep their text in the segment's history "
                   "(the workspace's newer text stays) instead of refusing the whole file.")
@workdir_option
@click.pass_context
def import_(ctx: click.Context, file: Path, article: str | None, by: str | None, keep_conflicts: bool,
            workdir: Path | None) -> None:
    """Take back FILE (XLIFF 2.1 or 1.2) edited in a CAT tool into the article's pair file.

    The file is validated and matched unit by unit with the pair file; it is refused as a whole
    (nothing changes) when a source was altered, a unit is missing or foreign, or a target is
    not French. Approved segments go into the translation memory.

    Each unit carries the revision it was exported from: a unit the file left untouched while
    the workspace moved on is left alone; one it changed on top of newer work is a conflict,
    refused with both texts shown (or kept in the history with --keep-conflicts). A human text
    an import replaces is kept in the segment's history.
    """
    from translate.pipeline.memory import default_memory_path
    from translate.formats.exchange import import_pair_file
    from translate.qa.config import qa_config

    settings = settings_from(ctx)
    workdir = workdir or settings.workdir
    report = import_pair_file(file, workdir, article=article, by=by,
                              memory=settings.memory or default_memory_path(workdir),
                              keep_conflicts_as_history=keep_conflicts, qa=qa_config(settings.source))
    states = ", ".join(f"{n} {s}" for s, n in sorted(report.states.items()))
    click.echo(f"{report.slug}: imported XLIFF {report.version} ({report.units} units): {report.changed_targets} "
               f"targets changed, {report.changed_states} states changed; now {states} -> {report.pair_file}")
    if report.stale_kept:
        click.echo(f"{report.stale_kept} unit(s) of this file were older than the workspace and left as they are "
                   "(newer work kept).")
    if report.history_added:
        click.echo(f"{report.history_added} earlier human text(s) kept in the segments' history.")
    for line in report.conflicts:
        click.echo(f"Warning: conflict kept in the history, not imported: {line}", err=True)
    for warning in report.warnings:
        click.echo(f"Warning: {file}: {warning}", err=True)
    if report.qa_errors:
        click.echo(f"{report.slug}: QA: {report.qa_errors} error(s) to fix or waive before publishing "
                   f"(translate qa {report.slug})", err=True)
    if report.warning:
        click.echo(f"Warning: {report.warning}", err=True)


@command.command("export")
@click.argument("article")
@click.option("--format", "fmt", type=click.Choice(["xliff21", "xliff12", "tmx"]), default="xliff21", show_default=True,
              help="xliff21: the pair file; xliff12: for older CAT tools; tmx: the approved segments as a memory.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here [stdout].")
@workdir_option
@click.pass_context
def export(ctx: click.Context, article: str, fmt: str, output: Path | None, workdir: Path | None) -> None:
    """Export ARTICLE (slug, English file or pair file) for a CAT tool."""
    from translate.pipeline.articleref import resolve_article
    from translate.core.fsio import atomic_write_bytes
    from translate.formats.exchange import export_article
    from translate.formats.xliff import read_pair_file

    settings = settings_from(ctx)
    ref = resolve_article(article, workdir or settings.workdir)
    art, stamp = read_pair_file(ref.pair_file)
    data = export_article(art, stamp, fmt)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        atomic_write_bytes(output, data)
        click.echo(f"{ref.slug}: {fmt} -> {output}", err=True)


@command.command("prune-history")
@click.argument("article")
@click.option("--segments", default=None, metavar="ID,ID...", help="Only these segments [all].")
@workdir_option
@click.pass_context
def prune_history_(ctx: click.Context, article: str, segments: str | None, workdir: Path | None) -> None:
    """Discard the earlier human texts kept in ARTICLE's history (all, or of --segments).

    The history keeps every human text a segment ever had (replaced by an import, a changed or
    removed English sentence, a conflict); this is the one command that removes it.
    """
    from translate.core.errors import InputError
    from translate.formats.xliff import read_pair_file, write_pair_file
    from translate.pipeline.article_lock import article_lock
    from translate.pipeline.articleref import resolve_article
    from translate.pipeline.history import prune_history

    settings = settings_from(ctx)
    work = workdir or settings.workdir
    ref = resolve_article(article, work)
    ids = [i.strip() for i in segments.split(",") if i.strip()] if segments else None
    with article_lock(work, ref.slug):
        art, stamp = read_pair_file(ref.pair_file)
        if ids is not None:
            unknown = [i for i in ids if i not in {s.id for s in art.segments}]
            if unknown:
                raise InputError(f"{ref.pair_file}: no segment(s) {', '.join(unknown[:8])} in article {ref.slug!r}. "
                                 "Nothing was pruned.")
        removed = prune_history(art, ids)
        if removed:
            write_pair_file(ref.pair_file, art, stamp)
    click.echo(f"{ref.slug}: {removed} history entr{'y' if removed == 1 else 'ies'} discarded -> {ref.pair_file}")
