"""The glossary check CI runs: every glossary hit in a pair file's source must be in its French.

For each pair file, each segment's source is matched against the glossary (the glossary as it is
now, not the hits recorded at MT time), and the French is the post-edited target if there is one,
else the machine draft. A hit whose locked form the French lacks is a violation. Term accuracy is
the WMT terminology tasks' exact-match accuracy: correct term occurrences over all term
occurrences. "Has the form" is the comparison term locking, the review and the publish gate share
(:func:`translate.glossary.textmatch.missing_forms`: typographic variants and the entry's case
rule allowed); the publish gate passes ``french_of`` to check the text as it will be published.

Per glossary entry, the hits are counted by how their form reached the French (``by_term``):
the method recorded in the pair file (natural, placeholder, forced, repaired, memory), ``human``
when a person changed the target, ``missing`` when the form is absent, ``unrecorded`` when the
pair file has no record. A pair file whose recorded hits are not the glossary's (another glossary
version) gets a note: the check uses the glossary as it is now.

Named-entity candidates no entry covers are reported as uncovered; one inside (or across) a
glossary hit is not.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from lxml import etree

from translate.core.article import ORIGIN_HUMAN, Segment, TermHit
from translate.core.errors import InputError, TranslateError
from translate.glossary.entries import Glossary, missing_forms
from translate.formats.xliff import XLIFF
from translate.formats.xliff import xliff_to_article
from translate.core.xmlsafe import read_xml_file
from translate.glossary.entities import candidates

COUNTED = ("natural", "placeholder", "forced", "repaired", "memory", "human", "missing", "unrecorded")


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
class Note:
    """Something a person must decide that is not a violation (a pair file from another glossary version)."""

    file: str
    line: int
    segment: str
    text: str


@dataclass
class CheckReport:
    files: list[str] = field(default_factory=list)
    segments: int = 0
    untranslated: int = 0  # segments with neither a target nor a draft: nothing to check yet
    terms: int = 0
    correct: int = 0
    violations: list[Violation] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    by_term: dict[str, Counter] = field(default_factory=dict)  # entry id -> how its hits reached the French
    term_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # entry id -> (en, fr)

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


def _method(seg: Segment, hit: TermHit, recorded: dict[tuple[str, int], TermHit]) -> str:
    if seg.origin == ORIGIN_HUMAN or (seg.mt is not None and seg.target is not None and seg.target != seg.mt):
        return "human"
    mark = recorded.get((hit.entry_id, hit.start))
    return (mark.method or "unrecorded") if mark is not None else "unrecorded"


def check_pair_files(files: list[Path], glossary: Glossary, *, entities: bool = True,
                     french_of: Callable[[str], str] | None = None) -> CheckReport:
    """Check ``files`` against ``glossary``; never raises for a bad pair file (it is a violation).

    ``french_of`` turns each segment's French into the text to check (the publish gate passes
    the typography the page will get, so what is checked is what readers see).
    """

    report = CheckReport()
    sources: list[tuple[str, str, int, str]] = []  # file, segment, line, source
    by_id = glossary.by_id()
    report.term_names = {i: (e.en, e.fr) for i, e in by_id.items()}
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
            recorded = {(h.entry_id, h.start): h for h in seg.terms}
            if seg.terms and sorted(recorded) != sorted((h.entry_id, h.start) for h in hits):
                report.notes.append(Note(name, line, seg.id, _disagreement(seg.terms, hits)))
            french = seg.target if seg.target is not None else seg.mt
            if french is None:
                report.untranslated += 1
                continue
            shown = french_of(french) if french_of is not None else french
            missing = missing_forms(shown, hits)
            gone = {id(h) for h in missing}
            report.terms += len(hits)
            report.correct += len(hits) - len(missing)
            for hit in hits:
                counts = report.by_term.setdefault(hit.entry_id, Counter())
                counts["missing" if id(hit) in gone else _method(seg, hit, recorded)] += 1
            for hit in missing:
                report.violations.append(Violation(name, line, seg.id, hit.entry_id, hit.source_text, hit.target, shown))
    if entities:
        for cand in candidates([(f"{f}\0{s}\0{ln}", src) for f, s, ln, src in sources], glossary):
            file, seg_id, line = cand.first_ref.split("\0")
            report.uncovered.append(Uncovered(cand.text, cand.count, file, int(line), seg_id, cand.kind))
    return report


def _disagreement(recorded: list[TermHit], hits: list[TermHit]) -> str:
    now = {(h.entry_id, h.start) for h in hits}
    then = {(h.entry_id, h.start) for h in recorded}
    gone = sorted({h.source_text for h in recorded if (h.entry_id, h.start) not in now})
    new = sorted({h.source_text for h in hits if (h.entry_id, h.start) not in then})
    parts = []
    if new:
        parts.append(f"the glossary now locks {', '.join(repr(t) for t in new)}, which the pair file does not record")
    if gone:
        parts.append(f"the pair file records {', '.join(repr(t) for t in gone)}, which the glossary no longer locks")
    return ("; ".join(parts) + ". The drafts were made with another glossary version: checked against the "
            "glossary as it is now; run `translate run` again to refresh machine drafts, or review the glossary.")


# ---------------------------------------------------------------------------- output formats
def format_text(report: CheckReport, *, strict: bool = False) -> str:
    out = []
    for v in report.violations:
        where = f"{v.file}:{v.line}" if v.line else v.file
        out.append(f"{where}: {v.message()}")
    for u in report.uncovered:
        out.append(f"{u.file}:{u.line}: uncovered entity {u.text!r} ({u.kind}, {u.count}x, first in segment {u.segment})")
    for n in report.notes:
        out.append(f"{n.file}:{n.line}: note: segment {n.segment}: {n.text}")
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
        "notes": [asdict(n) for n in report.notes],
        "methods": {m: sum(c.get(m, 0) for c in report.by_term.values()) for m in COUNTED},
        "by_term": _by_term(report),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _by_term(report: CheckReport) -> list[dict]:
    """Per entry: its forms and its hits counted by how they reached the French (sorted by English)."""
    return [dict(entry=entry_id, en=report.term_names.get(entry_id, ("", ""))[0],
                 fr=report.term_names.get(entry_id, ("", ""))[1], hits=sum(counts.values()),
                 **{m: counts.get(m, 0) for m in COUNTED})
            for entry_id, counts in sorted(report.by_term.items(), key=lambda kv: report.term_names.get(kv[0], ("",))[0])]


def format_junit(report: CheckReport, *, strict: bool = False) -> str:
    """JUnit XML: one test suite per pair file, one test case per segment with glossary terms."""
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
