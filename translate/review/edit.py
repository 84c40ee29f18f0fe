"""Post-editing segments one at a time (the review web app): optimistic concurrency per segment.

An editor's change names the segment, what it does (save the text, confirm it as reviewed,
approve it as final, or take it a step back) and the *version* of the segment the editor started
from: a hash of its target and state. Under the article's lock the pair file is read again (a CAT
tool or another editor may have saved meanwhile), every version is compared, and only then is
anything applied and written, atomically. A stale version refuses the whole request with
:class:`SegmentConflict`, which carries both texts, so the editor's text is never lost and the
other person's is never overwritten. Segments nobody touched in this request keep whatever is on
disk, so two people working on different segments of one article both keep their work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from translate.core.article import ORIGIN_HUMAN, Article, Segment
from translate.core.errors import InputError, TranslateError
from translate.core.inline import place_codes
from translate.formats.exchange import mark_edited, now_iso, set_state
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.pipeline.article_lock import article_lock
from translate.pipeline.memory import TranslationMemory, default_memory_path, sync_memory
from translate.review.approve import approve_segments

ACTIONS = ("save", "review", "approve", "back")
# Where "back" goes from each state.
_BACK = {"final": "reviewed", "reviewed": "translated"}


def segment_version(seg: Segment) -> str:
    """The segment's version: changes whenever its target or state does (16 hex digits)."""
    target = "\x00none" if seg.target is None else seg.target
    return hashlib.sha256(f"{seg.state}\x1f{target}".encode("utf-8")).hexdigest()[:16]


def normalise_target(text: str) -> str:
    """Browser text areas send CRLF line ends; the pair file keeps the editor's text otherwise as typed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class SegmentEdit:
    segment_id: str
    version: str  # the version the editor started from (segment_version)
    action: str = "save"  # one of ACTIONS
    target: str | None = None  # the editor's text; None leaves the text as it is


@dataclass
class EditConflict:
    """A segment that changed on disk since the editor loaded it: both texts, nothing lost."""

    segment_id: str
    yours: str | None
    theirs: str | None
    their_state: str
    their_version: str
    their_editor: str | None = None
    their_time: str | None = None


class UnknownSegment(InputError):
    """A segment id that is not in this article (a forged request, or another article's id)."""


class SegmentConflict(TranslateError):
    """The segment changed since the editor loaded it; nothing was written."""

    def __init__(self, message: str, conflicts: list[EditConflict]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


@dataclass
class EditReport:
    slug: str
    pair_file: Path
    article: Article  # the article as written (or as read, when nothing changed)
    changed: list[str] = field(default_factory=list)
    warning: str | None = None  # a translation memory problem; the pair file was written


def apply_edit(seg: Segment, edit: SegmentEdit, *, by: str, when: str) -> bool:
    """Apply one checked edit to ``seg``; returns whether anything changed. Raises
    :class:`InputError` when the action is not allowed from the segment's state."""
    if edit.action not in ACTIONS:
        raise InputError(f"segment {seg.id}: unknown action {edit.action!r}; use one of {', '.join(ACTIONS)}.")
    new_text = None if edit.target is None else normalise_target(edit.target)
    if seg.target is None and not (new_text or "").strip():
        new_text = None  # an empty box under an untranslated segment is not a translation
    text_changes = new_text is not None and new_text != seg.target
    if edit.action == "approve":
        if text_changes:
            raise InputError(f"segment {seg.id}: the text was edited; confirm the edit (reviewed) before approving it. "
                             "Nothing was changed.")
        if seg.state == "final":
            return False
        if seg.state != "reviewed":
            raise InputError(f"segment {seg.id} is {seg.state}, not reviewed: confirm it before approving it. "
                             "Nothing was changed.")
        return bool(approve_segments([seg], by=by, when=when)[0])
    before = (seg.target, seg.state)
    if text_changes:
        seg.target = new_text
        seg.origin = ORIGIN_HUMAN
        if seg.codes:  # the editor types plain text: the source's inline markup is placed again
            seg.target_codes, _ = place_codes(seg.source, seg.codes, new_text)
    if edit.action == "review":
        if not (seg.target or "").strip():
            raise InputError(f"segment {seg.id}: an empty translation cannot be confirmed. Nothing was changed.")
        set_state(seg, "reviewed", by=by, when=when)
    elif edit.action == "back":
        if text_changes:
            raise InputError(f"segment {seg.id}: save the edited text before changing its state back. "
                             "Nothing was changed.")
        set_state(seg, _BACK.get(seg.state, seg.state), by=by, when=when)
    elif text_changes:
        # An approval was of the old text: an edited confirmed segment is a draft again.
        set_state(seg, "translated", by=by, when=when)
    changed = before != (seg.target, seg.state)
    if changed:
        mark_edited(seg, by=by, when=when)
    return changed


def check_edits(article: Article, edits: list[SegmentEdit], origin: str) -> dict[str, Segment]:
    """Every id in ``article`` and every version current, or raise; returns the segments by id."""
    segments = {s.id: s for s in article.segments}
    unknown = [e.segment_id for e in edits if e.segment_id not in segments]
    if unknown:
        raise UnknownSegment(f"{origin}: no segment {', '.join(unknown[:8])} in article {article.slug!r}. "
                             "Nothing was changed.")
    conflicts = []
    for edit in edits:
        seg = segments[edit.segment_id]
        version = segment_version(seg)
        if version != edit.version:
            conflicts.append(EditConflict(segment_id=seg.id, yours=edit.target, theirs=seg.target, their_state=seg.state,
                                      their_version=version, their_editor=seg.edited_by, their_time=seg.edited_at))
    if conflicts:
        ids = ", ".join(c.segment_id for c in conflicts[:8])
        raise SegmentConflict(f"{origin}: segment(s) {ids} changed since you loaded them (another editor or a CAT "
                              "tool saved). Nothing was written; compare both texts and save again.", conflicts)
    return segments


def edit_segments(pair_file: Path, workdir: Path, slug: str, edits: list[SegmentEdit], *, by: str,
                  memory: Path | None = None) -> EditReport:
    """Apply ``edits`` to the article's pair file: all checks first, then one atomic write under the
    article's lock, merged with what is on disk. Raises :class:`UnknownSegment`,
    :class:`SegmentConflict`, :class:`InputError` (an action the state does not allow) or the lock's
    error when another process holds the article; in every case nothing is written."""
    pair_file, workdir = Path(pair_file), Path(workdir)
    with article_lock(workdir, slug):
        article, stamp = read_pair_file(pair_file)  # re-read: whatever was saved meanwhile is kept
        if article.slug and article.slug != slug:
            raise InputError(f"{pair_file}: holds article {article.slug!r}, not {slug!r}. Nothing was changed.")
        segments = check_edits(article, edits, str(pair_file))
        report = EditReport(slug=slug, pair_file=pair_file, article=article)
        when = now_iso()
        for edit in edits:
            if apply_edit(segments[edit.segment_id], edit, by=by, when=when):
                report.changed.append(edit.segment_id)
        if not report.changed:
            return report
        tm = TranslationMemory.open(memory or default_memory_path(workdir))  # fails before the write
        try:
            write_pair_file(pair_file, article, stamp)
            report.warning = sync_memory(article, tm)
        finally:
            tm.close()
    return report
