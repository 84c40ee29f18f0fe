"""translate segment: preview what will be translated, and what was left out."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("segment")
@click.argument("article", type=click.Path(path_type=Path))
def command(article: Path) -> None:
    """Show the blocks and sentences of ARTICLE that will be translated, inline markup shown in
    place, and every piece left out (boilerplate, code blocks...) with the reason."""
    from translate.ingest.reader import ingest_file
    from translate.core.inline import render

    doc = ingest_file(article)
    md = doc.metadata
    click.echo(f"# {doc.slug} ({doc.format}): {len(doc.blocks)} blocks, {len(doc.segments)} segments, "
               f"{len(doc.dropped)} left out")
    for name in ("title", "author", "date", "url", "language"):
        value = getattr(md, name)
        if value:
            click.echo(f"# {name}: {value}")
    for key, value in md.extra.items():
        click.echo(f"# {key}: {value}")
    for block in doc.blocks:
        click.echo(f"[{block.kind} {block.id}]")
        for seg in block.segments:
            shown = render(seg.source, seg.codes) if seg.codes else seg.source
            click.echo(f"  {seg.id}  {shown}")
    for dropped in doc.dropped:
        where = f"line {dropped.line}: " if dropped.line else ""
        click.echo(f"[left out] {where}{dropped.reason}: {dropped.text}")
