"""Splitting a segment too long for the model, at the best boundary available.

The model has an input limit; truncating would silently drop text. Instead a long segment is
split at a clause boundary (``;`` ``:`` dashes, ``, and`` / ``, but`` ...), failing that at a
comma, failing that at a word boundary, and only as a last resort inside a word. Pieces are
exact substrings of the input: joined with the whitespace between them they give it back.
"""

from __future__ import annotations

import re
from typing import Callable

# Boundaries from best to worst. Each pattern matches the whitespace where the split happens,
# so that the text before it ends with the boundary's punctuation.
_BOUNDARIES = [
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"\s+(?=[—–]\s)|(?<=\s[—–])\s+|(?<=\w—)(?=\w)"),
    re.compile(r"(?<=,)\s+(?=(?:and|but|or|while|whereas|although|because|which|who|so|yet)\b)"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
]


def split_to_fit(text: str, fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of pieces of ``text`` that each satisfy ``fits``.

    A text that fits is returned whole. Each split goes at the best-ranked boundary closest to
    the middle of the piece, so the pieces stay balanced and few.
    """
    stripped_start = len(text) - len(text.lstrip())
    stripped_end = len(text.rstrip())
    if stripped_start >= stripped_end:
        return []
    return _split(text, stripped_start, stripped_end, fits)


def _split(text: str, start: int, end: int, fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    piece = text[start:end]
    if fits(piece) or end - start <= 1:
        return [(start, end)]
    middle = (end - start) / 2
    depth = _depths(piece)
    for pattern in _BOUNDARIES:
        cuts = [m for m in pattern.finditer(piece) if 0 < m.start() and m.end() < len(piece)]
        # A boundary outside brackets and quotations is better than one inside them.
        outside = [m for m in cuts if depth[m.start()] == 0]
        cuts = outside or cuts
        if cuts:
            best = min(cuts, key=lambda m: abs(m.start() - middle))
            left = (start, start + best.start())
            right = (start + best.end(), end)
            return _split(text, *left, fits) + _split(text, *right, fits)
    # One unbroken run of characters (a huge URL, say): cut it in half.
    cut = start + (end - start) // 2
    return _split(text, start, cut, fits) + _split(text, cut, end, fits)


def _depths(text: str) -> list[int]:
    """Nesting depth in brackets and typographic quotes at each position of ``text``."""
    pairs = {")": "(", "]": "[", "}": "{", "”": "“", "»": "«", "’": "‘"}
    out, stack = [], []
    for char in text:
        out.append(len(stack))
        if char in "([{“«‘":
            stack.append(char)
        elif char in pairs and stack and stack[-1] == pairs[char]:
            stack.pop()  # a ’ that closes nothing is an apostrophe ("don’t")
    out.append(len(stack))
    return out
