"""Running the checks over articles: findings per segment, waivers applied, risk computed.

Pure: articles (and an optional glossary) in, a :class:`QaReport` out. The CLI, the publish gate,
the review and the pair-file writer all call :func:`run_qa`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Sequence

from translate.core.article import Article, QaIssue, Segment, text_hash
from translate.qa.config import QaConfig
from translate.qa.model import SEVERITY_RANK, Finding, SegmentQA
from translate.qa.registry import CHECKS, family_modules
from translate.qa.numbers import english_quantities
from translate.qa.numbers import french_quantities
from translate.qa.risk import rank
from translate.qa.risk import score


@dataclass
class SegmentContext:
    """What a check sees of one segment. ``target`` is the French checked: the current target,
    else the machine draft."""

    article: str
    segment: Segment
    target: str
    glossary: Any = None  # a translate glossary (translate.glossary.entries.Glossary), or None
    position: int = 0

    @property
    def source(self) -> str:
        return self.segment.source

    @cached_property
    def source_quantities(self):

        return english_quantities(self.source)

    @cached_property
    def target_quantities(self):

        return french_quantities(self.target)

    def finding(self, check: str, message: str) -> Finding:
        info = CHECKS[check]
        return Finding(check=check, severity=info.severity, message=message, segment=self.segment.id,
                       article=self.article)


@dataclass
class QaReport:
    segments: list[SegmentQA] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    untranslated: int = 0  # segments with no French at all: nothing to check

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.segments for f in s.findings]

    def count(self, severity: str, *, waived: bool = False) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.waived == waived)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def riskiest(self) -> list[SegmentQA]:

        return rank(self.segments)

    def for_segment(self, article: str, segment: str) -> SegmentQA | None:
        return self._index.get((article, segment))

    @cached_property
    def _index(self) -> dict[tuple[str, str], SegmentQA]:
        return {(s.article, s.segment): s for s in self.segments}


def french_of(seg: Segment) -> str | None:
    return seg.target if seg.target is not None else seg.mt


def run_qa(articles: Sequence[Article], config: QaConfig | None = None, *, glossary: Any = None) -> QaReport:
    """Every enabled check over every segment of ``articles`` (consistency across all of them)."""

    config = config or QaConfig()
    modules = family_modules()
    report = QaReport(articles=[a.slug for a in articles])
    contexts: list[SegmentContext] = []
    by_key: dict[tuple[str, str], SegmentQA] = {}
    for article in articles:
        for position, seg in enumerate(article.segments):
            qa = SegmentQA(article=article.slug, segment=seg.id, position=position)
            report.segments.append(qa)
            by_key[(article.slug, seg.id)] = qa
            french = french_of(seg)
            if french is None:
                report.untranslated += 1
                continue
            contexts.append(SegmentContext(article.slug, seg, french, glossary, position))
    raw: list[Finding] = []
    for module in modules:
        if hasattr(module, "check"):
            for ctx in contexts:
                raw.extend(module.check(ctx))
        if hasattr(module, "check_all"):
            raw.extend(module.check_all(contexts))
    segs = {(c.article, c.segment.id): c.segment for c in contexts}
    for finding in raw:
        if finding.check in config.disabled:
            continue
        finding.severity = config.severity_of(finding.check, finding.severity)
        seg = segs[(finding.article, finding.segment)]
        waiver = active_waiver(seg, finding.check)
        if waiver is not None:
            finding.waived, finding.waived_by = True, waiver.by
        by_key[(finding.article, finding.segment)].findings.append(finding)
    for article in articles:
        for seg in article.segments:
            qa = by_key[(article.slug, seg.id)]
            qa.findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.check))
            qa.risk, qa.explanation = score(seg, qa.findings)
    return report


def active_waiver(seg: Segment, check: str):
    """The waiver covering ``check`` on the segment's current French, if any."""
    french = french_of(seg)
    if french is None:
        return None
    sha = text_hash(french)
    for waiver in seg.waivers:
        if waiver.check == check and waiver.target_sha == sha:
            return waiver
    return None


def annotate(articles: Sequence[Article], report: QaReport) -> None:
    """Copy the findings onto the segments (``Segment.qa``) so the pair file records them."""
    for article in articles:
        for seg in article.segments:
            qa = report.for_segment(article.slug, seg.id)
            seg.qa = [QaIssue(f.check, f.severity, f.message + (f" (waived by {f.waived_by})" if f.waived else ""))
                      for f in (qa.findings if qa else [])]


def annotate_article(article: Article, *, glossary: Any = None, config: QaConfig | None = None) -> QaReport:
    """Run the QA on one article and record the findings on its segments (for the pair file)."""
    report = run_qa([article], config, glossary=glossary)
    annotate([article], report)
    return report
