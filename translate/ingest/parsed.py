"""What a format parser (HTML, Markdown, text) hands to the reader: blocks, metadata, what was left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from translate.core.article import Dropped, InlineCode, Metadata


@dataclass
class Parsed:
    """Blocks as (kind, text, inline codes), the article's metadata, and the pieces left out with a reason."""

    blocks: list[tuple[str, str, list[InlineCode]]]
    metadata: Metadata
    dropped: list[Dropped] = field(default_factory=list)
