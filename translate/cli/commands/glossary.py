"""translate glossary: check pair files against the glossary, suggest entries, TBX import/export."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import settings_from, workdir_option

USAGE_ERROR = 2


def _glossary_path(ctx: click.Context, given: Path | None) -> Path:
    if given is not None:
        return given
    path = settings_from(ctx).glossary
    if path is None:
        raise click.UsageError("no glossary: pass --glossary FILE|DIR, or set glossary in translate.toml.")
    return path


def _load(ctx: click.Context, given: Path | None, *, usage_code: bool = False):
    from translate.core.errors import TranslateError
    from translate.glossary.entries import load_glossary

    path = _glossary_path(ctx, given)
    try:
        glossary = load_glossary(path)
    except TranslateError as exc:
        if not usage_code:
            raise
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(USAGE_ERROR)
    for warning in glossary.warnings:
        click.echo(f"Warning: {warning}", err=True)
    return glossary


glossary_option = click.option("--glossary", "glossary_path", type=click.Path(path_type=Path), default=None,
                               help="Glossary TSV/TBX file or folder [translate.toml, else glossary/].")


@click.group("glossary")
def command() -> None:
    """The newsroom glossary: the CI check, suggestions, TBX import and export."""


@command.command("check")
@glossary_option
@workdir_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "github"]), default="text",
              show_default=True, help="Report format: text, JSON, JUnit XML or GitHub annotations.")
@click.option("--strict", is_flag=True, help="Also fail (exit 1) on entities the glossary does not cover.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.pass_context
def check(ctx: click.Context, glossary_path: Path | None, workdir: Path | None, fmt: str, strict: bool,
          output: Path | None) -> None:
    """Every glossary term in each pair file's source must be in its French (post-edit, else MT draft).

    Exit 0 when clean, 1 on violations (and on uncovered entities with --strict), 2 on usage errors
    (no glossary, a broken glossary file, no such workdir).
    """
    from translate.core.errors import TranslateError
    from translate.core.fsio import atomic_write_text
    from translate.glossary.check import FORMATS, check_pair_files, pair_files

    glossary = _load(ctx, glossary_path, usage_code=True)
    folder = workdir or settings_from(ctx).workdir
    try:
        files = pair_files(folder)
    except TranslateError as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(USAGE_ERROR)
    if not files:
        click.echo(f"Warning: {folder} holds no pair files (*.xlf); nothing to check.", err=True)
    report = check_pair_files(files, glossary)
    text = FORMATS[fmt](report, strict=strict)
    if output is not None:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    if fmt != "text" and output is None:
        click.echo(f"term accuracy {report.accuracy:.1%}, {len(report.violations)} violation(s)", err=True)
    ctx.exit(report.exit_code(strict))


@command.command("suggest")
@click.argument("corpus", nargs=-1, type=click.Path(path_type=Path))
@glossary_option
@click.option("--ner", type=click.Choice(["auto", "heuristic", "spacy"]), default="auto", show_default=True,
              help="auto: spaCy NER when installed, plus the heuristic; spacy: require it.")
@click.option("--min-count", type=click.IntRange(1), default=1, show_default=True, help="Only candidates seen this often.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the TSV here instead of standard output.")
@click.pass_context
def suggest(ctx: click.Context, corpus: tuple[Path, ...], glossary_path: Path | None, ner: str, min_count: int,
            output: Path | None) -> None:
    """Named-entity candidates in CORPUS (articles or folders of them [corpus/en]) that no entry covers.

    Prints TSV ready to paste into a glossary file, with counts and contexts as # comments; fill
    in the fr column.
    """
    from translate.glossary.entities import candidates, spacy_available, suggestions_tsv
    from translate.core.errors import InputError
    from translate.core.fsio import atomic_write_text
    from translate.ingest.reader import ingest_file

    glossary = _load(ctx, glossary_path) if (glossary_path or settings_from(ctx).glossary) else None
    use_spacy = False
    if ner != "heuristic":
        use_spacy = spacy_available()
        if ner == "spacy" and not use_spacy:
            raise InputError('--ner spacy: spaCy with an English pipeline is not installed. '
                             'Run: pip install -e ".[ner]" (spaCy) and install en_core_web_sm, or use --ner heuristic.')
    paths = list(corpus) or [Path("corpus/en")]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in (".txt", ".md", ".markdown", ".html", ".htm"))
        else:
            files.append(path)
    items = []
    for file in files:
        article = ingest_file(file)
        items += [(f"{file}", seg.source) for seg in article.segments]
    found = [c for c in candidates(items, glossary, use_spacy=use_spacy) if c.count >= min_count]
    text = suggestions_tsv(found)
    if output:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    how = "heuristic + spaCy NER" if use_spacy else "heuristic"
    click.echo(f"{len(found)} candidate(s) in {len(files)} article(s) ({how}).", err=True)


@command.command("import")
@click.argument("tbx_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The TSV file to write (e.g. glossary/imported.tsv).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@glossary_option
@click.pass_context
def import_(ctx: click.Context, tbx_file: Path, output: Path, force: bool, glossary_path: Path | None) -> None:
    """Import a TBX (TBX-Basic) file into a glossary TSV file.

    The whole file is read and checked (also against the existing glossary, for conflicts) before
    anything is written; nothing is half-imported.
    """
    from translate.core.errors import InputError
    from translate.core.fsio import atomic_write_text
    from translate.glossary.entries import entries_to_tsv, load_glossary, merge_entries
    from translate.glossary.tbx import read_tbx_file

    if output.exists() and not force:
        raise InputError(f"{output}: exists. Pass --force to overwrite it, or choose another --output.")
    entries = read_tbx_file(tbx_file)
    merged, warnings = merge_entries(entries)
    existing_path = glossary_path or settings_from(ctx).glossary
    if existing_path is not None and Path(existing_path).exists():
        existing = [p for p in _files(existing_path) if p.resolve() != output.resolve()]
        if existing:
            current = load_glossary(existing)
            merge_entries([*current.entries, *merged])  # raises on a conflict, naming both places
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    atomic_write_text(output, entries_to_tsv(merged))
    click.echo(f"Imported {len(merged)} entries from {tbx_file} into {output}.")


def _files(path: Path) -> list[Path]:
    from translate.glossary.entries import glossary_files

    return glossary_files(Path(path))


@command.command("export")
@glossary_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The TBX file to write [standard output].")
@click.pass_context
def export(ctx: click.Context, glossary_path: Path | None, output: Path | None) -> None:
    """Export the glossary as TBX (TBX-Basic, TBX v3)."""
    from translate.core.fsio import atomic_write_bytes
    from translate.glossary.tbx import entries_to_tbx

    glossary = _load(ctx, glossary_path)
    data = entries_to_tbx(glossary.entries)
    if output is None:
        click.get_binary_stream("stdout").write(data)
    else:
        atomic_write_bytes(output, data)
        click.echo(f"Exported {len(glossary)} entries to {output}.")
