"""Pair files back from CAT tools (XLIFF 2.1 or 1.2), and exports in the formats tools read.

Import is all or nothing: the file is parsed safely, validated against its schema, matched unit by
unit (by id) with the article's pair file, and refused as a whole when any source text was altered,
a unit is missing or foreign, an id repeats, the target language is not French or an empty target
is marked reviewed/final. Only then is the pair file rewritten (atomically, under the article's
lock) and the memory updated.
"""

from __future__ import annotations

import getpass
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from translate.core.article import ORIGIN_HUMAN, STATE_ORDER, Article, Segment
from translate.core.errors import PairFileError, TranslateError
from translate.core.inline import place_codes
from translate.pipeline.article_lock import article_lock
from translate.formats.tmx import primary_language
from translate.formats.xliff12 import XLIFF12, UnitIn, article_to_xliff12, read_units12, validate_xliff12
from translate.formats.schemas import validate_xliff21
from translate.formats.xliff import xliff_to_article
from translate.core.xmlsafe import read_xml_file
from translate.pipeline.memory import TranslationMemory, default_memory_path, sync_memory
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.pipeline.memory import Entry
from translate.formats.tmx import validate_tmx, write_tmx
from translate.formats.xliff import article_to_xliff
from translate.core.xmlsafe import parse_xml

XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
FORMATS = ("xliff21", "xliff12", "tmx")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_SHOW = 8  # ids named in one message


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): say so rather than invent one
        return os.environ.get("USER") or "unknown"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def set_state(seg: Segment, state: str, *, by: str | None = None, when: str | None = None) -> bool:
    """Move ``seg`` to ``state``, keeping origin (our subState) and approval consistent.

    Final records who and when; leaving final clears them. A segment without a target can only
    be ``initial``. Returns whether anything changed.
    """
    if seg.target is None:
        state = "initial"
    before = (seg.state, seg.approved_by, seg.approved_at)
    seg.state = state
    if state == "final":
        if before[0] != "final" or not seg.approved_at:
            seg.approved_by, seg.approved_at = by or current_user(), when or now_iso()
    else:
        seg.approved_by = seg.approved_at = None
    return before != (seg.state, seg.approved_by, seg.approved_at)


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:_SHOW])
    return shown + (f" (and {len(ids) - _SHOW} more)" if len(ids) > _SHOW else "")


@dataclass
class Incoming:
    version: str
    slug: str
    target_lang: str | None
    units: list[UnitIn]


def read_incoming(path: Path) -> Incoming:
    """Parse and validate a file from a CAT tool; every problem is a :class:`PairFileError`."""
    from lxml import etree


    try:
        root = read_xml_file(path, "pair file")
    except TranslateError as exc:
        raise PairFileError(str(exc)) from None
    namespace = etree.QName(root).namespace
    local = etree.QName(root).localname
    if local != "xliff" or namespace not in (XLIFF2, XLIFF12):
        raise PairFileError(f"{path}: not an XLIFF file: root element {root.tag!r}; expected <xliff> in the XLIFF 2 "
                            f"namespace ({XLIFF2}) or the XLIFF 1.2 one ({XLIFF12}).")
    version = root.get("version")
    if namespace == XLIFF2:
        if version != "2.1":
            raise PairFileError(f"{path}: XLIFF version {version!r} in the XLIFF 2 namespace; this workflow reads 2.1 "
                                "(or 1.2). Export the file as XLIFF 2.1 from the CAT tool.")
        problems = validate_xliff21(root)
    else:
        if version != "1.2":
            raise PairFileError(f"{path}: XLIFF version {version!r} in the XLIFF 1.2 namespace; expected '1.2'.")
        problems = validate_xliff12(root, "transitional")
    if problems:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")
        raise PairFileError(f"{path}: not valid XLIFF {version}: {shown}. Nothing was imported.")
    if namespace == XLIFF2:
        article, _ = xliff_to_article(root, str(path))
        slug = article.slug
        if not slug:
            original = root.find(f"{{{XLIFF2}}}file").get("original") or ""
            slug = Path(original).stem.lower() if original else ""
        units = [UnitIn(id=s.id, source=s.source, target=s.target, state=s.state,
                        origin_kept=s.origin not in (None, ORIGIN_HUMAN), target_codes=list(s.target_codes))
                 for s in article.segments]
        lines = {el.get("id"): el.sourceline for el in root.iter(f"{{{XLIFF2}}}segment")}
        for unit in units:
            unit.line = lines.get(unit.id)
        for seg_el in root.iter(f"{{{XLIFF2}}}target"):
            lang = seg_el.get("{http://www.w3.org/XML/1998/namespace}lang")
            if lang and primary_language(lang) != "fr":
                raise PairFileError(f"{path}: line {seg_el.sourceline}: a target is in {lang!r}, not French.")
        return Incoming("2.1", slug, root.get("trgLang"), units)
    slug, target_lang, units = read_units12(root, str(path))
    return Incoming("1.2", Path(slug).stem.lower() if slug else "", target_lang, units)


@dataclass
class ImportReport:
    slug: str
    pair_file: Path
    version: str
    units: int = 0
    changed_targets: int = 0
    changed_states: int = 0
    states: Counter = field(default_factory=Counter)
    memory_entries: int = 0
    warning: str | None = None


def check_incoming(incoming: Incoming, current: Article, origin: str) -> None:
    """Everything that makes a returned file unusable, all at once; raises :class:`PairFileError`."""
    if not incoming.target_lang:
        raise PairFileError(f"{origin}: no target language declared; expected French (fr).")
    if primary_language(incoming.target_lang) != "fr":
        raise PairFileError(f"{origin}: the target language is {incoming.target_lang!r}, not French (fr). "
                            "This file belongs to another language pair.")
    wrong_lang = [u.id for u in incoming.units if u.target_lang and primary_language(u.target_lang) != "fr"]
    if wrong_lang:
        raise PairFileError(f"{origin}: targets in another language than French in unit(s) {_named(wrong_lang)}.")
    counts = Counter(u.id for u in incoming.units)
    dups = sorted(i for i, n in counts.items() if n > 1)
    if dups or "" in counts:
        raise PairFileError(f"{origin}: duplicate or missing unit ids: {_named(dups or ['(empty id)'])}. "
                            "Each unit must keep the id it was exported with.")
    ours = {s.id: s for s in current.segments}
    foreign = [u.id for u in incoming.units if u.id not in ours]
    altered = [u.id for u in incoming.units if u.id in ours and u.source != ours[u.id].source]
    missing = [sid for sid in ours if sid not in counts]
    if foreign and len(foreign) == len(incoming.units):
        raise PairFileError(f"{origin}: none of its units belong to article {current.slug!r} "
                            f"(for example {_named(foreign[:3])}). Is this another article's file?")
    problems = []
    if altered:
        problems.append(f"source text altered in unit(s) {_named(altered)}")
    if foreign:
        problems.append(f"unit(s) not in the article: {_named(foreign)}")
    if missing:
        problems.append(f"unit(s) missing from the file: {_named(missing)}")
    unknown_codes = [u.id for u in incoming.units if u.id in ours and u.target_codes
                     and any(not c.data and c.id not in {k.id for k in ours[u.id].codes} for c in u.target_codes)]
    if unknown_codes:
        problems.append(f"inline codes in the target that the source does not have, in unit(s) {_named(unknown_codes)}")
    empty_final = [u.id for u in incoming.units
                   if STATE_ORDER.get(u.state, 0) >= STATE_ORDER["reviewed"] and not (u.target or "").strip()]
    if empty_final:
        problems.append(f"empty target marked reviewed/final in unit(s) {_named(empty_final)}")
    if problems:
        raise PairFileError(f"{origin}: refused, nothing was imported: " + "; ".join(problems)
                            + ". Re-export the article with `translate pair export` and edit targets only.")


def _markup_from_source(unit, seg) -> None:
    """XLIFF 1.2 codes (``<g>``/``<x/>``) come back by id only: their markup is that of the
    source's code with the same id (:func:`check_incoming` refused ids the source lacks)."""
    known = {code.id: code for code in seg.codes}
    for code in unit.target_codes:
        ours = known.get(code.id)
        if not code.data and ours is not None:
            code.data, code.data_end, code.type, code.equiv = ours.data, ours.data_end, ours.type, ours.equiv


def apply_incoming(incoming: Incoming, current: Article, *, by: str | None = None) -> tuple[int, int]:
    """Targets and states from ``incoming`` into ``current`` (already checked). Returns changes."""
    ours = {s.id: s for s in current.segments}
    targets = states = 0
    when = now_iso()
    for unit in incoming.units:
        seg = ours[unit.id]
        if unit.target is None:
            continue  # a tool that sent no target leaves the segment as it was
        if unit.target_codes is not None:
            _markup_from_source(unit, seg)
        if unit.target != seg.target:
            seg.target = unit.target
            seg.origin = ORIGIN_HUMAN
            targets += 1
            if unit.target_codes is not None:
                seg.target_codes = list(unit.target_codes)
            elif seg.codes:  # plain text back (XLIFF 1.2): put the source's inline codes in again
                seg.target_codes, _ = place_codes(seg.source, seg.codes, seg.target)
        elif unit.target_codes is not None and seg.codes:
            seg.target_codes = list(unit.target_codes)  # the translator may have moved a code
        if set_state(seg, unit.state, by=by, when=when):
            states += 1
    return targets, states


def import_pair_file(path: Path, workdir: Path, *, article: str | None = None, by: str | None = None,
                     memory: Path | None = None) -> ImportReport:
    """Take back a file edited in a CAT tool into the article's pair file; all or nothing."""

    path, workdir = Path(path), Path(workdir)
    incoming = read_incoming(path)
    slug = incoming.slug
    if not slug or not _SLUG.match(slug):
        raise PairFileError(f"{path}: cannot tell which article this file belongs to (no article slug in it). "
                            "Export pair files with `translate pair export`.")
    if article and article != slug:
        raise PairFileError(f"{path}: belongs to article {slug!r}, not {article!r}. Nothing was imported.")
    pair = workdir / f"{slug}.xlf"
    if not pair.is_file():
        raise PairFileError(f"{path}: belongs to article {slug!r}, which has no pair file in {workdir}. "
                            "Run `translate run` on the article first.")
    with article_lock(workdir, slug):
        current, stamp = read_pair_file(pair)
        if current.slug and current.slug != slug:
            raise PairFileError(f"{pair}: holds article {current.slug!r}, not {slug!r}.")
        check_incoming(incoming, current, str(path))
        tm = TranslationMemory.open(memory or default_memory_path(workdir))  # fails before any write
        try:
            report = ImportReport(slug=slug, pair_file=pair, version=incoming.version, units=len(incoming.units))
            report.changed_targets, report.changed_states = apply_incoming(incoming, current, by=by)
            write_pair_file(pair, current, stamp)
            report.warning = sync_memory(current, tm)
            report.memory_entries = sum(1 for s in current.segments if s.state in ("reviewed", "final"))
        finally:
            tm.close()
    report.states = Counter(s.state for s in current.segments)
    return report


def export_article(article: Article, stamp: dict[str, str], fmt: str) -> bytes:
    """The article in ``fmt`` (xliff21, xliff12 or tmx), checked against its schema before it leaves."""

    if fmt == "xliff21":
        data = article_to_xliff(article, stamp)
        problems = validate_xliff21(parse_xml(data, "export"))
    elif fmt == "xliff12":
        data = article_to_xliff12(article, stamp)
        problems = validate_xliff12(parse_xml(data, "export"))
    elif fmt == "tmx":
        entries = [Entry(source=s.source, target=s.target, origin="pair", article=article.slug, segment=s.id,
                         state=s.state, author=s.approved_by, updated=s.approved_at)
                   for s in article.segments if s.state in ("reviewed", "final") and s.target]
        data = write_tmx(entries)
        problems = validate_tmx(parse_xml(data, "export"))
    else:
        raise PairFileError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if problems:  # our own output: a bug, but never hand a tool an invalid file
        raise PairFileError(f"the {fmt} export of {article.slug!r} is not valid: {'; '.join(problems[:3])}")
    return data
