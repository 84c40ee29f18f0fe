"""The pipeline's data: plain dataclasses, no behaviour beyond small derived properties."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# Segment states, ordered: XLIFF 2 `state` values. Comparisons on STATE_ORDER give the
# "at least reviewed" style checks the review and publish stages need.
class State(StrEnum):
    """A segment's XLIFF 2 state; equal to its string, so pair files and comparisons agree."""

    INITIAL = "initial"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    FINAL = "final"


STATES = tuple(State)
STATE_ORDER = {name: rank for rank, name in enumerate(STATES)}

# Where a segment's current target came from.
ORIGIN_MT = "mt"
ORIGIN_TM_EXACT = "tm-exact"
ORIGIN_TM_FUZZY = "tm-fuzzy"
ORIGIN_HUMAN = "human"
ORIGINS = (ORIGIN_MT, ORIGIN_TM_EXACT, ORIGIN_TM_FUZZY, ORIGIN_HUMAN)


@dataclass
class TermHit:
    """A glossary entry found in a source segment (filled by the glossary stage)."""

    entry_id: str
    source_text: str  # the text as it appears in the source, e.g. "PUTIN's" matched on "Putin"
    start: int  # character offsets inside the segment's source
    end: int
    target: str  # the locked French form
    method: str = ""  # how it reached the target: natural, placeholder, forced, repaired, memory, human
    how: str = ""  # for repaired: normalised, replaced-english or inserted; for human: missing when it is absent
    case: str = "auto"  # the entry's case rule, for finding the form in a draft (not written to pair files)


@dataclass
class InlineCode:
    """Inline markup (link, emphasis, code span, inline HTML...) kept out of the text to translate.

    A paired code (``pc``) wraps ``text[start:end]``; a standalone one (``ph``) sits at ``start``
    (``end == start``). ``data`` is the original markup (the opening one for ``pc``), ``data_end``
    the closing one; ``equiv`` is what a standalone code shows (a code span's text, an image's alt).
    Offsets are relative to the text the code belongs to (a block's, then a segment's). See
    translate/core/inline.py.
    """

    id: str
    kind: str  # "pc" or "ph"
    start: int
    end: int
    data: str
    data_end: str = ""
    type: str = "fmt"  # XLIFF type: fmt, link, image, other
    equiv: str = ""


@dataclass
class Candidate:
    """A translation candidate offered to the translator (XLIFF ``mtc:match``).

    ``kind`` is ``tm`` (a memory match), ``previous`` (the human text of an earlier version of
    a changed sentence) or ``other``; the machine draft is :attr:`Segment.mt`, not a candidate.
    """

    source: str
    target: str
    kind: str = "tm"
    similarity: float | None = None  # 0-100, source-side similarity
    origin: str = ""  # where it came from: "memory", an article slug, a TMX file...
    # History entries (kind "previous"): who entered the text and when (None: not recorded), and
    # why it left the target: replaced, changed, removed, conflict (see translate/pipeline/history.py).
    by: str | None = None
    at: str | None = None
    event: str = ""


@dataclass
class QaIssue:
    """A finding of the automatic QA (translate/qa/), as the pair file records it for CAT tools."""

    check: str
    severity: str  # error, warning, info
    message: str


@dataclass
class Waiver:
    """A reviewer's decision that one QA check's finding on a segment is acceptable.

    ``target_sha`` pins the French it was given for (:func:`text_hash` of the target): a waiver
    never covers text written after it.
    """

    check: str
    by: str
    at: str
    target_sha: str
    reason: str = ""


@dataclass
class Segment:
    """One sentence: the translation unit."""

    id: str
    source: str
    start: int = 0  # offsets of `source` inside its block's text
    end: int = 0
    target: str | None = None
    mt: str | None = None  # the machine draft, kept after post-editing for review diffs
    state: str = State.INITIAL
    origin: str | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    codes: list[InlineCode] = field(default_factory=list)  # inline markup in the source
    target_codes: list[InlineCode] = field(default_factory=list)  # the same codes, placed in the target
    candidates: list[Candidate] = field(default_factory=list)
    approved_by: str | None = None  # who moved the segment to final, and when (ISO 8601 UTC)
    approved_at: str | None = None
    edited_by: str | None = None  # who entered the current human target, and when (pair import)
    edited_at: str | None = None
    recorded_revision: str | None = None  # the revision written in the file this was read from
    mt_logprob: float | None = None  # the model's length-normalised log-probability of its draft
    qa: list[QaIssue] = field(default_factory=list)  # the last QA run's findings (translate/qa/)
    waivers: list[Waiver] = field(default_factory=list)  # QA findings a reviewer accepted

    @property
    def needs_mt(self) -> bool:
        return self.target is None

    @property
    def revision(self) -> str:
        """A hash of what a translator can change (target, its codes, state): written on every
        pair file and export, so an import can tell which revision a unit was based on."""
        codes = [(c.id, c.kind, c.start, c.end) for c in self.target_codes] if self.target is not None else []
        return text_hash(json.dumps([self.state, self.target, codes], ensure_ascii=False), 16)

    @property
    def history(self) -> list["Candidate"]:
        """Earlier human texts of this segment, oldest first (see translate/pipeline/history.py)."""
        return [c for c in self.candidates if c.kind == "previous"]


@dataclass
class Block:
    """A structural block of the article body: paragraph, heading, quote, list item..."""

    id: str
    kind: str
    text: str
    segments: list[Segment] = field(default_factory=list)
    codes: list[InlineCode] = field(default_factory=list)  # inline markup, offsets in ``text``

    def gaps(self) -> list[str]:
        """Text between segments (whitespace), so that the block is rebuilt exactly.

        Returns ``len(segments) + 1`` strings: before the first, between each, after the last.
        """
        out, pos = [], 0
        for seg in self.segments:
            out.append(self.text[pos : seg.start])
            pos = seg.end
        out.append(self.text[pos:])
        return out


def heading_kind(tag: str) -> str:
    """The block kind of a heading: ``heading`` for a section heading (h1/h2: published as h2),
    ``heading3``..``heading6`` for the levels below, so the French page keeps the outline."""
    level = tag[1:] if len(tag) == 2 and tag[0].lower() == "h" else ""
    return f"heading{level}" if level in ("3", "4", "5", "6") else "heading"


@dataclass
class Metadata:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = "en"
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Dropped:
    """Text left out of the article body, and why: `translate segment` shows these."""

    text: str
    reason: str
    line: int | None = None


@dataclass
class Article:
    slug: str
    blocks: list[Block]
    metadata: Metadata = field(default_factory=Metadata)
    source_path: Path | None = None
    format: str = "text"
    source_sha256: str = ""
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the source: "only a caption was extracted"
    # Which source file owns the slug: its path relative to the workspace (translate/pipeline/slugs.py).
    source_id: str = ""

    @property
    def segments(self) -> list[Segment]:
        return [seg for block in self.blocks for seg in block.segments]


def text_hash(text: str, length: int = 12) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


class IdAllocator:
    """Derives ids from content so that unchanged text keeps its id across runs.

    A repeated text gets a numbered suffix in order of appearance, which keeps ids unique.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = f"{self.prefix}{text_hash(text.strip())}"
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        return base if count == 1 else f"{base}-{count}"
