"""Named-entity candidates the glossary does not cover, for `translate glossary suggest` and the check.

Offline and model-free by default: a heuristic over the English segments finds capitalised spans
not at a sentence start ("Colonial Pipeline", "Sergey Lavrov"), CamelCase words ("DarkSide") and
acronyms ("NATO", "FBI"). When spaCy and an English pipeline (``en_core_web_sm``) are installed
(extra ``ner``), its named entities are added, with their types. Spans a glossary entry already
covers are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from translate.glossary.entries import Glossary

# Capitalised words (incl. CamelCase, "O'Brien", "U.S."), joined by spaces or lower-case
# name particles ("Bank of England", "Charles de Gaulle").
_WORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'\u2019.\-]*\w|[A-Z]\.?)"
_SPAN = re.compile(rf"(?<![\w'\u2019]){_WORD}(?:[ \t]+(?:(?:of|de|du|la|le|von|van|der|al|bin|da|del|di|the)[ \t]+)?{_WORD})*")
_LEADING = re.compile(r"^[\s\"'\u201c\u2018(\[\-–—]*")
# Capitalised words that are not names: function words, days, months.
_STOP = set("""
A An The And But Or Nor For So Yet If In On At To Of By As From With Without Into Onto Over Under After Before
During Since Until While When Where Why How What Which Who Whom Whose This That These Those There Here It Its
He She We They I You His Her Our Their My Your Me Him Us Them Mr Mrs Ms Dr Sir Madam
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
September October November December Read Must More Latest Please Download
""".split())
_SPACY_TYPES = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
                "NORP": "term", "PRODUCT": "dnt", "EVENT": "term", "WORK_OF_ART": "dnt", "LAW": "term"}


@dataclass
class EntityCandidate:
    text: str
    kind: str  # name, acronym, camelcase, or a spaCy-derived type (person, org, place...)
    count: int = 0
    first_ref: str = ""
    contexts: list[str] = field(default_factory=list)

    @property
    def type_guess(self) -> str:
        if self.kind in ("person", "org", "place", "dnt", "term", "title"):
            return self.kind
        return {"acronym": "org", "camelcase": "dnt"}.get(self.kind, "")


def _kind(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in text:
        return "acronym"
    if re.search(r"[a-z][A-Z]", text):
        return "camelcase"
    return "name"


def _trim(span: str) -> str:
    # "Putin's" → "Putin"; a trailing full stop that ends the sentence is not part of "U.S."
    span = re.sub(r"['\u2019]s?$", "", span)
    if span.endswith(".") and not re.search(r"(?:^|\.)[A-Z]\.$", span):
        span = span[:-1]
    return span


def heuristic_spans(text: str) -> list[tuple[int, int, str]]:
    """Candidate spans (start, end, kind) in one sentence."""
    out = []
    lead = _LEADING.match(text).end()
    for match in _SPAN.finditer(text):
        span = _trim(match.group())
        start = match.start()
        words = span.split()
        # Drop capitalised function words at either end ("The Kremlin" → "Kremlin").
        while words and words[0] in _STOP:
            start += len(words[0]) + 1
            words = words[1:]
        while words and words[-1] in _STOP:
            words = words[:-1]
        if not words:
            continue
        span = " ".join(words)
        kind = _kind(span)
        at_start = start <= lead
        if at_start and len(words) == 1 and kind == "name":
            continue  # a capital that may be only the sentence's
        if len(span) < 2:
            continue
        out.append((start, start + len(span), kind))
    return out


def _spacy_pipeline():
    try:
        import spacy
    except ImportError:
        return None
    try:
        return spacy.load("en_core_web_sm", disable=["lemmatizer"])
    except OSError:
        return None


def spacy_available() -> bool:
    return _spacy_pipeline() is not None


def candidates(items: Iterable[tuple[str, str]], glossary: Glossary | None = None, *,
               use_spacy: bool = False, contexts: int = 2) -> list[EntityCandidate]:
    """Entity candidates in ``items`` ((reference, sentence) pairs) not covered by ``glossary``.

    Sorted by count, then text. ``use_spacy`` adds spaCy's entities (raises nothing when spaCy
    is missing: call :func:`spacy_available` to tell the user).
    """
    items = list(items)
    nlp = _spacy_pipeline() if use_spacy else None
    found: dict[str, EntityCandidate] = {}
    for ref, text in items:
        covered = [(h.start, h.end) for h in glossary.find(text)] if glossary is not None else []
        spans = heuristic_spans(text)
        if nlp is not None:
            for ent in nlp(text).ents:
                kind = _SPACY_TYPES.get(ent.label_)
                if kind:
                    spans.append((ent.start_char, ent.start_char + len(_trim(ent.text)), kind))
        for start, end, kind in spans:
            if any(a < end and start < b for a, b in covered):
                continue
            span = text[start:end]
            if not span.strip() or span in _STOP:
                continue
            cand = found.get(span)
            if cand is None:
                cand = found[span] = EntityCandidate(span, kind, first_ref=ref)
            elif kind not in ("name", "acronym", "camelcase"):
                cand.kind = kind  # a typed (spaCy) label beats a heuristic one
            cand.count += 1
            if len(cand.contexts) < contexts:
                lo, hi = max(0, start - 40), min(len(text), end + 40)
                cand.contexts.append(("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else ""))
    # A span inside a longer candidate counted on its own only where it also stands alone.
    return sorted(found.values(), key=lambda c: (-c.count, c.text))


def suggestions_tsv(cands: Sequence[EntityCandidate]) -> str:
    """Candidates as TSV ready to paste into a glossary file; fill in the fr column before use."""
    lines = ["en\tfr\ttype\tnote"]
    for cand in cands:
        for context in cand.contexts:
            lines.append(f"# {cand.count}x: {context}".replace("\t", " ").replace("\n", " "))
        fr = cand.text if cand.type_guess == "dnt" else ""
        lines.append(f"{cand.text}\t{fr}\t{cand.type_guess}\t")
    return "\n".join(lines) + "\n"


def counts(cands: Sequence[EntityCandidate]) -> Counter:
    return Counter({c.text: c.count for c in cands})
