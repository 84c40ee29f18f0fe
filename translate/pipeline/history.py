"""Human-text history: every human text a segment ever had stays findable in the pair file.

A history entry is a :class:`~translate.core.article.Candidate` of kind ``previous`` (an
``mtc:match`` with ``subType="tr:previous"``, which CAT tools offer beside the target), carrying
the English it translated, who entered it and when (``mda:metadata`` inside the match), and the
event that took it out of the target:

* ``replaced``: an import (or an editor) replaced it with another text;
* ``changed``: the English sentence changed (the entry moves to the new sentence);
* ``removed``: the English sentence was deleted, merged away or rewritten beyond recognition
  (the entry moves to the nearest sentence that is still there);
* ``conflict``: a stale import's text for it, kept beside newer work (``--keep-conflicts``).

Entries follow their sentence through every re-run, merge, split, rewrite and revert; nothing
removes them but ``translate pair prune-history``.
"""

from __future__ import annotations

from translate.core.article import Article, Candidate, Segment

HISTORY = "previous"  # the Candidate kind
# Notes this module writes start with one of these, so prune-history can take them away too.
NOTE_PREFIXES = ("The English sentence changed;", "The English sentence this was for")


def entry_from(seg: Segment, event: str) -> Candidate:
    """The current human text of ``seg`` as a history entry."""
    return Candidate(source=seg.source, target=seg.target or "", kind=HISTORY, origin=f"previous:{seg.id}",
                     by=seg.edited_by or seg.approved_by, at=seg.edited_at or seg.approved_at, event=event)


def add_history(seg: Segment, entry: Candidate) -> bool:
    """Append ``entry`` to ``seg``'s history unless the same text for the same English is there."""
    if any(c.kind == HISTORY and c.source == entry.source and c.target == entry.target for c in seg.candidates):
        return False
    seg.candidates.append(entry)
    return True


def prune_history(article: Article, segment_ids: list[str] | None = None) -> int:
    """Remove the history entries (and the notes that announced them) of ``segment_ids``, or of
    every segment; returns how many entries went. The one way history is ever dropped."""
    removed = 0
    for seg in article.segments:
        if segment_ids is not None and seg.id not in segment_ids:
            continue
        kept = [c for c in seg.candidates if c.kind != HISTORY]
        removed += len(seg.candidates) - len(kept)
        seg.candidates = kept
        seg.notes = [n for n in seg.notes if not n.startswith(NOTE_PREFIXES)]
    return removed
