"""The glossary check CI runs: every glossary hit in a pair file's source must be in its French.

For each pair file, each segment's source is matched against the glossary (the glossary as it is
now, not the hits recorded at MT time), and the French is the post-edited target if there is one,
else the machine draft. A hit whose locked form the French lacks is a violation. Term accuracy is
the WMT terminology tasks' exact-match accuracy: correct term occurrences over all term
occurrences. Named-entity candidates no entry covers are reported as uncovered.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from translate.core.errors import InputError, TranslateError
from translate.glossary.entries import Glossary, missing_forms
from translate.formats.xliff import XLIFF
from translate.formats.xliff import xliff_to_article
from translate.core.xmlsafe import read_xml_file
from translate.glossary.entities import candidates


@dataclass
class Violation:
    file: str
    line: int
    segment: str
    entry_id: str
    source_text: str  # the English as found in the source
    expected: str  # the locked French form
    target: str  # the French checked
    kind: str = "missing"  # missing: the form is absent; unreadable: the pair file cannot be read

    def message(self) -> str:
        if self.kind == "unreadable":
            return self.target
        return (f"segment {self.segment}: {self.source_text!r} must be translated as {self.expected!r}, "
                f"which the French lacks: {_short(self.target)!r}")


@dataclass
class Uncovered:
    text: str
    count: int
    file: str
    line: int
    segment: str
    kind: str


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    segments: int = 0
    untranslated: int = 0  # segments with neither a target nor a draft: nothing to check yet
    terms: int = 0
    correct: int = 0
    violations: list[Violation] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Exact-match term accuracy (WMT terminology): 1.0 when there is no term to check."""
        return self.correct / self.terms if self.terms else 1.0

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.violations or (strict and self.uncovered) else 0


def _short(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _segment_lines(root) -> dict[str, int]:

    return {el.get("id"): el.sourceline or 0 for el in root.iter(f"{{{XLIFF}}}segment")}


def pair_files(workdir: Path) -> list[Path]:
    workdir = Path(workdir)
    if not workdir.is_dir():
        raise InputError(f"{workdir}: no such folder of pair files. Pass --workdir DIR.")
    return sorted(workdir.glob("*.xlf"))


def check_pair_files(files: list[Path], glossary: Glossary, *, entities: bool = True) -> CheckReport:
    """Check ``files`` against ``glossary``; never raises for a bad pair file (it is a violation)."""

    report = CheckReport()
    sources: list[tuple[str, str, int, str]] = []  # file, segment, line, source
    for path in files:
        name = str(path)
        report.files.append(name)
        try:
            root = read_xml_file(path, "pair file")
            article, _ = xliff_to_article(root, name)
        except TranslateError as exc:
            report.violations.append(Violation(name, 0, "", "", "", "", f"cannot be read: {exc}", kind="unreadable"))
            continue
        lines = _segment_lines(root)
        for seg in article.segments:
            report.segments += 1
            line = lines.get(seg.id, 0)
            sources.append((name, seg.id, line, seg.source))
            hits = glossary.find(seg.source)
            french = seg.target if seg.target is not None else seg.mt
            if french is None:
                report.untranslated += 1
                continue
            missing = missing_forms(french, hits)
            report.terms += len(hits)
            report.correct += len(hits) - len(missing)
            for hit in missing:
                report.violations.append(Violation(name, line, seg.id, hit.entry_id, hit.source_text, hit.target, french))
    if entities:

        for cand in candidates([(f"{f}\0{s}\0{ln}", src) for f, s, ln, src in sources], glossary):
            file, seg_id, line = cand.first_ref.split("\0")
            report.uncovered.append(Uncovered(cand.text, cand.count, file, int(line), seg_id, cand.kind))
    return report


# ---------------------------------------------------------------------------- output formats
def format_text(report: CheckReport, *, strict: bool = False) -> str:
    out = []
    for v in report.violations:
        where = f"{v.file}:{v.line}" if v.line else v.file
        out.append(f"{where}: {v.message()}")
    for u in report.uncovered:
        out.append(f"{u.file}:{u.line}: uncovered entity {u.text!r} ({u.kind}, {u.count}x, first in segment {u.segment})")
    out.append(
        f"{len(report.files)} pair file(s), {report.segments} segments ({report.untranslated} untranslated), "
        f"{report.terms} glossary terms, term accuracy {report.accuracy:.1%} ({report.correct}/{report.terms}), "
        f"{len(report.violations)} violation(s), {len(report.uncovered)} uncovered entit{'y' if len(report.uncovered) == 1 else 'ies'}"
    )
    return "\n".join(out) + "\n"


def format_json(report: CheckReport, *, strict: bool = False) -> str:
    data = {
        "files": report.files,
        "segments": report.segments,
        "untranslated": report.untranslated,
        "terms": report.terms,
        "correct": report.correct,
        "term_accuracy": round(report.accuracy, 6),
        "violations": [asdict(v) for v in report.violations],
        "uncovered": [asdict(u) for u in report.uncovered],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_junit(report: CheckReport, *, strict: bool = False) -> str:
    """JUnit XML: one test suite per pair file, one test case per segment with glossary terms."""
    from lxml import etree

    suites = etree.Element("testsuites", name="glossary check", tests="0", failures="0")
    by_file: dict[str, list[Violation]] = {}
    for v in report.violations:
        by_file.setdefault(v.file, []).append(v)
    uncovered_by_file: dict[str, list[Uncovered]] = {}
    for u in report.uncovered:
        uncovered_by_file.setdefault(u.file, []).append(u)
    total = failures = 0
    for file in report.files:
        violations = by_file.get(file, [])
        uncovered = uncovered_by_file.get(file, [])
        suite = etree.SubElement(suites, "testsuite", name=file)
        cases = 0
        fails = 0
        case = etree.SubElement(suite, "testcase", classname=file, name="locked terms")
        cases += 1
        if violations:
            fails += 1
            failure = etree.SubElement(case, "failure", message=f"{len(violations)} glossary violation(s)", type="glossary")
            failure.text = "\n".join(f"line {v.line}: {v.message()}" for v in violations)
        case = etree.SubElement(suite, "testcase", classname=file, name="uncovered entities")
        cases += 1
        if uncovered:
            body = "\n".join(f"line {u.line}: {u.text} ({u.kind}, {u.count}x)" for u in uncovered)
            if strict:
                fails += 1
                etree.SubElement(case, "failure", message=f"{len(uncovered)} uncovered entit(ies)", type="uncovered").text = body
            else:
                etree.SubElement(case, "system-out").text = body
        suite.set("tests", str(cases))
        suite.set("failures", str(fails))
        total += cases
        failures += fails
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _gh_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(report: CheckReport, *, strict: bool = False) -> str:
    """GitHub Actions workflow commands: annotations on the pair files."""
    out = []
    for v in report.violations:
        line = f",line={v.line}" if v.line else ""
        out.append(f"::error file={v.file}{line},title=glossary::{_gh_escape(v.message())}")
    level = "error" if strict else "warning"
    for u in report.uncovered:
        out.append(f"::{level} file={u.file},line={u.line},title=uncovered entity::"
                   f"{_gh_escape(f'{u.text} ({u.kind}, {u.count}x) is not in the glossary')}")
    out.append(f"term accuracy {report.accuracy:.1%} ({report.correct}/{report.terms}), "
               f"{len(report.violations)} violation(s), {len(report.uncovered)} uncovered")
    return "\n".join(out) + "\n"


FORMATS = {"text": format_text, "json": format_json, "junit": format_junit, "github": format_github}
