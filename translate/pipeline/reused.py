"""Locked terms in drafts MT did not make this run: memory matches and kept human work.

Every draft goes through the one term check (:func:`translate.mt.termlock.verify_draft`), whatever
made it; MT drafts get it inside :func:`translate.mt.termlock.translate_locked`.

* An exact memory match holding every locked form is reused, its terms marked ``memory``. One that
  lacks a form (approved before the glossary changed: "Poutine" added last week) is not reused:
  the segment is re-translated with the terms locked, the match stays offered as a candidate,
  and a note says why. A translator may still pick the old text; the check then flags it.
* Human work (post-edited, approved, or carried over from an earlier version) is never edited:
  its terms are marked ``human`` and a missing form is flagged (``term-missing``) with a note.
  The earlier human translation of a changed sentence, kept as a candidate, gets a note naming
  the locked forms it lacks.
"""

from __future__ import annotations

from typing import Sequence

from translate.core.article import ORIGIN_MT, ORIGIN_TM_EXACT, Segment
from translate.glossary.entries import Glossary
from translate.glossary.textmatch import missing_forms
from translate.mt.termlock import FLAG_TERM_MISSING, MISSING_NOTE, verify_draft
from translate.pipeline.merge import is_human

MEMORY_REJECTED_NOTE = "The exact memory match was not reused: it lacks the locked glossary form(s) "


def _drop_old_marks(seg: Segment) -> None:
    seg.flags = [f for f in seg.flags if f != FLAG_TERM_MISSING]
    seg.notes = [n for n in seg.notes if not n.startswith(MISSING_NOTE)]


def verify_reused(segments: Sequence[Segment], glossary: Glossary, stats=None) -> int:
    """Check the locked terms of ``segments`` that already hold a target; returns how many memory
    matches were turned away (those segments are left without a target, for MT)."""
    rejected = 0
    for seg in segments:
        if seg.target is None:
            _check_previous(seg, glossary)
            continue
        hits = glossary.find(seg.source)
        human = is_human(seg)
        if seg.origin == ORIGIN_TM_EXACT and not human:
            if not hits:
                continue
            check = verify_draft(seg.target, hits, origin="memory")
            if check.missing:
                forms = ", ".join(dict.fromkeys(h.target for h in check.missing))
                seg.target, seg.state, seg.origin, seg.terms = None, "initial", None, []
                seg.notes = [n for n in seg.notes if not n.startswith(MEMORY_REJECTED_NOTE)] + [
                    MEMORY_REJECTED_NOTE + f"{forms} (the glossary changed since it was approved); the sentence "
                    "was translated again with the terms locked. The match is still offered as a candidate."]
                rejected += 1
                if stats is not None:
                    stats.memory_rejected += 1
                continue
            seg.target, seg.terms = check.text, check.terms
            _count(stats, check.terms, "memory")
        elif human:
            _drop_old_marks(seg)
            check = verify_draft(seg.target, hits, origin="human")
            unedited = seg.origin == ORIGIN_MT and seg.mt is not None and seg.target == seg.mt
            same = [(h.entry_id, h.start) for h in seg.terms] == [(h.entry_id, h.start) for h in hits]
            if not (unedited and same and not check.missing):
                seg.terms = check.terms  # an MT draft approved as it was keeps its record
            seg.flags += check.flags
            seg.notes += check.notes
            if hits:
                _count(stats, seg.terms, "human")
        elif seg.origin == ORIGIN_MT and hits and [(h.entry_id, h.start) for h in seg.terms] != [
                (h.entry_id, h.start) for h in hits]:
            # A kept machine draft whose recorded hits are not the glossary's: translate it again.
            seg.target, seg.mt, seg.state, seg.origin, seg.terms = None, None, "initial", None, []
            seg.flags, seg.notes = [], []
    return rejected


def _check_previous(seg: Segment, glossary: Glossary) -> None:
    """A changed sentence keeps the earlier human translation as a candidate (as is); say which
    locked forms it lacks, so the translator who reuses it knows what to fix."""
    previous = [c for c in seg.candidates if c.kind == "previous"]
    if not previous:
        return
    hits = glossary.find(seg.source)
    for cand in previous:
        missing = missing_forms(cand.target, hits)
        if missing:
            forms = ", ".join(dict.fromkeys(h.target for h in missing))
            seg.notes.append(f"The earlier human translation ({cand.origin}) lacks the locked glossary form(s) {forms}.")


def _count(stats, terms, path: str) -> None:
    if stats is None:
        return
    stats.segments_with_terms += 1
    stats.segment_paths[path] += 1
    for hit in terms:
        stats.terms[hit.method] += 1
