"""Merge rules for re-runs: human work always wins over a new MT run, and is never lost.

* An unchanged sentence (same id, same source) keeps its target, state, origin, notes,
  candidates and approval when that target is human work; an MT draft is kept only when it was
  made with the same settings. Its history (translate/pipeline/history.py) is always kept.
* A new or changed sentence gets a fresh MT draft (the caller runs MT on every segment left
  without a target). Every old sentence that is gone and held human work or history hands it on:
  to the new sentence most like it (rapidfuzz ratio ≥ 50: "changed"), else to the nearest
  sentence still there ("removed": deleted, merged away, rewritten beyond recognition). So a
  sentence changed twice, changed back, merged, split or deleted keeps every human text findable.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from translate.core.article import ORIGIN_HUMAN, ORIGIN_MT, STATE_ORDER, Article, Segment, State
from translate.pipeline.history import HISTORY, add_history, entry_from

# How similar an old source must be to count as "the same sentence, changed" (rapidfuzz ratio).
CHANGED_THRESHOLD = 50.0


def is_human(seg: Segment) -> bool:
    """Does ``seg`` hold work a person did or approved, which a re-run must never overwrite?

    Human origin; or approved (reviewed/final); or a target that differs from the MT draft
    whatever the subState says (some CAT tools keep unknown attributes while the text changes).
    """
    if seg.target is None:
        return False
    if seg.origin == ORIGIN_HUMAN or STATE_ORDER.get(seg.state, 0) >= STATE_ORDER[State.REVIEWED]:
        return True
    return seg.origin == ORIGIN_MT and seg.mt is not None and seg.target != seg.mt


def carry_over(seg: Segment, prev: Segment) -> None:
    seg.target, seg.mt, seg.state = prev.target, prev.mt, prev.state
    seg.origin = ORIGIN_HUMAN if (prev.origin == ORIGIN_MT and is_human(prev) and prev.target != prev.mt) else prev.origin
    seg.flags, seg.notes, seg.terms = list(prev.flags), list(prev.notes), list(prev.terms)
    seg.target_codes = list(prev.target_codes)  # the markup placed in the target (translate/core/inline.py)
    history = [c for c in seg.candidates if c.kind == HISTORY]  # handed on earlier in this run
    seg.candidates = list(prev.candidates)
    for entry in history:
        add_history(seg, entry)
    seg.approved_by, seg.approved_at = prev.approved_by, prev.approved_at
    seg.edited_by, seg.edited_at = prev.edited_by, prev.edited_at
    # QA: the reviewer's waivers stay with the text they were given for (each pins its target's
    # hash, so a waiver never covers a later text); the model's confidence stays with its draft.
    seg.waivers, seg.qa, seg.mt_logprob = list(prev.waivers), list(prev.qa), prev.mt_logprob


def merge_existing(article: Article, existing: Article | None, *, reuse_mt: bool) -> int:
    """Carry targets over from the previous pair file into ``article``; returns how many were kept."""
    if existing is None:
        return 0
    old = {seg.id: seg for seg in existing.segments}
    matched: set[str] = set()
    kept = 0
    for seg in article.segments:
        prev = old.get(seg.id)
        if prev is None or prev.source != seg.source:
            continue
        matched.add(prev.id)
        if prev.target is None or (not is_human(prev) and prev.origin == ORIGIN_MT and not reuse_mt):
            for entry in prev.history:  # a fresh draft, but the history stays
                add_history(seg, entry)
            continue
        carry_over(seg, prev)
        kept += 1
    gone = [p for p in existing.segments if p.id not in matched
            and ((is_human(p) and p.target and p.target.strip()) or p.history)]
    if gone:
        keep_previous_versions(article, gone, existing)
    return kept


def keep_human_edits(article: Article, newer: Article) -> int:
    """Carry over human work saved into the pair file while a run was translating (a CAT tool
    saving in place, outside the lock): the run's drafts never overwrite it. Returns how many."""
    current = {seg.id: seg for seg in article.segments}
    kept = 0
    for prev in newer.segments:
        seg = current.get(prev.id)
        if seg is None or seg.source != prev.source or not is_human(prev):
            continue
        carry_over(seg, prev)
        kept += 1
    return kept


def keep_previous_versions(article: Article, gone: list[Segment], existing: Article | None = None) -> int:
    """Hand the human text and history of each sentence that is gone to a sentence still there.

    The home is the new sentence most like it (fresh ones first) when it scores at least
    :data:`CHANGED_THRESHOLD`; else the sentence at the nearest position. Returns how many
    entries were added.
    """
    segments = article.segments
    if not segments:
        return 0
    fresh = [seg for seg in segments if seg.target is None]
    old_order = {seg.id: i for i, seg in enumerate(existing.segments)} if existing is not None else {}
    old_total = max(len(old_order), 1)
    attached = 0
    for prev in gone:
        home = None
        for pool in (fresh, segments):
            best = process.extractOne(prev.source, [s.source for s in pool], scorer=fuzz.ratio,
                                      score_cutoff=CHANGED_THRESHOLD) if pool else None
            if best is not None:
                home = pool[best[2]]
                break
        changed = home is not None
        if home is None:  # deleted, merged away or rewritten beyond recognition: the nearest sentence
            position = old_order.get(prev.id, 0) / old_total
            home = segments[min(int(position * len(segments)), len(segments) - 1)]
        entries = list(prev.history)
        if is_human(prev) and prev.target and prev.target.strip():
            entries.append(entry_from(prev, "changed" if changed else "removed"))
            if changed:
                home.notes.append(f"The English sentence changed; the earlier human translation was kept "
                                  f"(source was: {prev.source}): {prev.target}")
            else:
                home.notes.append(f"The English sentence this was for was removed or rewritten; its human "
                                  f"translation was kept (source was: {prev.source}): {prev.target}")
        for entry in entries:  # similarity: of the English each text was for, to its new home's
            entry.similarity = round(float(fuzz.ratio(entry.source, home.source)), 1)
            attached += add_history(home, entry)
    return attached
