"""The risk score of a segment, and the riskiest-first order.

``score(segment, findings)`` is a sum of documented parts, each shown in the one-line explanation:

* each unwaived finding: error 40, warning 12, info 2 (a second finding of the same check adds
  half; waived findings add nothing);
* the origin of the French: machine draft 10, fuzzy memory match 6, exact memory match 3,
  human 0 (a reviewed or final segment counts half of this);
* the engine's flags: length-capped 20, term-repaired 15, term-forced 8, split-long 5,
  codes-placed 5 (only while the machine draft is the French; a flag that its own check
  reported, such as length-capped, counts once, as that finding);
* the model's confidence, for a machine draft: its length-normalised log-probability ``lp``
  (translate.engine records generate's sequence score) adds ``min(20, 25 * max(0, -lp - 0.4))``:
  nothing at -0.4 per token or better (a confident draft), 20 at -1.2 or worse;
* length: ``min(8, words / 8)``: long sentences hide more.

``rank(items)`` orders by score, highest first; ties keep the article order (then the article).
The weights put any error above any clean segment: a clean machine draft scores at most
10 + 20 + 20 + 8 = 58 (all flags and the lowest confidence would be rare together) while
a single error scores 40 plus its own origin and length.
"""

from __future__ import annotations

from typing import Sequence

from translate.core.article import ORIGIN_HUMAN, ORIGIN_MT, ORIGIN_TM_EXACT, ORIGIN_TM_FUZZY, STATE_ORDER, Segment
from translate.qa.model import Finding, SegmentQA

SEVERITY_WEIGHT = {"error": 40.0, "warning": 12.0, "info": 2.0}
ORIGIN_WEIGHT = {ORIGIN_MT: 10.0, ORIGIN_TM_FUZZY: 6.0, ORIGIN_TM_EXACT: 3.0, ORIGIN_HUMAN: 0.0}
FLAG_WEIGHT = {"length-capped": 20.0, "term-repaired": 15.0, "term-forced": 8.0, "split-long": 5.0, "codes-placed": 5.0}
CONFIDENCE_FLOOR = -0.4  # log-probability per token at or above which a draft adds nothing
CONFIDENCE_SLOPE = 25.0
CONFIDENCE_MAX = 20.0
LENGTH_MAX = 8.0


def confidence_points(logprob: float | None) -> float:
    if logprob is None:
        return 0.0
    return min(CONFIDENCE_MAX, CONFIDENCE_SLOPE * max(0.0, CONFIDENCE_FLOOR - logprob))


def score(seg: Segment, findings: Sequence[Finding]) -> tuple[float, str]:
    """The segment's risk and its one-line explanation."""
    parts: list[tuple[str, float]] = []
    seen: dict[str, int] = {}
    for f in findings:
        if f.waived:
            continue
        n = seen.get(f.check, 0)
        seen[f.check] = n + 1
        weight = SEVERITY_WEIGHT[f.severity] * (1.0 if n == 0 else 0.5)
        parts.append((f"{f.severity} {f.check}", weight))
    is_draft = seg.target is None or (seg.mt is not None and seg.target == seg.mt)
    origin = seg.origin or (ORIGIN_MT if seg.mt is not None and is_draft else ORIGIN_HUMAN)
    weight = ORIGIN_WEIGHT.get(origin, 0.0)
    if STATE_ORDER.get(seg.state, 0) >= STATE_ORDER["reviewed"]:
        weight /= 2
    if weight:
        parts.append((f"{origin} origin", weight))
    if is_draft:
        reported = {f.check for f in findings if not f.waived}
        for flag in seg.flags:
            if flag in FLAG_WEIGHT and flag not in reported:  # a flag its own check reported counts once
                parts.append((flag, FLAG_WEIGHT[flag]))
        points = confidence_points(seg.mt_logprob)
        if points:
            parts.append((f"model confidence {seg.mt_logprob:.2f}/token", points))
    french = seg.target if seg.target is not None else (seg.mt or "")
    length = min(LENGTH_MAX, len(seg.source.split()) / 8)
    if length >= 0.5:
        parts.append((f"{len(seg.source.split())} words", length))
    total = round(sum(w for _, w in parts), 1)
    explanation = ", ".join(f"{label} +{w:g}" for label, w in parts) or "nothing to report"
    if not french.strip() and seg.target is None:
        explanation = "no French yet; " + explanation
    return total, f"risk {total:g}: {explanation}"


def rank(items: Sequence[SegmentQA]) -> list[SegmentQA]:
    """Riskiest first; equal scores keep their order in the article."""
    order = {id(item): i for i, item in enumerate(items)}
    return sorted(items, key=lambda s: (-s.risk, order[id(s)]))
