"""Ingestion: an article file becomes an :class:`Article` of blocks, segments and metadata.

The format is chosen by extension: ``.html``/``.htm`` (:mod:`translate.ingest.from_html`, trafilatura),
``.md``/``.markdown`` (:mod:`translate.ingest.from_markdown`, markdown-it-py), anything else plain text
(:mod:`translate.ingest.from_text`, boilerplate rules). Every format goes through the same checks: the
text is cleaned of characters that cannot be translated (each removal listed as dropped), must be
English (a language identifier says so), and must hold at least one sentence.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from translate.core.article import Article, Block, Dropped, IdAllocator, InlineCode, Segment
from translate.core.errors import InputError
from translate.core.fsio import MAX_ARTICLE_BYTES, read_text_file
from translate.ingest.segment import sentence_spans
from translate.core.pathsafe import check_slug
from translate.ingest.from_html import parse_html
from translate.ingest.from_markdown import parse_markdown
from translate.ingest.from_text import parse_text
from translate.ingest.language import check_english
from translate.core.inline import assign_codes, number_codes, signature

PARSERS = {"html": parse_html, "markdown": parse_markdown, "text": parse_text}
_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
# A web page carries scripts, styles and inline images besides the article: it may be larger.
MAX_HTML_BYTES = 8 * 1024 * 1024

# Characters removed before anything else, each removal listed: C0/C1 controls (but tab and line
# feed), the noncharacters U+FFFE/U+FFFF (valid UTF-8, but no XML file can carry them: the pair
# file could not be written), and invisible format characters that only confuse the segmenter.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def slug_for(path: Path) -> str:
    """The article's slug: its file stem, lower-cased, anything unsafe replaced by '-'."""
    stem = Path(path).stem.lower()
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-.")
    if not _SLUG_OK.match(slug):
        raise InputError(f"{path}: cannot derive a slug from the file name. Rename it with letters and digits.")

    return check_slug(slug, str(path))


def format_for(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def ingest_file(path: Path) -> Article:
    """Read an article file and build its :class:`Article`."""
    path = Path(path)
    fmt = format_for(path)
    text = read_text_file(path, max_bytes=MAX_HTML_BYTES if fmt == "html" else MAX_ARTICLE_BYTES)
    article = ingest_string(text, slug=slug_for(path), origin=str(path), fmt=fmt)
    article.source_path = path
    return article


def ingest_string(text: str, *, slug: str, origin: str = "<text>", fmt: str = "text") -> Article:
    """Build an :class:`Article` from the text of an article in ``fmt`` (text, html, markdown)."""
    limit = MAX_HTML_BYTES if fmt == "html" else MAX_ARTICLE_BYTES
    if len(text) > limit:
        raise InputError(f"{origin}: {len(text):,} characters is over the {limit:,} limit for an article. Split it.")
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if not text.strip():
        raise InputError(f"{origin}: the article is empty. Give a file with the article's text.")
    text, dropped = clean_text(text)
    parse = PARSERS.get(fmt)
    if parse is None:
        raise InputError(f"{origin}: unknown format {fmt!r}; use text, html or markdown.")
    parsed = parse(text, origin)
    article = build_article(parsed.blocks, slug=slug, fmt=fmt, origin=origin)
    article.metadata = parsed.metadata
    article.dropped = dropped + parsed.dropped
    article.source_sha256 = sha

    body = "\n".join(block.text for block in article.blocks)
    article.metadata.language = check_english(body, origin)
    return article


def ingest_text(text: str, *, slug: str, origin: str = "<text>") -> Article:
    """Build an :class:`Article` from a plain-text article (paragraphs separated by blank lines)."""
    return ingest_string(text, slug=slug, origin=origin, fmt="text")


def clean_text(text: str) -> tuple[str, list[Dropped]]:
    """One line-ending convention, no BOM, no control or invisible characters; each removal listed."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    dropped: list[Dropped] = []
    for pattern, reason in ((_CONTROL, "control characters removed"), (_INVISIBLE, "invisible characters removed")):
        found = list(pattern.finditer(text))
        if not found:
            continue
        kinds = sorted({f"U+{ord(m.group()):04X} {unicodedata.name(m.group(), 'control')}" for m in found})
        lines = sorted({text.count("\n", 0, m.start()) + 1 for m in found})
        shown = ", ".join(str(n) for n in lines[:10]) + (" ..." if len(lines) > 10 else "")
        dropped.append(Dropped(text=f"{len(found)} x {', '.join(kinds[:4])} (lines {shown})", reason=reason, line=lines[0]))
        # A form feed or vertical tab separates lines; other controls are simply removed.
        text = pattern.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", text)
    return text, dropped


def build_article(blocks: list[tuple[str, str, list[InlineCode]]], *, slug: str, fmt: str, origin: str) -> Article:
    unit_ids, segment_ids = IdAllocator("u"), IdAllocator("s")
    built = []
    for kind, text, codes in blocks:
        block = make_block(kind, text, unit_ids, segment_ids, codes)
        if block.segments:
            built.append(block)
    if not built:
        raise InputError(f"{origin}: no article text found (nothing left after leaving out page furniture). "
                         "Check that the file holds the article itself.")
    _check_segment_sizes(built, origin)
    return Article(slug=slug, blocks=built, format=fmt)


# A news sentence is rarely over 600 characters; one of 5,000 is a table, a code listing or a
# scrape with no punctuation, which MT would turn into hours of nonsense: refused, with where.
MAX_SEGMENT_CHARS = 5000


def _check_segment_sizes(blocks: list[Block], origin: str) -> None:
    for number, block in enumerate(blocks, 1):
        for seg in block.segments:
            if len(seg.source) > MAX_SEGMENT_CHARS:
                raise InputError(
                    f"{origin}: block {number}: a sentence of {len(seg.source):,} characters (starting "
                    f"{seg.source[:40]!r}) is over the {MAX_SEGMENT_CHARS:,}-character limit for a segment. "
                    "Is this article text? Add sentence punctuation or paragraph breaks, or leave that part out.")


def make_block(kind: str, text: str, unit_ids: IdAllocator, segment_ids: IdAllocator,
               codes: list[InlineCode] | None = None) -> Block:
    """A block with its segments, ids derived from content (stable across runs).

    Inline codes (offsets in ``text``) are given to the segments they fall in; a segment's id
    covers its markup too, so a sentence whose link changed gets a fresh draft.
    """

    codes = list(codes or [])
    number_codes(codes)
    block = Block(id=unit_ids(f"{kind}\n{text}{signature(codes)}"), kind=kind, text=text, codes=codes)
    for start, end in sentence_spans(text):
        block.segments.append(Segment(id="", source=text[start:end], start=start, end=end))
    assign_codes(block)
    for seg in block.segments:
        seg.id = segment_ids(seg.source + signature(seg.codes))
    return block
