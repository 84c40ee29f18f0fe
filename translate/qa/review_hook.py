"""The QA as the review app sees it: findings and risk per segment, through the app's seam
(:mod:`translate.review.web.hooks`), so the app itself never depends on the QA package."""

from __future__ import annotations

from typing import Any

from translate.core.article import Article
from translate.qa.config import QaConfig
from translate.qa.runner import run_qa
from translate.review.web.hooks import FindingsProvider, FindingView, SegmentFindings


def review_findings(config: QaConfig | None = None, *, glossary: Any = None) -> FindingsProvider:
    """A findings provider for ``create_app(WebConfig(findings=...))``: each segment's warnings and
    errors (``info`` is what publishing fixes by itself, so it is left out), a waived finding shown
    as information with who waived it, and the QA's risk score and its one-line explanation."""

    def provide(article: Article) -> dict[str, SegmentFindings]:
        report = run_qa([article], config, glossary=glossary)
        out: dict[str, SegmentFindings] = {}
        for seg in article.segments:
            qa = report.for_segment(article.slug, seg.id)
            if qa is None:
                continue
            shown = [FindingView(f.check, "info" if f.waived else f.severity,
                             f.message + (f" (waived by {f.waived_by})" if f.waived else ""))
                     for f in qa.findings if f.severity != "info"]
            out[seg.id] = SegmentFindings(findings=shown, risk=qa.risk, why=qa.explanation)
        return out

    return provide
