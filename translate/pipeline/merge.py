"""Merge rules for re-runs: human work always wins over a new MT run.

* An unchanged sentence (same id, same source) keeps its target, state, origin, notes,
  candidates and approval when that target is human work; an MT draft is kept only when it was
  made with the same settings.
* A new or changed sentence gets a fresh MT draft (the caller runs MT on every segment left
  without a target). When it replaces a sentence that had human work, that text is kept: as a
  note, and as a ``previous`` candidate the CAT tool offers.
"""

from __future__ import annotations

from translate.core.article import ORIGIN_HUMAN, ORIGIN_MT, STATE_ORDER, Article, Candidate, Segment

# How similar an old source must be to count as "the same sentence, changed" (rapidfuzz ratio).
CHANGED_THRESHOLD = 50.0


def is_human(seg: Segment) -> bool:
    """Does ``seg`` hold work a person did or approved, which a re-run must never overwrite?

    Human origin; or approved (reviewed/final); or a target that differs from the MT draft
    whatever the subState says (some CAT tools keep unknown attributes while the text changes).
    """
    if seg.target is None:
        return False
    if seg.origin == ORIGIN_HUMAN or STATE_ORDER.get(seg.state, 0) >= STATE_ORDER["reviewed"]:
        return True
    return seg.origin == ORIGIN_MT and seg.mt is not None and seg.target != seg.mt


def carry_over(seg: Segment, prev: Segment) -> None:
    seg.target, seg.mt, seg.state = prev.target, prev.mt, prev.state
    seg.origin = ORIGIN_HUMAN if (prev.origin == ORIGIN_MT and is_human(prev) and prev.target != prev.mt) else prev.origin
    seg.flags, seg.notes, seg.terms = list(prev.flags), list(prev.notes), list(prev.terms)
    seg.target_codes = list(prev.target_codes)  # the markup placed in the target (translate/core/inline.py)
    seg.candidates = list(prev.candidates)
    seg.approved_by, seg.approved_at = prev.approved_by, prev.approved_at
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
        if prev.target is None:
            continue
        if not is_human(prev) and prev.origin == ORIGIN_MT and not reuse_mt:
            continue
        carry_over(seg, prev)
        kept += 1
    orphans = [p for p in existing.segments if p.id not in matched and is_human(p) and p.target and p.target.strip()]
    if orphans:
        keep_previous_versions(article, orphans)
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


def keep_previous_versions(article: Article, orphans: list[Segment]) -> int:
    """For each new sentence that replaces one with human work, keep that text as a note and candidate."""
    from rapidfuzz import fuzz, process

    fresh = [seg for seg in article.segments if seg.target is None]
    sources = [p.source for p in orphans]
    attached = 0
    for seg in fresh:
        best = process.extractOne(seg.source, sources, scorer=fuzz.ratio, score_cutoff=CHANGED_THRESHOLD)
        if best is None:
            continue
        _, score, index = best
        prev = orphans[index]
        seg.notes.append(f"The English sentence changed; the earlier human translation was kept "
                         f"(source was: {prev.source}): {prev.target}")
        seg.candidates.append(Candidate(source=prev.source, target=prev.target, kind="previous",
                                        similarity=round(float(score), 1), origin=f"previous:{prev.id}"))
        attached += 1
    return attached
