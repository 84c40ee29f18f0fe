"""Ingestion: an article file becomes an :class:`Article` of blocks and segments.

Plain text for now: paragraphs are separated by blank lines. Every block keeps its exact text;
segments are offsets inside it, so nothing of the original is lost.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .article import Article, Block, IdAllocator, Metadata, Segment
from .errors import InputError
from .fsio import read_text_file
from .segment import sentence_spans

_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


def slug_for(path: Path) -> str:
    """The article's slug: its file stem, lower-cased, anything unsafe replaced by '-'."""
    stem = Path(path).stem.lower()
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-.")
    if not _SLUG_OK.match(slug):
        raise InputError(f"{path}: cannot derive a slug from the file name. Rename it with letters and digits.")
    from .pathsafe import check_slug

    return check_slug(slug, str(path))


def ingest_file(path: Path) -> Article:
    """Read an article file and build its :class:`Article`."""
    path = Path(path)
    text = read_text_file(path)
    article = ingest_text(text, slug=slug_for(path), origin=str(path))
    article.source_path = path
    return article


def ingest_text(text: str, *, slug: str, origin: str = "<text>") -> Article:
    """Build an :class:`Article` from plain text (paragraphs separated by blank lines)."""
    if not text.strip():
        raise InputError(f"{origin}: the article is empty. Give a file with the article's text.")
    blocks = []
    unit_ids, segment_ids = IdAllocator("u"), IdAllocator("s")
    for para in re.split(r"\n[ \t]*\n", text):
        body = para.strip()
        if not body:
            continue
        blocks.append(make_block("paragraph", body, unit_ids, segment_ids))
    article = Article(
        slug=slug,
        blocks=blocks,
        metadata=Metadata(),
        format="text",
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    if not article.segments:
        raise InputError(f"{origin}: no sentences found in the article.")
    return article


def make_block(kind: str, text: str, unit_ids: IdAllocator, segment_ids: IdAllocator) -> Block:
    """A block with its segments, ids derived from content (stable across runs)."""
    block = Block(id=unit_ids(f"{kind}\n{text}"), kind=kind, text=text)
    for start, end in sentence_spans(text):
        source = text[start:end]
        block.segments.append(Segment(id=segment_ids(source), source=source, start=start, end=end))
    return block
