"""Pair files back from CAT tools (XLIFF 2.1 or 1.2), and exports in the formats tools read.

Import is all or nothing: the file is parsed safely, validated against its schema, matched unit by
unit (by id) with the article's pair file, and refused as a whole when any source text was altered,
a unit is missing or foreign, an id repeats, the target language is not French or an empty target
is marked reviewed/final. Only then is the pair file rewritten (atomically, under the article's
lock) and the memory updated.
"""

from __future__ import annotations

import copy
import getpass
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from translate.core.article import ORIGIN_HUMAN, STATE_ORDER, Article, Candidate, Segment, State
from translate.core.errors import PairFileError, TranslateError
from translate.core.fsio import check_write_target
from translate.core.inline import place_codes
from translate.core.public import public_source, public_stamp, scrub
from translate.pipeline.article_lock import article_lock
from translate.pipeline.history import add_history, entry_from
from translate.pipeline.merge import is_human
from translate.formats.tmx import primary_language
from translate.formats.xliff12 import XLIFF12, UnitIn, article_to_xliff12, read_units12, validate_xliff12
from translate.formats.schemas import validate_xliff21
from translate.qa.runner import annotate_article
from translate.qa.config import QaConfig
from translate.formats.xliff import xliff_to_article
from translate.core.xmlsafe import read_xml_file
from translate.pipeline.memory import TranslationMemory, default_memory_path, sync_memory
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.pipeline.memory import Entry
from translate.formats.tmx import validate_tmx, write_tmx
from translate.formats.xliff import article_to_xliff
from translate.core.xmlsafe import parse_xml

XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
        state = State.INITIAL
    before = (seg.state, seg.approved_by, seg.approved_at)
    seg.state = state
    if state == State.FINAL:
        if before[0] != State.FINAL or not seg.approved_at:
            seg.approved_by, seg.approved_at = by or current_user(), when or now_iso()
    else:
        seg.approved_by = seg.approved_at = None
    return before != (seg.state, seg.approved_by, seg.approved_at)


def mark_edited(seg: Segment, *, by: str | None = None, when: str | None = None) -> None:
    """Record who changed ``seg``'s target or state by hand, and when (the workspace page's
    "last change")."""
    seg.edited_by, seg.edited_at = by or current_user(), when or now_iso()


def _named(ids: list[str]) -> str:
    shown = ", ".join(ids[:_SHOW])
    return shown + (f" (and {len(ids) - _SHOW} more)" if len(ids) > _SHOW else "")


@dataclass
class Incoming:
    version: str
    slug: str
    target_lang: str | None
    units: list[UnitIn]
    warnings: list[str] = field(default_factory=list)


def read_incoming(path: Path) -> Incoming:
    """Parse and validate a file from a CAT tool; every problem is a :class:`PairFileError`."""

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
                        origin_kept=s.origin not in (None, ORIGIN_HUMAN), target_codes=list(s.target_codes),
                        revision=s.recorded_revision, source_codes=list(s.codes))
                 for s in article.segments]
        lines = {el.get("id"): el.sourceline for el in root.iter(f"{{{XLIFF2}}}segment")}
        for unit in units:
            unit.line = lines.get(unit.id)
        for seg_el in root.iter(f"{{{XLIFF2}}}target"):
            lang = seg_el.get(XML_LANG)
            if lang and primary_language(lang) != "fr":
                raise PairFileError(f"{path}: line {seg_el.sourceline}: a target is in {lang!r}, not French.")
        _check_target_langs(root, str(path))
        return Incoming("2.1", slug, root.get("trgLang"), units)
    slug, target_lang, units, warnings = read_units12(root, str(path))
    return Incoming("1.2", Path(slug).stem.lower() if slug else "", target_lang, units, warnings)


def _check_target_langs(root, origin: str) -> None:
    """XLIFF 2 requires a segment target's ``xml:lang`` to equal the file's ``trgLang``: a regional
    variant (``fr-FR``) is accepted only where the file declares it, and a mismatch is refused
    with the units named."""
    trg = (root.get("trgLang") or "").lower()
    wrong: list[str] = []
    first: tuple[str, int | None] | None = None
    for unit in root.iter(f"{{{XLIFF2}}}unit"):
        for seg in unit.iter(f"{{{XLIFF2}}}segment"):
            target = seg.find(f"{{{XLIFF2}}}target")
            lang = target.get(XML_LANG) if target is not None else None
            if lang and lang.lower() != trg:
                wrong.append(f"{unit.get('id')}/{seg.get('id')}")
                first = first or (lang, target.sourceline)
    if wrong:
        raise PairFileError(
            f"{origin}: line {first[1]}: target xml:lang {first[0]!r} differs from the file's trgLang "
            f"{root.get('trgLang')!r} in unit/segment {_named(wrong)}; XLIFF 2 requires them to match. "
            "Set one target language for the whole file in the CAT tool and export again. Nothing was imported.")


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
    stale_kept: int = 0  # units of a stale file left alone: the workspace has newer work
    conflicts: list[str] = field(default_factory=list)  # kept as history (keep_conflicts)
    history_added: int = 0  # human texts replaced by this import, kept in the history
    warnings: list[str] = field(default_factory=list)  # about the file read (a tool's own x- states...)
    qa_errors: int = 0  # unwaived QA errors after the import (translate/qa/)


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
    unknown_codes = [u.id for u in incoming.units if u.id in ours and not _codes_of_source(u.target_codes, ours[u.id])]
    if unknown_codes:
        problems.append(f"inline codes in the target that the source does not have (an id it lacks, or other "
                        f"markup under a source code's id), in unit(s) {_named(unknown_codes)}")
    source_markup = [u.id for u in incoming.units if u.id in ours and u.source_codes is not None
                     and _code_keys(u.source_codes) != _code_keys(ours[u.id].codes)]
    if source_markup:
        problems.append(f"source markup (inline codes or their original data) altered in unit(s) {_named(source_markup)}")
    oversize = [u.id for u in incoming.units if u.target is not None and len(u.target) > MAX_TARGET_CHARS]
    if oversize:
        problems.append(f"target over the {MAX_TARGET_CHARS:,}-character limit in unit(s) {_named(oversize)}")
    empty_final = [u.id for u in incoming.units
                   if STATE_ORDER.get(u.state, 0) >= STATE_ORDER[State.REVIEWED] and not (u.target or "").strip()]
    if empty_final:
        problems.append(f"empty target marked reviewed/final in unit(s) {_named(empty_final)}")
    if problems:
        raise PairFileError(f"{origin}: refused, nothing was imported: " + "; ".join(problems)
                            + ". Re-export the article with `translate pair export` and edit targets only.")


# A sentence's French is a few hundred characters; a target this long is a mistake or an attack
# (it would also make the review diff slow), so an import refuses it.
MAX_TARGET_CHARS = 10_000


def _code_keys(codes) -> list[tuple]:
    return sorted((c.id, c.kind, c.start, c.end, c.data, c.data_end) for c in codes or [])


def _codes_of_source(target_codes, seg: Segment) -> bool:
    """Every target code is one of the source's: same id, same kind, and the same original data
    when the file brings any (XLIFF 1.2 brings none: the markup is taken from the source)."""
    known = {code.id: code for code in seg.codes}
    for code in target_codes or []:
        ours = known.get(code.id)
        if ours is None or ours.kind != code.kind:
            return False
        if code.data and (code.data != ours.data or (code.kind == "pc" and code.data_end != ours.data_end)):
            return False
    return True


def _markup_from_source(unit, seg) -> None:
    """Markup from a returned file is never trusted: every target code takes the markup of the
    source's code with the same id (:func:`check_incoming` refused ids the source lacks)."""
    known = {code.id: code for code in seg.codes}
    for code in unit.target_codes:
        ours = known.get(code.id)
        if ours is not None:
            code.data, code.data_end, code.type, code.equiv = ours.data, ours.data_end, ours.type, ours.equiv


def _unit_revision(unit: UnitIn, seg: Segment) -> str:
    """The revision the returned unit would have in our pair file (what the tool made of it)."""
    probe = Segment(id=seg.id, source=seg.source, target=unit.target, state=unit.state,
                    target_codes=list(unit.target_codes) if unit.target_codes is not None else list(seg.target_codes))
    if unit.target is None:
        probe.state = "initial"
    elif unit.target_codes is None and seg.codes and unit.target != seg.target:
        probe.target_codes, _ = place_codes(seg.source, seg.codes, unit.target)
    return probe.revision


def _short(text: str | None, limit: int = 160) -> str:
    if text is None:
        return "(no target)"
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass
class Conflict:
    unit: UnitIn
    seg: Segment

    def line(self) -> str:
        who = self.seg.edited_by or self.seg.approved_by
        by = f", by {who}" if who else ""
        return (f"unit {self.seg.id}: the workspace has {_short(self.seg.target)} ({self.seg.state}{by}); "
                f"this file, based on an older revision, has {_short(self.unit.target)} ({self.unit.state})")


def find_conflicts(incoming: Incoming, current: Article) -> tuple[list[Conflict], set[str]]:
    """Units based on an older revision than the workspace's: (conflicts, stale unchanged ids).

    A unit whose recorded revision is not the workspace's current one is *stale*. When the file
    left it as exported, the newer workspace text stays (never overwritten, never un-approved).
    When the file changed it too, and not into what the workspace already has, it is a conflict.
    A unit without a recorded revision (a file exported before revisions) counts as current.
    """
    ours = {s.id: s for s in current.segments}
    conflicts: list[Conflict] = []
    stale: set[str] = set()
    for unit in incoming.units:
        seg = ours.get(unit.id)
        if seg is None or unit.revision is None or unit.revision == seg.revision:
            continue
        arrived = _unit_revision(unit, seg)
        if unit.target is None or arrived == unit.revision:
            stale.add(unit.id)  # untouched since export: the workspace's newer work stays
        elif arrived != seg.revision and not (unit.target == seg.target and unit.state == seg.state):
            conflicts.append(Conflict(unit, seg))
        else:
            stale.add(unit.id)  # the same change on both sides
    return conflicts, stale


def apply_incoming(incoming: Incoming, current: Article, *, by: str | None = None,
                   skip: set[str] = frozenset(), report: ImportReport | None = None) -> tuple[int, int]:
    """Targets and states from ``incoming`` into ``current`` (already checked). Returns changes.

    Units in ``skip`` (stale or conflicting) are left as they are. A human text that a changed
    target replaces goes to the segment's history (translate/pipeline/history.py).
    """
    ours = {s.id: s for s in current.segments}
    targets = states = 0
    when = now_iso()
    who = by or current_user()
    for unit in incoming.units:
        seg = ours[unit.id]
        if unit.target is None or unit.id in skip:
            continue  # a tool that sent no target leaves the segment as it was
        before = targets
        if unit.target_codes is not None:
            _markup_from_source(unit, seg)
        if unit.target != seg.target:
            if is_human(seg) and seg.target and seg.target.strip():
                added = add_history(seg, entry_from(seg, "replaced"))
                if report is not None:
                    report.history_added += added
            seg.target = unit.target
            seg.origin = ORIGIN_HUMAN
            seg.edited_by, seg.edited_at = who, when
            targets += 1
            if unit.target_codes is not None:
                seg.target_codes = list(unit.target_codes)
            elif seg.codes:  # plain text back (XLIFF 1.2): put the source's inline codes in again
                seg.target_codes, _ = place_codes(seg.source, seg.codes, seg.target)
        elif unit.target_codes is not None and seg.codes:
            seg.target_codes = list(unit.target_codes)  # the translator may have moved a code
        changed = targets > before
        if set_state(seg, unit.state, by=by, when=when):
            states += 1
            changed = True
        if changed:
            mark_edited(seg, by=by, when=when)
    return targets, states


def keep_conflicts(conflicts: list[Conflict], *, by: str | None = None) -> int:
    """Each conflicting text into its segment's history (event ``conflict``), the workspace's
    text staying the target. Returns how many were added."""
    when, who = now_iso(), by or current_user()
    added = 0
    for item in conflicts:
        if item.unit.target and item.unit.target.strip():
            added += add_history(item.seg, Candidate(source=item.seg.source, target=item.unit.target, kind="previous",
                                                     origin=f"import:{item.seg.id}", by=who, at=when, event="conflict"))
    return added


def import_pair_file(path: Path, workdir: Path, *, article: str | None = None, by: str | None = None,
                     memory: Path | None = None, keep_conflicts_as_history: bool = False,
                     qa: QaConfig | None = None) -> ImportReport:
    """Take back a file edited in a CAT tool into the article's pair file; all or nothing.

    Units the file left as exported while the workspace moved on are left alone. A unit the file
    changed on top of an older revision is a conflict: the import is refused, both texts shown;
    with ``keep_conflicts_as_history`` the rest is imported and each conflicting text is kept in
    its segment's history instead, with a warning.
    """

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
        conflicts, stale = find_conflicts(incoming, current)
        if conflicts and not keep_conflicts_as_history:
            lines = [c.line() for c in conflicts]
            shown = "\n  ".join(lines[:_SHOW]) + (f"\n  (and {len(lines) - _SHOW} more)" if len(lines) > _SHOW else "")
            raise PairFileError(
                f"{path}: refused, nothing was imported: {len(conflicts)} unit(s) were changed in this file on top of "
                f"an older revision, and the workspace has newer work on them:\n  {shown}\n"
                f"Export the article again (`translate pair export {slug}`), carry these edits over and import that "
                "file; or import with --keep-conflicts to take the rest and keep these texts in the segments' history.")
        check_write_target(pair)  # a link or a read-only pair file: refused before the memory opens
        tm = TranslationMemory.open(memory or default_memory_path(workdir))  # fails before any write
        try:
            report = ImportReport(slug=slug, pair_file=pair, version=incoming.version, units=len(incoming.units),
                                  warnings=list(incoming.warnings))
            skip = stale | {c.unit.id for c in conflicts}
            report.stale_kept = len(stale)
            report.changed_targets, report.changed_states = apply_incoming(incoming, current, by=by, skip=skip,
                                                                           report=report)
            if conflicts:
                report.history_added += keep_conflicts(conflicts, by=by)
                report.conflicts = [c.line() for c in conflicts]
            # Automatic QA of every post-edit (translate/qa/): findings into the pair file as notes.
            report.qa_errors = len(annotate_article(current, config=qa).errors)
            write_pair_file(pair, current, stamp)
            report.warning = sync_memory(current, tm)
            report.memory_entries = sum(1 for s in current.segments if s.state in (State.REVIEWED, State.FINAL))
        finally:
            tm.close()
    report.states = Counter(s.state for s in current.segments)
    return report


def export_article(article: Article, stamp: dict[str, str], fmt: str) -> bytes:
    """The article in ``fmt`` (xliff21, xliff12 or tmx), checked against its schema before it leaves."""

    article, stamp = outgoing(article, stamp)
    if fmt == "xliff21":
        data = article_to_xliff(article, stamp)
        problems = validate_xliff21(parse_xml(data, "export"))
    elif fmt == "xliff12":
        data = article_to_xliff12(article, stamp)
        problems = validate_xliff12(parse_xml(data, "export"))
    elif fmt == "tmx":
        entries = [Entry(source=s.source, target=s.target, origin="pair", article=article.slug, segment=s.id,
                         state=s.state, author=s.approved_by, updated=s.approved_at)
                   for s in article.segments if s.state in (State.REVIEWED, State.FINAL) and s.target]
        data = write_tmx(entries)
        problems = validate_tmx(parse_xml(data, "export"))
    else:
        raise PairFileError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if problems:  # our own output: a bug, but never hand a tool an invalid file
        raise PairFileError(f"the {fmt} export of {article.slug!r} is not valid: {'; '.join(problems[:3])}")
    return data


def outgoing(article: Article, stamp: dict[str, str]) -> tuple[Article, dict[str, str]]:
    """A copy of ``article`` and ``stamp`` fit to leave the workspace: no path of this machine in the
    provenance (a model folder), the source path or the memory candidates' origins
    (:mod:`translate.core.public`)."""
    out = copy.deepcopy(article)
    source = public_source(str(out.source_path)) if out.source_path is not None else None
    out.source_path = Path(source) if source else None
    for seg in out.segments:
        for cand in seg.candidates:
            cand.origin = scrub(cand.origin) if cand.origin else cand.origin
    return out, public_stamp(stamp or {})
