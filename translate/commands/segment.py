"""translate segment: preview what will be translated."""

from __future__ import annotations

from pathlib import Path

import click



@click.command("segment")
@click.argument("article", type=click.Path(path_type=Path))
def command(article: Path) -> None:
    """Show the blocks and sentences of ARTICLE that will be translated."""
    from ..ingest import ingest_file

    doc = ingest_file(article)
    click.echo(f"# {doc.slug} ({doc.format}): {len(doc.blocks)} blocks, {len(doc.segments)} segments")
    for block in doc.blocks:
        click.echo(f"[{block.kind} {block.id}]")
        for seg in block.segments:
            click.echo(f"  {seg.id}  {seg.source}")
    for dropped in doc.dropped:
        where = f"line {dropped.line}: " if dropped.line else ""
        click.echo(f"[dropped] {where}{dropped.reason}: {dropped.text}")
