"""Extension points of the review app: per-segment QA findings and the risk order.

The app shows a findings column, a findings count per article and a "next risky segment" key
only when it is given a :data:`FindingsProvider`; without one those parts are not rendered.
An automatic QA package plugs in by adapting its results to these small types in
:func:`translate.review.web.app.create_app`'s ``findings`` argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from translate.core.article import Article


@dataclass
class FindingView:
    check: str  # the check's id, e.g. "numbers"
    severity: str  # "error", "warning" or "info"
    message: str  # one line: what to fix


@dataclass
class SegmentFindings:
    findings: list[FindingView] = field(default_factory=list)
    risk: float = 0.0  # higher is riskier; the page's "next risky segment" follows it
    why: str = ""  # the risk explained in one line


# Given an article as read from its pair file, the findings of its segments by segment id
# (segments without findings may be left out).
FindingsProvider = Callable[[Article], Mapping[str, SegmentFindings]]

# The publish gate's QA: given an article, one line per unwaived error that holds it back
# (translate/qa/gate.py's check); publishing and its preview in the app go through it.
QaGate = Callable[[Article], Sequence[str]]
