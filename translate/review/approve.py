"""Approval: reviewed segments move to final, recording who and when, under the article's lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from translate.core.errors import InputError
from translate.pipeline.articleref import resolve_article
from translate.pipeline.article_lock import article_lock
from translate.pipeline.memory import TranslationMemory, default_memory_path, sync_memory
from translate.formats.exchange import current_user, now_iso, set_state
from translate.formats.xliff import read_pair_file, write_pair_file


@dataclass
class ApproveReport:
    slug: str
    pair_file: Path
    by: str
    approved: int = 0
    final: int = 0
    total: int = 0
    not_reviewed: list[str] = field(default_factory=list)
    warning: str | None = None


def approve_article(article: str, workdir: Path, *, segment_ids: list[str] | None = None, by: str | None = None,
                    memory: Path | None = None) -> ApproveReport:
    """Approve ``article``'s reviewed segments (or only ``segment_ids``); all checks before any write."""

    ref = resolve_article(article, workdir)
    who = by or current_user()
    with article_lock(workdir, ref.slug):
        art, stamp = read_pair_file(ref.pair_file)
        segments = {s.id: s for s in art.segments}
        if segment_ids is not None:
            unknown = [i for i in segment_ids if i not in segments]
            if unknown:
                raise InputError(f"{ref.pair_file}: no segment(s) {', '.join(unknown[:8])} in article {ref.slug!r}. "
                                 "`translate review diff` lists the ids. Nothing was approved.")
            chosen = [segments[i] for i in segment_ids]
        else:
            chosen = list(art.segments)
        report = ApproveReport(slug=ref.slug, pair_file=ref.pair_file, by=who, total=len(segments))
        empty = [s.id for s in chosen if s.state == "reviewed" and not (s.target or "").strip()]
        if empty:
            raise InputError(f"{ref.pair_file}: segment(s) {', '.join(empty[:8])} are reviewed but have an empty target; "
                             "a final segment needs a translation. Nothing was approved.")
        tm = TranslationMemory.open(memory or default_memory_path(workdir))
        try:
            when = now_iso()
            for seg in chosen:
                if seg.state == "reviewed":
                    set_state(seg, "final", by=who, when=when)
                    report.approved += 1
                elif seg.state != "final" and segment_ids is not None:
                    report.not_reviewed.append(seg.id)
                elif seg.state != "final":
                    report.not_reviewed.append(seg.id)
            if report.approved:
                write_pair_file(ref.pair_file, art, stamp)
                report.warning = sync_memory(art, tm)
        finally:
            tm.close()
    report.final = sum(1 for s in art.segments if s.state == "final")
    return report
