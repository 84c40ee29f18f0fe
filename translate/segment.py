"""Sentence segmentation with character offsets: nothing of the original is lost.

Each sentence is an exact substring of its block; the whitespace between sentences is kept by
the block (see :meth:`translate.article.Block.gaps`) so the article is rebuilt byte for byte.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_TERMINATOR = re.compile(r"""[.!?…]+['"”’)\]]*""")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@lru_cache(maxsize=1)
def default_abbreviations() -> frozenset[str]:
    text = resources.files("translate.resources").joinpath("abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def sentence_spans(text: str, abbreviations: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of the sentences of ``text``, in order.

    Blank lines always end a sentence; a terminator (. ! ? …, with closing quotes) ends one when
    followed by whitespace and a plausible sentence start, unless it closes a known abbreviation.
    """
    abbrevs = default_abbreviations() if abbreviations is None else abbreviations
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraph_spans(text):
        spans.extend(_split_paragraph(text, para_start, para_end, abbrevs))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``: exact substrings, in order, covering every non-space character."""
    return [text[start:end] for start, end in sentence_spans(text)]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, flags=re.S):
        spans.append((match.start(), match.end()))
    return spans


def _split_paragraph(text: str, start: int, end: int, abbrevs: frozenset[str]) -> list[tuple[int, int]]:
    spans = []
    sent_start = start
    for match in _TERMINATOR.finditer(text, start, end):
        stop = match.end()
        if stop >= end:
            break
        if not text[stop].isspace():
            continue
        nxt = re.compile(r"\s+").match(text, stop)
        follow = nxt.end() if nxt else stop
        if follow >= end:
            break
        if not _plausible_start(text[follow]):
            continue
        if match.group().startswith(".") and _is_abbreviation(text, match.start(), abbrevs):
            continue
        spans.append((sent_start, stop))
        sent_start = follow
    if sent_start < end:
        spans.append((sent_start, end))
    return spans


def _plausible_start(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in "\"'“‘([¿¡-—"


def _is_abbreviation(text: str, dot: int, abbrevs: frozenset[str]) -> bool:
    word = _WORD_BEFORE.search(text, 0, dot)
    if not word:
        return False
    token = word.group(1)
    if token in abbrevs:
        return True
    # A single capital letter before the period is an initial ("John F. Kennedy").
    return len(token) == 1 and token.isupper()
