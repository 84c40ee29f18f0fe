"""Inline codes: markup inside a sentence (links, emphasis, code spans, inline HTML, line breaks).

The text to translate never contains markup. A block's or segment's markup is a list of
:class:`~translate.core.article.InlineCode` with offsets into its text:

* a *paired* code (``pc``: a link, emphasis) wraps a span of the text and keeps its opening and
  closing markup (``data`` / ``data_end``, e.g. ``[`` and ``](https://...)`` or ``<em>``/``</em>``);
* a *standalone* code (``ph``: a code span, an image, a line break, an inline HTML tag) sits at a
  point and keeps its whole markup; ``equiv`` is the text it shows.

In the pair file they are XLIFF 2.1 inline codes: ``<pc dataRefStart dataRefEnd>`` and
``<ph dataRef>``, the markup itself in the unit's ``<originalData>``. The MT model is given the
plain text only, so it cannot drop or corrupt a code; :func:`place_codes` then puts every code
into the machine draft, well-formed by construction (see there), and says when it had to place
one by position rather than by finding its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from lxml import etree

from translate.core.article import InlineCode

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
FLAG_CODES_PLACED = "codes-placed"  # a draft's inline codes were placed by position: check them


# --------------------------------------------------------------------------- building
class InlineBuilder:
    """Accumulates text and codes while a parser walks inline markup."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.codes: list[InlineCode] = []
        self._open: list[InlineCode] = []

    def text(self, value: str) -> None:
        if value:
            self.parts.append(value)
            self.length += len(value)

    def open(self, data: str, data_end: str, type: str = "fmt") -> InlineCode:
        code = InlineCode(id="", kind="pc", start=self.length, end=self.length, data=data, data_end=data_end, type=type)
        self.codes.append(code)
        self._open.append(code)
        return code

    def close(self, code: InlineCode | None = None) -> None:
        if not self._open:
            return
        code = code or self._open[-1]
        # Close everything opened inside it too (malformed input closes out of order).
        while self._open:
            top = self._open.pop()
            top.end = self.length
            if top is code:
                break

    def point(self, data: str, type: str = "fmt", equiv: str = "") -> InlineCode:
        code = InlineCode(id="", kind="ph", start=self.length, end=self.length, data=data, type=type, equiv=equiv)
        self.codes.append(code)
        return code

    def result(self) -> tuple[str, list[InlineCode]]:
        """The text, stripped of surrounding whitespace, and its codes (offsets adjusted)."""
        self.close(self._open[0]) if self._open else None
        text = "".join(self.parts)
        lead = len(text) - len(text.lstrip())
        stripped = text.strip()
        codes = []
        for code in self.codes:
            start = min(max(code.start - lead, 0), len(stripped))
            end = min(max(code.end - lead, 0), len(stripped))
            codes.append(replace(code, start=start, end=max(start, end)))
        return stripped, codes


def number_codes(codes: list[InlineCode], prefix: str = "c") -> None:
    """Give codes the ids the pair file uses (unique within a block)."""
    for i, code in enumerate(codes, 1):
        code.id = f"{prefix}{i}"


# --------------------------------------------------------------------------- segments
def assign_codes(block) -> None:
    """Give each segment of ``block`` its codes (from ``block.codes``)."""
    if not block.codes:
        return
    segs = block.segments
    prev_end = 0
    for i, seg in enumerate(segs):
        lo = prev_end if i else 0
        mine = []
        for code in block.codes:
            if code.kind == "ph":
                hi = seg.end if i < len(segs) - 1 else len(block.text) + 1
                if lo <= code.start < hi or (code.start == seg.end and i == len(segs) - 1):
                    pos = min(max(code.start, seg.start), seg.end) - seg.start
                    mine.append(replace(code, start=pos, end=pos))
                continue
            if code.start == code.end:  # an empty paired code: a point
                hi = seg.end if i < len(segs) - 1 else len(block.text) + 1
                if lo <= code.start < hi or (code.start == seg.end and i == len(segs) - 1):
                    pos = min(max(code.start, seg.start), seg.end) - seg.start
                    mine.append(replace(code, start=pos, end=pos))
                continue
            a, b = max(code.start, seg.start), min(code.end, seg.end)
            if a >= b:
                continue
            part = replace(code, start=a - seg.start, end=b - seg.start)
            if code.start < seg.start or code.end > seg.end:
                part.id = f"{code.id}s{i + 1}"  # a paired code cut at a sentence boundary
            mine.append(part)
        seg.codes = mine
        prev_end = seg.end


def signature(codes: list[InlineCode]) -> str:
    """What identifies a segment's markup: part of its id, so changed markup gets a fresh draft."""
    return "".join(f"\x1f{c.kind}{c.start}:{c.end}:{c.data}\x1e{c.data_end}" for c in codes)


# --------------------------------------------------------------------------- events and rendering
@dataclass
class _Event:
    pos: int
    what: str  # "open", "close", "ph"
    code: InlineCode


def events(codes: list[InlineCode]) -> list[_Event]:
    """Codes as a well-formed sequence of events, ``codes`` being in document order (the order
    their openings appear): at one position closes come first (inner before outer), then points
    and openings in document order; an empty paired code is an open-close in place."""
    keyed = []
    for n, code in enumerate(codes):
        if code.kind == "ph":
            keyed.append(((code.start, 1, n, 0), _Event(code.start, "ph", code)))
        elif code.start == code.end:
            keyed.append(((code.start, 1, n, 0), _Event(code.start, "open", code)))
            keyed.append(((code.start, 1, n, 1), _Event(code.start, "close", code)))
        else:
            keyed.append(((code.start, 1, n, 0), _Event(code.start, "open", code)))
            keyed.append(((code.end, 0, -code.start, -n), _Event(code.end, "close", code)))
    keyed.sort(key=lambda pair: pair[0])
    return [event for _, event in keyed]


def well_formed(text: str, codes: list[InlineCode]) -> bool:
    """Every code inside the text, paired codes properly nested."""
    stack: list[InlineCode] = []
    for code in codes:
        if not (0 <= code.start <= code.end <= len(text)):
            return False
    for event in events(codes):
        if event.what == "open":
            stack.append(event.code)
        elif event.what == "close":
            if not stack or stack.pop() is not event.code:
                return False
    return not stack


def render(text: str, codes: list[InlineCode]) -> str:
    """The text with its original markup put back (Markdown or HTML, as it came)."""
    out, pos = [], 0
    for event in events(codes):
        out.append(text[pos:event.pos])
        pos = event.pos
        if event.what == "open":
            out.append(event.code.data)
        elif event.what == "close":
            out.append(event.code.data_end)
        else:
            out.append(event.code.data)
    out.append(text[pos:])
    return "".join(out)


def visible_text(text: str, codes: list[InlineCode]) -> str:
    """The text as a reader sees it: standalone codes replaced by what they show."""
    out, pos = [], 0
    for code in sorted((c for c in codes if c.kind == "ph"), key=lambda c: c.start):
        out.append(text[pos:code.start])
        out.append(code.equiv)
        pos = code.start
    out.append(text[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- placing codes in MT output
def place_codes(source: str, codes: list[InlineCode], target: str) -> tuple[list[InlineCode], bool]:
    """Put ``codes`` (offsets in ``source``) into ``target``; returns the target codes and whether
    every code was placed by finding its text (False: some were placed by position).

    A paired code whose wrapped text appears in the target (a name, a number, a URL) wraps it
    there; anything else goes to the proportional position, moved to a word boundary. Positions
    are then made non-decreasing in the source's event order, so the target's codes nest exactly
    as the source's: every code is present, once, and well-formed, whatever the model wrote.
    """
    if not codes:
        return [], True
    seq = events(codes)
    found: dict[int, tuple[int, int]] = {}
    exact = True
    cursor = 0
    for event in seq:
        code = event.code
        if event.what != "open" or code.kind != "pc" or id(code) in found:
            continue
        wrapped = source[code.start:code.end].strip()
        at = _find(target, wrapped, cursor) if wrapped else -1
        if at >= 0:
            found[id(code)] = (at, at + len(wrapped))
            cursor = at
        else:
            exact = False
    positions: list[int] = []
    for event in seq:
        code = event.code
        if id(code) in found:
            positions.append(found[id(code)][0 if event.what == "open" else 1])
        else:
            exact = False  # a standalone code, or a paired one whose text is not in the target
            positions.append(_proportional(source, target, event.pos, opening=event.what != "close"))
    # Non-decreasing along the event order: the nesting of the source, whatever was found.
    fixed, low = [], 0
    for pos in positions:
        if pos < low:
            exact = False
        low = max(pos, low)
        fixed.append(low)
    placed: dict[int, InlineCode] = {}
    for event, pos in zip(seq, fixed):
        code = event.code
        new = placed.get(id(code))
        if new is None:
            new = replace(code, start=pos, end=pos)
            placed[id(code)] = new
        if event.what == "close":
            new.end = pos
        else:
            new.start = pos
            new.end = max(new.end, pos)
    return [placed[id(code)] for code in codes], exact


NOTE_CODES_PLACED = ("Inline markup (links, emphasis, code) was placed in the machine draft by position: "
                     "check that each code wraps the right words.")


def place_target_codes(segments) -> None:
    """After MT: every segment's codes placed in its draft; flagged where placed by position.

    The model translated the plain text (it never saw the codes), so nothing it writes can lose
    or break one: all of them are put back here, well-formed.
    """
    for seg in segments:
        if not seg.codes or seg.target is None:
            continue
        seg.target_codes, exact = place_codes(seg.source, seg.codes, seg.target)
        if not exact and FLAG_CODES_PLACED not in seg.flags:
            seg.flags.append(FLAG_CODES_PLACED)
            seg.notes.append(NOTE_CODES_PLACED)


def _find(target: str, wrapped: str, cursor: int) -> int:
    at = target.find(wrapped, cursor)
    if at < 0:
        at = target.find(wrapped)
    if at < 0:
        match = re.search(re.escape(wrapped), target, flags=re.IGNORECASE)
        at = match.start() if match else -1
    return at


def _proportional(source: str, target: str, pos: int, *, opening: bool) -> int:
    if not target:
        return 0
    if pos <= 0:
        return 0
    if pos >= len(source):
        return len(target)
    guess = round(pos * len(target) / max(1, len(source)))
    guess = min(max(guess, 0), len(target))
    # Move to a word boundary: an opening code to the start of a word, a closing one to an end.
    if opening:
        while 0 < guess < len(target) and not target[guess - 1].isspace():
            guess -= 1
    else:
        while 0 < guess < len(target) and not target[guess].isspace() and target[guess] not in ".,;:!?)»”\"'":
            guess += 1
    return guess


# --------------------------------------------------------------------------- XLIFF
def data_ids(code: InlineCode) -> tuple[str, str]:
    return f"d{code.id}", f"d{code.id}e"


def original_data(segments) -> dict[str, str]:
    """``<originalData>`` of a unit: the markup of every code in its segments, by data id."""
    data: dict[str, str] = {}
    for seg in segments:
        for code in list(seg.codes) + list(seg.target_codes):
            start_id, end_id = data_ids(code)
            data[start_id] = code.data
            if code.kind == "pc":
                data[end_id] = code.data_end
    return data


def write_content(element, text: str, codes: list[InlineCode], *, xliff12: bool = False) -> None:
    """Fill an XLIFF ``<source>``/``<target>`` with ``text`` and its codes as ``<pc>``/``<ph>``
    (XLIFF 2), or as ``<g>``/``<x/>`` with ``xliff12``: XLIFF 1.2 carries no original data, so a code
    is known by its id there, which matches the id in our pair file."""
    stack = [element]
    lasts = [None]  # per open level: the element whose tail receives the next text
    pos = 0

    def put(chunk: str) -> None:
        if not chunk:
            return
        tail_of = lasts[-1]
        if tail_of is None:
            stack[-1].text = (stack[-1].text or "") + chunk
        else:
            tail_of.tail = (tail_of.tail or "") + chunk

    for event in events(codes):
        put(text[pos:event.pos])
        pos = event.pos
        code = event.code
        start_id, end_id = data_ids(code)
        if event.what == "open":
            if xliff12:
                el = etree.SubElement(stack[-1], f"{{{XLIFF12}}}g", id=code.id, ctype=f"x-{code.type or 'fmt'}")
            else:
                el = etree.SubElement(stack[-1], f"{{{XLIFF}}}pc", id=code.id, dataRefStart=start_id, dataRefEnd=end_id)
                if code.type:
                    el.set("type", code.type)
            lasts[-1] = el
            stack.append(el)
            lasts.append(None)
        elif event.what == "close":
            stack.pop()
            lasts.pop()
        elif xliff12:
            el = etree.SubElement(stack[-1], f"{{{XLIFF12}}}x", id=code.id, ctype=f"x-{code.type or 'fmt'}")
            if code.equiv:
                el.set("equiv-text", code.equiv)
            lasts[-1] = el
        else:
            el = etree.SubElement(stack[-1], f"{{{XLIFF}}}ph", id=code.id, dataRef=start_id)
            if code.type:
                el.set("type", code.type)
            if code.equiv:
                el.set("equiv", code.equiv)
            lasts[-1] = el
    put(text[pos:])


def read_content(element, data: dict[str, str], known: dict[str, InlineCode] | None = None) -> tuple[str, list[InlineCode]]:
    """The text and codes of an XLIFF ``<source>``/``<target>`` (inverse of :func:`write_content`).

    Elements that are not codes (a glossary ``<mrk>``) are transparent: their text is kept. With
    ``known`` (codes by id), XLIFF 1.2 ``<g>``/``<x/>`` are read too, their markup taken from there;
    a code with an id not in ``known`` comes back with empty markup (the caller refuses it).
    """
    builder = InlineBuilder()

    def walk(el) -> None:
        builder.text(el.text or "")
        for child in el:
            tag = child.tag.split("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "pc":
                code = builder.open(data.get(child.get("dataRefStart", ""), ""), data.get(child.get("dataRefEnd", ""), ""),
                                    child.get("type") or "")
                code.id = child.get("id", "")
                walk(child)
                builder.close(code)
            elif tag in ("ph", "sc", "ec"):
                code = builder.point(data.get(child.get("dataRef", ""), ""), child.get("type") or "", child.get("equiv") or "")
                code.id = child.get("id", "")
            elif tag == "g" and known is not None:  # XLIFF 1.2: the code's markup comes from our own file
                ours = known.get(child.get("id", ""))
                code = builder.open(ours.data if ours else "", ours.data_end if ours else "", ours.type if ours else "")
                code.id = child.get("id", "")
                walk(child)
                builder.close(code)
            elif tag == "x" and known is not None:
                ours = known.get(child.get("id", ""))
                code = builder.point(ours.data if ours else "", ours.type if ours else "", ours.equiv if ours else "")
                code.id = child.get("id", "")
            elif tag:
                walk(child)
            builder.text(child.tail or "")

    walk(element)
    return "".join(builder.parts), builder.codes


# Elements whose content is text: never indented, or whitespace would enter a sentence.
_CONTENT_TAGS = {"source", "target", "note", "data", "meta"}


def indent_structure(element, level: int = 0, step: str = "  ") -> None:
    """Indent an XLIFF tree for people to read, leaving text content alone.

    lxml's ``pretty_print`` indents any element that holds no text of its own, so a segment made
    only of codes (``<source><pc>Biden</pc></source>``) would gain whitespace inside: this indents
    the structure (file, unit, segment...) and stops at ``<source>``, ``<target>``, notes and data.
    """
    tag = element.tag.split("}", 1)[-1] if isinstance(element.tag, str) else ""
    children = list(element)
    if tag in _CONTENT_TAGS or not children:
        return
    if not (element.text or "").strip():
        element.text = "\n" + step * (level + 1)
    for child in children:
        indent_structure(child, level + 1, step)
        if not (child.tail or "").strip():
            child.tail = "\n" + step * (level + 1)
    if not (children[-1].tail or "").strip():
        children[-1].tail = "\n" + step * level

