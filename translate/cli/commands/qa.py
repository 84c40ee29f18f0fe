"""translate qa: automatic QA of drafts and post-edits, riskiest segments first."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import settings_from, workdir_option

USAGE_ERROR = 2


@click.command("qa")
@click.argument("articles", nargs=-1)
@workdir_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "github"]), default="text",
              show_default=True, help="Report format: text, JSON, JUnit XML or GitHub annotations.")
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="warning", show_default=True,
              help="Report findings at or above this severity (the exit code counts errors whatever this is).")
@click.option("--order", type=click.Choice(["risk", "document"]), default="risk", show_default=True,
              help="risk: the riskiest segments first; document: in article order.")
@click.option("--all", "show_all", is_flag=True, help="Text: list every segment with its risk, not only those with findings.")
@click.option("--top", type=click.IntRange(1), default=None, help="Text: only the N riskiest segments.")
@click.option("--glossary", type=click.Path(path_type=Path), default=None,
              help="Glossary for the glossary check [translate.toml, else glossary/; else the pair file's term hits].")
@click.option("--write/--no-write", default=True, show_default=True,
              help="Record the findings in the pair files (notes a CAT tool shows); --no-write for a read-only CI check.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.pass_context
def command(ctx: click.Context, articles: tuple[str, ...], workdir: Path | None, fmt: str, min_severity: str,
            order: str, show_all: bool, top: int | None, glossary: Path | None, write: bool,
            output: Path | None) -> None:
    """Automatic QA of drafts and post-edits, the riskiest segments first.

    Checks ARTICLE... (slugs, English files or pair files), or every pair file of the workspace:

    Numbers and amounts in French form, inline codes, untranslated text and English words,
    repetition loops, length ratio, omissions, quotes and brackets, glossary terms, consistency.
    Each segment gets a risk score explained in one line; the riskiest are listed first.
    Exit 0 when no unwaived error remains, 1 when one does (CI can hold a publication back),
    2 on usage errors. Checks are switched off or re-graded under [qa] in translate.toml;
    a reviewer waives one check on one segment with `translate review waive`.
    """
    from translate.core.errors import TranslateError, UsageError
    from translate.core.fsio import atomic_write_text
    from translate.qa.config import qa_config
    from translate.qa.report import FORMATS, context_for
    from translate.qa.workspace import check_workspace, load_pair_files, resolve_pair_files, write_findings

    settings = settings_from(ctx)
    folder = workdir or settings.workdir
    try:
        paths = resolve_pair_files(list(articles), folder)
    except TranslateError as exc:
        raise UsageError(str(exc)) from None
    if not paths:
        click.echo(f"Warning: {folder} holds no pair files (*.xlf); nothing to check.", err=True)
    config = qa_config(settings.source)
    terms = None
    glossary_path = glossary or settings.glossary
    if glossary_path is not None and Path(glossary_path).exists():
        from translate.glossary.entries import load_glossary

        terms = load_glossary(Path(glossary_path))
    elif glossary is not None:
        raise UsageError(f"--glossary {glossary}: no such file or folder. Give a glossary TSV/TBX file or folder.")
    loaded = load_pair_files(paths)
    report = check_workspace(loaded, config, glossary=terms)
    text = FORMATS[fmt](report, context_for(loaded), min_severity=min_severity, order=order, show_all=show_all,
                        limit=top)
    if output is not None:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    if write:
        changed = write_findings(loaded, report)
        if changed:
            click.echo(f"QA findings recorded in {len(changed)} pair file(s) (notes with category \"qa\").", err=True)
    ctx.exit(1 if report.errors else 0)
