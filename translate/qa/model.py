"""The QA data: findings, the checks' descriptions, waivers, severities."""

from __future__ import annotations

from dataclasses import dataclass, field


# Ordered: a finding at or above ``error`` holds a publication back.
SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class CheckInfo:
    """One check: a stable id (used in translate.toml, waivers and reports), its family (the
    module that runs it), its default severity and what it looks for."""

    id: str
    family: str
    severity: str
    title: str


@dataclass
class Finding:
    """One problem found in one segment's French."""

    check: str  # a CheckInfo id
    severity: str
    message: str  # one line naming what to fix
    segment: str = ""
    article: str = ""  # slug
    waived: bool = False  # a reviewer's waiver for this check covers this segment's current text
    waived_by: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "error" and not self.waived


@dataclass
class SegmentQA:
    """A segment's findings and its risk (see translate/qa/risk.py)."""

    article: str
    segment: str
    findings: list[Finding] = field(default_factory=list)
    risk: float = 0.0
    explanation: str = ""
    position: int = 0  # order in the article, for a stable ordering

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]
