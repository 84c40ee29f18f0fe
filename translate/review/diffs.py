"""Review for editors: word-level diffs of MT draft against post-edit, HTER, glossary checks, report.

HTER is the TER of the MT draft (hypothesis) against the post-edited target (reference), as
sacrebleu's ``TER`` computes it (case-sensitive: a capital changed by the post-editor is an edit).
An article's HTER is sacrebleu's corpus TER over its post-edited segments: total edits over total
post-edit words, so long sentences weigh more, as they cost more to fix.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from markupsafe import Markup, escape

from translate.core.article import Article, Segment
from translate.glossary.entries import load_glossary
from translate.glossary.textmatch import missing_forms
from translate.publish.typography import apply_typography
from translate.qa.config import QaConfig
from translate.qa.runner import run_qa

_TOKEN = re.compile(r"\S+")


@dataclass
class DiffOp:
    kind: str  # "equal", "delete", "insert"
    text: str


@dataclass
class TermCheck:
    source_text: str
    target: str  # the French form the glossary locks
    entry_id: str
    ok: bool  # the locked form appears in the current target


@dataclass
class SegmentReview:
    segment: Segment
    ops: list[DiffOp] = field(default_factory=list)
    hter: float | None = None  # 0..1+ (TER can exceed 1); None: no MT draft, or no target
    edits: float = 0.0
    words: int = 0  # words of the post-edit (TER's reference length)
    terms: list[TermCheck] = field(default_factory=list)
    too_long: bool = False  # over MAX_DIFF_WORDS: shown whole, no word diff or HTER
    qa: Any = None  # translate.qa.model.SegmentQA: the QA findings and the risk score

    @property
    def findings(self) -> list:
        """The QA findings an editor acts on (warnings and errors; ``info`` is what publishing fixes)."""
        return [f for f in self.qa.findings if f.severity != "info"] if self.qa is not None else []

    @property
    def qa_blocking(self) -> bool:
        return any(f.blocking for f in self.findings)

    @property
    def edited(self) -> bool:
        return any(op.kind != "equal" for op in self.ops)

    @property
    def violations(self) -> list[TermCheck]:
        return [t for t in self.terms if not t.ok]


@dataclass
class ArticleReview:
    article: Article
    segments: list[SegmentReview]
    hter: float | None
    signature: str
    glossary: str  # where term checks came from: "pair file", "glossary", or "none"

    @property
    def edited(self) -> int:
        return sum(1 for s in self.segments if s.edited)

    @property
    def measured(self) -> int:
        return sum(1 for s in self.segments if s.hter is not None)

    @property
    def violations(self) -> int:
        return sum(len(s.violations) for s in self.segments)

    @property
    def qa_errors(self) -> int:
        return sum(1 for s in self.segments for f in s.findings if f.blocking)

    def ordered(self, riskiest: bool = False) -> list[SegmentReview]:
        """The segments in article order, or riskiest first (translate/qa/risk.py; ties keep the order)."""
        if not riskiest:
            return list(self.segments)
        order = {id(s): i for i, s in enumerate(self.segments)}
        return sorted(self.segments, key=lambda s: (-(s.qa.risk if s.qa is not None else 0.0), order[id(s)]))


# The word diff and TER grow about quadratically with length: above this many words on either
# side a segment is shown whole (deleted/inserted) without HTER, so no pair file, however odd,
# makes a review take minutes. A news sentence is tens of words.
MAX_DIFF_WORDS = 400


def too_long(before: str | None, after: str | None) -> bool:
    return max(len(_TOKEN.findall(before or "")), len(_TOKEN.findall(after or ""))) > MAX_DIFF_WORDS


def word_diff(before: str, after: str) -> list[DiffOp]:
    """Word-level differences from ``before`` to ``after``; spacing is normalised to single spaces.
    Above :data:`MAX_DIFF_WORDS` words, the whole of each side (bounded cost)."""
    a, b = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    if max(len(a), len(b)) > MAX_DIFF_WORDS:
        if a == b:
            return [DiffOp("equal", " ".join(a))]
        return [op for op in (DiffOp("delete", " ".join(a)), DiffOp("insert", " ".join(b))) if op.text]
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(DiffOp("equal", " ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(DiffOp("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(DiffOp("insert", " ".join(b[j1:j2])))
    return ops


def _ter():
    from sacrebleu.metrics import TER  # lazy: ~0.15 s to import; only edit rates need it

    return TER(case_sensitive=True)


def ter_signature() -> str:
    """sacrebleu's signature of the TER settings (the metric must have scored once to give one)."""
    ter = _ter()
    ter.sentence_score("a", ["a"])
    return str(ter.get_signature())


def hter(mt: str, post_edit: str) -> float:
    """TER of the MT draft against the post-edit, as a fraction (0 = untouched)."""
    if not post_edit.split():
        return 1.0 if mt.split() else 0.0
    return _ter().sentence_score(mt, [post_edit]).score / 100.0


def corpus_hter(pairs: Sequence[tuple[str, str]]) -> float | None:
    pairs = [(m, p) for m, p in pairs if p.split()]
    if not pairs:
        return None
    return _ter().corpus_score([m for m, _ in pairs], [[p for _, p in pairs]]).score / 100.0


def term_checks(seg: Segment) -> list[TermCheck]:
    """Each locked term of ``seg``: does its French form appear in the current target?

    The comparison locking, the check and the publish gate share (whole words, typographic
    variants and the entry's case rule, one occurrence per hit), on the target as it will be
    published (with the default typography).
    """
    target = apply_typography(seg.target or "")
    missing = {id(hit) for hit in missing_forms(target, list(seg.terms))}
    return [TermCheck(t.source_text, t.target, t.entry_id, id(t) not in missing) for t in seg.terms]


def _glossary_terms(article: Article, glossary_path) -> str:
    """Where the term hits come from: the pair file's term marks, else the glossary (when the
    glossary module and a glossary are available), else none: the review degrades gracefully."""
    if any(seg.terms for seg in article.segments):
        return "pair file"
    if glossary_path is None:
        return "none"
    if not Path(glossary_path).exists():
        return "none"
    glossary = load_glossary(Path(glossary_path))
    for seg in article.segments:
        seg.terms = list(glossary.find(seg.source))
    return "glossary"


def review_article(article: Article, glossary_path=None, *, memo: dict | None = None,
                   qa_config: QaConfig | None = None) -> ArticleReview:
    """Diffs, HTER and term checks for every segment of ``article``.

    The article's HTER is sacrebleu's corpus TER (total edits over total post-edit words), summed
    from the segments' own scores rather than computing every TER twice. ``memo`` (a dict the
    caller keeps) remembers each (draft, post-edit) pair's diff and score, so reviewing an article
    again after one segment changed scores only that segment (the review app does this).
    QA findings (translate/qa/) and the risk score come with each segment.
    """
    source_of_terms = _glossary_terms(article, glossary_path)
    qa = run_qa([article], qa_config)
    reviews: list[SegmentReview] = []
    edits = words = 0.0
    for seg in article.segments:
        review = SegmentReview(segment=seg, terms=term_checks(seg), qa=qa.for_segment(article.slug, seg.id))
        if seg.mt is not None and seg.target is not None and too_long(seg.mt, seg.target):
            review.ops = word_diff(seg.mt, seg.target)
            review.too_long = True
        elif seg.mt is not None and seg.target is not None:
            key = (seg.mt, seg.target)
            scored = memo.get(key) if memo is not None else None
            if scored is None:
                scored = (word_diff(seg.mt, seg.target), hter(seg.mt, seg.target))
                if memo is not None:
                    memo[key] = scored
            review.ops, review.hter = list(scored[0]), scored[1]
            review.words = len(seg.target.split())
            review.edits = round(review.hter * review.words, 2)
            edits += review.hter * review.words  # TER = edits / reference words, so this is the edit count
            words += review.words
        elif seg.target is not None:
            review.ops = [DiffOp("equal", " ".join(_TOKEN.findall(seg.target)))]
        reviews.append(review)
    return ArticleReview(article=article, segments=reviews, hter=edits / words if words else None,
                         signature=ter_signature(), glossary=source_of_terms)


# -- terminal ---------------------------------------------------------------------------------
def format_diff(review: ArticleReview, *, color: bool, only_edited: bool = False, riskiest: bool = False) -> str:
    """The diff for a terminal (colours) or a pipe (wdiff-style ``[-deleted-]{+inserted+}``), with
    each segment's QA findings; ``riskiest`` lists the riskiest segments first."""
    import click  # lazy: only terminal output needs click; the review app uses this module too

    lines = [f"{review.article.slug}: {len(review.segments)} segments, {review.edited} edited, "
             f"HTER {_pct(review.hter)} over {review.measured} post-edited MT drafts, "
             f"{review.qa_errors} QA error(s)" + (" (riskiest first)" if riskiest else "")]
    for item in review.ordered(riskiest):
        seg = item.segment
        if only_edited and not item.edited:
            continue
        head = f"[{seg.id}] {seg.state}" + (f", {seg.origin}" if seg.origin else "") + \
               (f", HTER {_pct(item.hter)}" if item.hter is not None else "") + \
               (f", {item.qa.explanation}" if item.qa is not None else "")
        lines.append("")
        lines.append(click.style(head, bold=True) if color else head)
        lines.append(f"  EN  {seg.source}")
        if seg.target is None:
            lines.append("  FR  (no translation yet)")
            continue
        parts = []
        for op in item.ops:
            if op.kind == "equal":
                parts.append(op.text)
            elif op.kind == "delete":
                parts.append(click.style(op.text, fg="red", strikethrough=True) if color else f"[-{op.text}-]")
            else:
                parts.append(click.style(op.text, fg="green", underline=True) if color else f"{{+{op.text}+}}")
        lines.append("  FR  " + " ".join(p for p in parts if p))
        for term in item.violations:
            msg = f"  !!  glossary: {term.source_text!r} must be {term.target!r}"
            lines.append(click.style(msg, fg="yellow") if color else msg)
        if item.too_long:
            lines.append("  ..  too long to compare word by word: shown whole, no HTER")
        for entry in seg.history:  # earlier human texts (translate/pipeline/history.py)
            who = f"by {entry.by}" if entry.by else "author not recorded"
            when = f", {entry.at}" if entry.at else ""
            event = f"; {entry.event}" if entry.event else ""
            lines.append(f"  history  {entry.target}  ({who}{when}{event})")
        for finding in item.findings:
            if finding.check == "glossary" and item.violations:
                continue  # already shown above
            waived = f" [waived by {finding.waived_by}]" if finding.waived else ""
            msg = f"  QA  {finding.severity} {finding.check}: {finding.message}{waived}"
            hue = "red" if finding.blocking else ("yellow" if finding.severity == "warning" and not finding.waived else None)
            lines.append(click.style(msg, fg=hue) if color and hue else msg)
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


# -- HTML ---------------------------------------------------------------------------------------
def render_report(review: ArticleReview, *, riskiest: bool = False) -> str:
    """A self-contained HTML page (inline CSS, no scripts or external resources)."""
    import jinja2  # lazy: ~0.1 s to import; only the HTML report needs it

    template_text = resources.files("translate.resources").joinpath("review_report.html.j2").read_text("utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(template_text)
    rows = []
    for item in review.ordered(riskiest):
        rows.append({
            "item": item,
            "seg": item.segment,
            "source_html": marked_source(item.segment),
            "hter": _pct(item.hter),
            "hter_class": _hter_class(item.hter),
        })
    return template.render(
        review=review,
        rows=rows,
        hter=_pct(review.hter),
        riskiest=riskiest,
        generated=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )


def _hter_class(value: float | None) -> str:
    if value is None:
        return "na"
    if value == 0:
        return "none"
    return "low" if value < 0.3 else ("mid" if value < 0.6 else "high")


def marked_source(seg: Segment):
    """The English source with glossary terms wrapped in <mark> (escaped everywhere else)."""
    spans = sorted((t.start, t.end, t) for t in seg.terms if 0 <= t.start < t.end <= len(seg.source))
    out, pos = [], 0
    for start, end, term in spans:
        if start < pos:
            continue
        out.append(escape(seg.source[pos:start]))
        out.append(Markup('<mark class="term" title="{}">{}</mark>').format(f"glossary: {term.target}", seg.source[start:end]))
        pos = end
    out.append(escape(seg.source[pos:]))
    return Markup("").join(out)
