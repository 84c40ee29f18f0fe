"""translate run: articles to pair files with machine drafts."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import (glossary_option, load_engine, load_run_glossary, model_options, settings_from,
                           workdir_option)


@click.command("run")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@model_options
@glossary_option
@workdir_option
@click.pass_context
def command(ctx: click.Context, articles: tuple[Path, ...], model: str | None, device: str | None,
        beam_size: int | None, dtype: str | None, glossary: Path | None, workdir: Path | None) -> None:
    """Translate ARTICLE files into pair files (XLIFF 2.1) with French machine drafts.

    Without --model the real model (Helsinki-NLP/opus-mt-en-fr) is used: from the local cache,
    else downloaded; when neither is possible the command fails and says how to fix it.
    Human work already in a pair file is kept.
    """
    from translate.pipeline.workflow import run_articles
    from translate.qa.config import qa_config


    settings = settings_from(ctx)
    glossary_path, terms = load_run_glossary(settings, glossary)
    engine = load_engine(settings, model, device, beam_size, dtype)
    label = " [random-weight test model: the French is meaningless]" if engine.is_test_model else ""
    click.echo(f"Model {engine.model_id} ({engine.backend_name}, {engine.precision_name}) on {engine.device} "
               f"(loaded in {engine.stats.load_seconds:.1f} s){label}", err=True)

    def report(result) -> None:
        if result.ok:
            click.echo(
                f"{result.slug}: {result.segments} segments ({result.machine} machine-translated, "
                f"{result.kept} kept, {result.flagged} flagged) -> {result.pair_file}{label}"
            )
            if result.tm_exact or result.tm_fuzzy:
                click.echo(f"{result.slug}: translation memory: {result.tm_exact} exact, {result.tm_fuzzy} with fuzzy matches")
            if result.qa_errors:
                click.echo(f"{result.slug}: QA: {result.qa_errors} error(s) in the drafts; riskiest first: "
                           f"translate qa {result.slug}", err=True)
            if result.warning:
                click.echo(f"Warning: {result.warning}", err=True)
        else:
            click.echo(f"Error: {result.error}", err=True)

    outcome = run_articles(list(articles), engine, workdir or settings.workdir, on_article=report,
                           memory=settings.memory, glossary=terms, qa=qa_config(settings.source))
    if outcome.locking is not None:
        paths = outcome.locking.segment_paths
        click.echo(f"Glossary {glossary_path} ({len(terms)} entries): {outcome.locking.summary()}; "
                   f"segments forced {paths.get('forced', 0)}, repaired {paths.get('repaired', 0)}", err=True)
    if outcome.failed:
        ctx.exit(1)
