"""translate publish: the French article from its approved pair file."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import settings_from, workdir_option


@click.command("publish")
@click.argument("article")
@workdir_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the French pages [translate.toml, else corpus/fr].")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default=None,
              help="html: a complete HTML5 page; md: Markdown with front matter [html].")
@click.option("--draft", is_flag=True,
              help="Publish an unreviewed machine translation: marked as such, noindex, not gated on review.")
@click.option("--templates", "--template", "templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of Jinja2 templates overriding the packaged ones by name (article.html.j2, ...).")
@click.option("--index", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The publication manifest [index.json beside the output folder: corpus/index.json].")
@click.option("--glossary", type=click.Path(path_type=Path), default=None,
              help="Glossary the gate checks the article against [translate.toml, else glossary/].")
@click.option("--typography/--no-typography", default=None,
              help="French typography rules (guillemets, spaces before ; : ! ?, 4,3...) [on].")
@click.pass_context
def command(ctx: click.Context, article: str, workdir: Path | None, out: Path | None, fmt: str | None, draft: bool,
            templates: Path | None, index: Path | None, glossary: Path | None, typography: bool | None) -> None:
    """Publish the French version of ARTICLE (a slug, the English source file or its pair file).

    Refused unless every segment is final and the glossary check passes; the message lists the
    segments holding it back. Writes OUT/<slug>.html (or .md) and the entry in the manifest
    (corpus/index.json) that gives the English page its "Read in French" link. Publishing the
    same pair file again gives the same bytes; a failure leaves the previous version in place.
    """
    from translate.publish.publisher import glossary_check_for, locate_pair_file, publish_config, publish_pair_file
    from translate.qa.config import qa_config
    from translate.qa.gate import qa_check_for

    settings = settings_from(ctx)
    pair = locate_pair_file(article, workdir or settings.workdir)
    config = publish_config(settings, out=out, fmt=fmt, templates=templates, index=index, typography=typography)
    config.draft = draft
    check, label = glossary_check_for(glossary or settings.glossary, config.rules)
    qa_check, qa_label = qa_check_for(qa_config(settings.source))
    result = publish_pair_file(pair, config, glossary_check=check, glossary_label=label, qa_check=qa_check,
                               qa_label=qa_label)
    for warning in result.warnings:
        click.echo(f"Warning: {result.slug}: {warning}", err=True)
    what = "draft (machine translation, noindex)" if result.status == "draft" else "published"
    same = "" if result.changed else " (unchanged)"
    click.echo(f"{result.slug}: {what}, {result.segments} segments -> {result.path}{same}")
    click.echo(f"  manifest {result.index}; published {result.published}; glossary: {result.glossary}; QA: {result.qa}")

