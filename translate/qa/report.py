"""QA reports: text (riskiest first), JSON, JUnit XML, GitHub Actions annotations."""

from __future__ import annotations

import json
from typing import Sequence

from lxml import etree

from translate.qa.model import SEVERITY_RANK, SegmentQA
from translate.qa.runner import QaReport


def _visible(item: SegmentQA, min_severity: str) -> list:
    floor = SEVERITY_RANK[min_severity]
    return [f for f in item.findings if SEVERITY_RANK[f.severity] >= floor]


def summary_line(report: QaReport) -> str:
    segs = len(report.segments)
    errors, waived = report.count("error"), report.count("error", waived=True)
    warnings, infos = report.count("warning"), report.count("info")
    return (f"{len(report.articles)} article(s), {segs} segments ({report.untranslated} without French), "
            f"{errors} error(s){f' ({waived} waived)' if waived else ''}, {warnings} warning(s), {infos} info")


def ordered(report: QaReport, order: str) -> list[SegmentQA]:
    return report.riskiest() if order == "risk" else list(report.segments)


def text_report(report: QaReport, ctx: dict, *, min_severity: str = "info", order: str = "risk",
                show_all: bool = False, limit: int | None = None) -> str:
    """One block per segment with findings (or every segment with ``show_all``), riskiest first."""
    out = []
    shown = 0
    for item in ordered(report, order):
        findings = _visible(item, min_severity)
        if not findings and not show_all:
            continue
        if limit is not None and shown >= limit:
            break
        shown += 1
        seg, where = ctx["segments"][(item.article, item.segment)], ctx["where"](item)
        out.append(f"{where}: {item.article} {item.segment} ({seg.state}) {item.explanation}")
        out.append(f"  EN  {seg.source}")
        french = seg.target if seg.target is not None else seg.mt
        out.append(f"  FR  {french if french is not None else '(no French yet)'}")
        for f in findings:
            waived = f" [waived by {f.waived_by}]" if f.waived else ""
            out.append(f"  {f.severity:<7} {f.check}: {f.message}{waived}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def json_report(report: QaReport, ctx: dict, *, min_severity: str = "info", order: str = "risk", **_) -> str:
    items = []
    for item in ordered(report, order):
        seg = ctx["segments"][(item.article, item.segment)]
        items.append({
            "article": item.article, "segment": item.segment, "file": ctx["file"](item), "line": ctx["line"](item),
            "state": seg.state, "origin": seg.origin, "risk": item.risk, "explanation": item.explanation,
            "source": seg.source, "target": seg.target if seg.target is not None else seg.mt,
            "mt_logprob": seg.mt_logprob,
            "findings": [{"check": f.check, "severity": f.severity, "message": f.message, "waived": f.waived,
                          "waived_by": f.waived_by or None} for f in _visible(item, min_severity)],
        })
    data = {"articles": report.articles, "segments": items,
            "summary": {"segments": len(report.segments), "untranslated": report.untranslated,
                        "errors": report.count("error"), "errors_waived": report.count("error", waived=True),
                        "warnings": report.count("warning"), "info": report.count("info")}}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def junit_report(report: QaReport, ctx: dict, *, min_severity: str = "info", order: str = "document", **_) -> str:
    """One test suite per article, one test case per segment; unwaived errors are failures."""
    suites = etree.Element("testsuites", name="translate qa")
    total = failures = 0
    for article in report.articles:
        items = [s for s in report.segments if s.article == article]
        suite = etree.SubElement(suites, "testsuite", name=article)
        fails = 0
        for item in items:
            case = etree.SubElement(suite, "testcase", classname=article, name=item.segment)
            findings = _visible(item, min_severity)
            errors = [f for f in findings if f.blocking]
            if errors:
                fails += 1
                failure = etree.SubElement(case, "failure", message=f"{len(errors)} QA error(s)", type="qa")
                failure.text = "\n".join(f"{f.check}: {f.message}" for f in errors)
            rest = [f for f in findings if not f.blocking]
            if rest:
                etree.SubElement(case, "system-out").text = "\n".join(
                    f"{f.severity} {f.check}: {f.message}{' [waived]' if f.waived else ''}" for f in rest)
        suite.set("tests", str(len(items)))
        suite.set("failures", str(fails))
        total += len(items)
        failures += fails
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _gh(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_report(report: QaReport, ctx: dict, *, min_severity: str = "info", order: str = "risk", **_) -> str:
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for item in ordered(report, order):
        for f in _visible(item, min_severity):
            level = "notice" if f.waived else levels[f.severity]
            line = ctx["line"](item)
            where = f"file={ctx['file'](item)}" + (f",line={line}" if line else "")
            out.append(f"::{level} {where},title=qa {f.check}::{_gh(f'{item.segment}: {f.message}')}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


FORMATS = {"text": text_report, "json": json_report, "junit": junit_report, "github": github_report}


def context_for(loaded: Sequence) -> dict:
    """Where each segment is (file, line) and the segments themselves, for the formats."""
    segments, files, lines = {}, {}, {}
    for item in loaded:
        for seg in item.article.segments:
            segments[(item.slug, seg.id)] = seg
            files[item.slug] = str(item.pair_file)
            lines[(item.slug, seg.id)] = item.lines.get(seg.id, 0)

    def file(qa: SegmentQA) -> str:
        return files.get(qa.article, qa.article)

    def line(qa: SegmentQA) -> int:
        return lines.get((qa.article, qa.segment), 0)

    def where(qa: SegmentQA) -> str:
        n = line(qa)
        return f"{file(qa)}:{n}" if n else file(qa)

    return {"segments": segments, "file": file, "line": line, "where": where}
