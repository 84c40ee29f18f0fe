"""The publish gate's QA: a final segment with an unwaived error holds the article back.

The glossary check's findings are left to the gate's own glossary check (translate/glossary/check.py),
which matches the glossary as it is now; they are not listed twice.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from translate.core.article import Article
from translate.qa.config import QaConfig
from translate.qa.runner import run_qa

QaCheck = Callable[[Article], Sequence[str]]


def gate_problems(article: Article, config: QaConfig | None = None, *, glossary: Any = None) -> list[str]:
    """One line per unwaived error on a final segment, naming the segment, the check and the fix."""

    report = run_qa([article], config, glossary=glossary)
    final = {s.id for s in article.segments if s.state == "final"}
    lines = []
    for item in report.segments:
        if item.segment not in final:
            continue
        for f in item.errors:
            if f.check == "glossary":  # the gate runs the glossary check itself, against the glossary
                continue
            lines.append(f"{item.segment}: {f.check}: {f.message} (fix it, or waive it: translate review waive "
                         f"{article.slug} --segment {item.segment} --check {f.check})")
    return lines


def qa_check_for(config: QaConfig, glossary: Any = None) -> tuple[QaCheck | None, str]:
    """The QA check the publish gate runs, and a short line saying what it is."""
    if not config.publish_gate:
        return None, "off ([qa] publish_gate = false)"

    def check(article: Article) -> list[str]:
        return gate_problems(article, config, glossary=glossary)

    return check, "passed"
