"""One comparison for glossary forms, on both sides: English sources and French drafts.

Text as newsrooms get it carries look-alikes: decomposed accents (NFD "Gene\u0300ve"), ligatures
("ﬁ"), no-break and narrow no-break spaces, zero-width joiners, typographic apostrophes, « » with
or without their inner spaces. :func:`fold` maps text to a comparison key with the offsets of
every key character in the original, so a match in the key is a span of the original text:

* NFKC per character cluster (a base character and its combining marks): composed accents and
  compatibility forms (ligatures, full-width letters) compare equal to the plain ones;
* every space character (no-break, narrow, thin, tab, line break) is one space, runs collapse;
* zero-width and soft-hyphen characters vanish;
* ’ ‘ ʼ ′ and ` are the apostrophe ', the hyphen look-alikes are -, « » “ ” „ are ", and the
  spaces just inside guillemets vanish (« Kremlin » and «Kremlin» are the same);
* optionally case-folded, and (``loose``, for repair only) accents stripped and hyphens spaced.

Case is then judged per entry (:func:`case_allows`): ``exact``, ``ignore``, or ``auto`` (as
written, capitalised at a sentence start, ALL CAPS, Title Case).

:func:`locate_forms` is the one test of "the draft holds this locked form" that term locking,
the glossary check, the review report and the publish gate share.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from translate.core.article import TermHit

APOSTROPHES = "'\u2019\u2018\u02bc\u2032`\u00b4"
_ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_HYPHENS = set("\u2010\u2011\u2012\u2043")
_QUOTES = set("«»“”„\"")
_MAP = {**{c: "'" for c in APOSTROPHES}, **{c: "-" for c in _HYPHENS}, **{c: '"' for c in _QUOTES}}


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc")


def _is_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == "Zs"


@dataclass(frozen=True)
class Folded:
    """A comparison key and, per key character, the original span it came from."""

    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The original span of key characters ``a:b`` (b > a)."""
        return self.starts[a], self.ends[b - 1]


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def fold(text: str, *, casefold: bool = False, loose: bool = False) -> Folded:
    """The comparison key of ``text`` (see the module docstring) with offsets into ``text``."""
    if text.isascii() and "  " not in text and not any(c in text for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85`") \
            and not loose:
        key = text.lower() if casefold else text  # the common case: the key is the text itself
        return Folded(key, range(len(text)), range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and unicodedata.category(text[j]) in ("Mn", "Mc", "Me"):
            j += 1  # a base character and its combining marks fold together
        cluster = text[i:j]
        norm = cluster if cluster.isascii() else unicodedata.normalize("NFKC", cluster)
        if loose:
            norm = _strip_accents(norm)
        for ch in norm:
            if ch in _ZERO_WIDTH:
                continue
            if _is_space(ch):
                ch = " "
            else:
                ch = _MAP.get(ch, ch)
                if loose and ch == "-":
                    ch = " "
            if ch == " ":
                if out and out[-1] == " ":
                    ends[-1] = j  # a run of spaces is one space
                    continue
                if out and out[-1] == '"' and text[starts[-1]] == "\u00ab":
                    continue  # « Kremlin »: no space inside the guillemet
            elif ch == '"' and cluster == "\u00bb" and out and out[-1] == " ":
                out.pop(), starts.pop(), ends.pop()
            for c in (ch.casefold() if casefold else ch):
                out.append(c)
                starts.append(i)
                ends.append(j)
        i = j
    return Folded("".join(out), starts, ends)


def key(text: str, *, casefold: bool = False) -> str:
    """The comparison key alone: equal keys mean the same form to a reader."""
    return fold(text, casefold=casefold).text


def case_allows(rule: str, form: str, seen: str) -> bool:
    """Is ``seen`` an allowed case variant of ``form`` under ``rule``? Both already folded."""
    if rule == "ignore" or seen == form:
        return True
    if rule == "exact":
        return False
    if seen == form.upper() and any(c.isalpha() for c in form):
        return True  # a headline in capitals
    if seen == form[:1].upper() + form[1:]:
        return True  # sentence start
    return seen == " ".join(w[:1].upper() + w[1:] for w in form.split(" "))  # headline Title Case


def _neighbour(text: str, at: int, step: int) -> str:
    """The character at ``at`` or beyond it in direction ``step``, zero-width ones skipped."""
    while 0 <= at < len(text) and text[at] in _ZERO_WIDTH:
        at += step
    return text[at] if 0 <= at < len(text) else ""


def whole_word(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` start and end at word boundaries (zero-width characters ignored)?"""
    before, first = _neighbour(text, start - 1, -1), _neighbour(text, start, 1)
    if before and first and is_word_char(before) and is_word_char(first):
        return False
    after, last = _neighbour(text, end, 1), _neighbour(text, end - 1, -1)
    if after and last and is_word_char(after) and is_word_char(last):
        return False
    return True


@lru_cache(maxsize=4096)
def _form_keys(form: str, loose: bool) -> tuple[str, str]:
    # Glossary forms are few and looked up at every decoding step: fold each once.
    return fold(form, casefold=True, loose=loose).text, fold(form, loose=loose).text


class Finder:
    """Occurrences of forms in one text, each folded once: the text is folded when made."""

    def __init__(self, text: str, *, loose: bool = False) -> None:
        self.text = text
        self.loose = loose
        self._low = fold(text, casefold=True, loose=loose)
        self._exact: Folded | None = None

    def spans(self, form: str, case: str = "auto") -> list[tuple[int, int]]:
        """Original spans of ``form`` (whole words, allowed case), left to right, not overlapping."""
        needle, form_key = _form_keys(form, self.loose)
        if not needle:
            return []
        hay = self._low.text
        out: list[tuple[int, int]] = []
        pos = hay.find(needle)
        while pos != -1:
            start, end = self._low.span(pos, pos + len(needle))
            ok = whole_word(self.text, start, end)
            if ok and case != "ignore":
                seen = fold(self.text[start:end], loose=self.loose).text
                ok = case_allows(case, form_key, seen)
            if ok and (not out or start >= out[-1][1]):
                out.append((start, end))
                pos = hay.find(needle, pos + len(needle))
            else:
                pos = hay.find(needle, pos + 1)
        return out


def _hit_case(hit: TermHit) -> str:
    return getattr(hit, "case", "") or "auto"


def locate_forms(text: str, hits: Sequence[TermHit], *, loose: bool = False,
                 taken: list[bool] | None = None) -> tuple[dict[int, tuple[int, int]], list[TermHit]]:
    """Where each hit's locked form is in ``text``: ({id(hit): span}, missing hits in input order).

    Each hit needs its own occurrence; longer forms are placed first and their spans consumed, so
    "Vladimir Poutine" does not also count as the "Poutine" of a second hit.
    """
    taken = taken if taken is not None else [False] * len(text)
    finder = Finder(text, loose=loose)
    found: dict[int, tuple[int, int]] = {}
    missing: list[TermHit] = []
    cache: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for hit in sorted(hits, key=lambda h: -len(h.target)):
        spans = cache.setdefault((hit.target, _hit_case(hit)), finder.spans(hit.target, _hit_case(hit)))
        for start, end in spans:
            if not any(taken[start:end]):
                for k in range(start, end):
                    taken[k] = True
                found[id(hit)] = (start, end)
                break
        else:
            missing.append(hit)
    order = {id(h): i for i, h in enumerate(hits)}
    return found, sorted(missing, key=lambda h: order[id(h)])


def missing_forms(text: str, hits: Sequence[TermHit]) -> list[TermHit]:
    """The hits whose locked form ``text`` lacks, modulo :func:`fold` and the entry's case rule."""
    if not hits:
        return []
    return locate_forms(text, hits)[1]


def longest_first(forms: Iterable[str]) -> list[str]:
    """Unique forms, longest first, ties in alphabetical order: the same order in every process (a
    set's order changes with the string hash seed, and the order decides which locked form is
    forced first, so drafts from two processes, or a Ray worker and a local run, would differ)."""
    return sorted(set(forms), key=lambda form: (-len(form), form))


def count_forms(text: str, forms: Sequence[str], case: str = "auto") -> list[str]:
    """Occurrences of ``forms`` in ``text``, longest first, each span used once."""
    taken = [False] * len(text)
    finder = Finder(text)
    found: list[str] = []
    for form in longest_first(forms):
        for start, end in finder.spans(form, case):
            if not any(taken[start:end]):
                for k in range(start, end):
                    taken[k] = True
                found.append(form)
    return found
