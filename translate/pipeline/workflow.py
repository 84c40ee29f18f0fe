"""The stages run per article and per batch: ingest → segment → translate → pair file.

Segments of all the articles in one call are pooled into one engine call, so batching works
across articles. Human work in an existing pair file always wins over a new MT run.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from translate import __version__
from translate.core.article import ORIGIN_MT, Article, Segment, State
from translate.pipeline.article_lock import acquire_article_lock
from translate.core.errors import ArticleBusy, InputError, PairFileError, TranslateError
from translate.core.fsio import check_write_target
from translate.ingest.reader import ingest_file
from translate.core.inline import place_target_codes
from translate.pipeline.slugs import claim_slug
from translate.pipeline.memory import open_run_memory, recall_memory, sync_memory
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.pipeline.merge import keep_human_edits, merge_existing
from translate.glossary.entries import Glossary
from translate.mt.engine import Engine
from translate.mt.termlock import LockStats, translate_locked
from translate.pipeline.reused import verify_reused
from translate.qa.runner import annotate_article
from translate.qa.config import QaConfig

SEGMENTER_VERSION = "2"


@dataclass
class ArticleResult:
    source: Path
    slug: str = ""
    pair_file: Path | None = None
    segments: int = 0
    machine: int = 0  # segments sent to MT in this run
    kept: int = 0  # segments whose existing target was kept (human work, or an up-to-date draft)
    flagged: int = 0
    qa_errors: int = 0  # unwaived QA errors in the pair file written (translate/qa/)
    tm_exact: int = 0  # segments filled from the translation memory
    tm_fuzzy: int = 0  # segments offered fuzzy memory matches
    tm_rejected: int = 0  # exact memory matches not reused: they lack a locked glossary form
    warning: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class RunReport:
    results: list[ArticleResult] = field(default_factory=list)
    seconds: float = 0.0
    locking: LockStats | None = None  # when a glossary was given

    @property
    def failed(self) -> list[ArticleResult]:
        return [r for r in self.results if not r.ok]


def pair_path(workdir: Path, slug: str) -> Path:
    return Path(workdir) / f"{slug}.xlf"


def settings_stamp(engine_stamp: dict[str, str], glossary_hash: str | None = None) -> dict[str, str]:
    stamp = {"tool": "translate", "tool-version": __version__, "segmenter": SEGMENTER_VERSION}
    stamp.update(engine_stamp)
    if glossary_hash:
        stamp["glossary-sha256"] = glossary_hash
    return stamp


def _same_mt_settings(old: dict[str, str], new: dict[str, str]) -> bool:
    # Whatever changes the drafts themselves: a different backend or precision gives other drafts.
    keys = ("model", "model-revision", "beam-size", "glossary-sha256", "backend", "dtype", "compute-type")
    return all(old.get(k) == new.get(k) for k in keys)


def apply_translations(segments: Iterable[Segment], translations) -> None:
    for seg, tr in zip(segments, translations):
        seg.mt = tr.text
        seg.target = tr.text
        seg.state = State.TRANSLATED
        seg.origin = ORIGIN_MT
        seg.flags = list(tr.flags)
        seg.mt_logprob = getattr(tr, "logprob", None)  # the model's confidence, for the QA risk score
        # Notes already there (an earlier human translation of a changed sentence) stay.
        seg.notes = list(seg.notes) + [_FLAG_NOTES[f] for f in tr.flags if f in _FLAG_NOTES]
        # Locked glossary terms (translate/mt/termlock.py): the hits, and notes on forced/repaired terms.
        seg.terms = list(getattr(tr, "terms", []))
        seg.notes += list(getattr(tr, "notes", []))


_FLAG_NOTES = {
    "split-long": "The sentence was longer than the model's input limit: it was translated in parts. Check the joins.",
    "length-capped": "The machine draft hit the output length limit and may be cut short or repetitive.",
}


def _fingerprint(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _keep_edits_saved_meanwhile(path: Path, article: Article, seen: str | None) -> int:
    """A CAT tool may save the pair file in place while MT runs (it does not take our lock):
    re-read it just before writing and keep every human edit it holds."""
    if _fingerprint(path) == seen:
        return 0

    try:
        newer, _ = read_pair_file(path)
    except TranslateError as exc:
        raise PairFileError(f"{path}: changed on disk during this run and cannot be read now ({exc}). "
                            "Nothing was written; run again once the file is saved whole.") from None
    return keep_human_edits(article, newer)


def run_articles(
    paths: Sequence[Path],
    engine: Engine,
    workdir: Path,
    *,
    glossary_hash: str | None = None,
    on_article: Callable[[ArticleResult], None] | None = None,
    memory: Path | None = None,
    glossary: Glossary | None = None,
    qa: QaConfig | None = None,
) -> RunReport:
    """Translate each article to ``workdir/<slug>.xlf``; one failure never stops the others."""
    started = time.perf_counter()
    report = RunReport()
    if glossary is not None:
        report.locking = LockStats()
    workdir = Path(workdir)
    if glossary is not None and glossary_hash is None:
        glossary_hash = glossary.sha256
    stamp = settings_stamp(engine.stamp(), glossary_hash)
    tm = open_run_memory(memory, workdir)  # a locked or corrupt memory stops the run before any write
    prepared: list[tuple[ArticleResult, Article, object, str | None]] = []
    claimed: dict[str, Path] = {}  # slug -> the input that took it in this run
    for path in paths:
        result = ArticleResult(source=Path(path))
        report.results.append(result)
        try:
            article = ingest_file(Path(path))
            result.slug = article.slug
            result.pair_file = pair_path(workdir, article.slug)
            if article.slug in claimed:
                raise InputError(f"{path}: same slug {article.slug!r} as {claimed[article.slug]} in this run, so both "
                                 f"would write {result.pair_file}. Rename one of them so that each has its own slug.")
            claimed[article.slug] = Path(path)
            try:
                lock = acquire_article_lock(workdir, article.slug)
            except ArticleBusy as exc:
                raise ArticleBusy(f"{path}: {exc}") from None
            existing = None
            try:
                check_write_target(result.pair_file)  # a link or read-only file: refused before MT
                seen = _fingerprint(result.pair_file)
                if result.pair_file.exists():
                    existing, old_stamp = read_pair_file(result.pair_file)
                    if existing.slug and existing.slug != article.slug:
                        raise PairFileError(f"{result.pair_file}: belongs to article {existing.slug!r}, not {article.slug!r}.")
                # The slug belongs to one source file (translate/pipeline/slugs.py).
                result.warning = claim_slug(article, Path(path), existing, workdir, result.pair_file)
                if existing is not None:
                    result.kept = merge_existing(article, existing, reuse_mt=_same_mt_settings(old_stamp, stamp))
                result.tm_exact, result.tm_fuzzy = recall_memory(article, tm)
                if glossary is not None:  # memory matches and kept human work: the same term check as MT
                    result.tm_rejected = verify_reused(article.segments, glossary, report.locking)
                    result.tm_exact -= result.tm_rejected
            except BaseException:
                lock.release()
                raise
            prepared.append((result, article, lock, seen))
        except TranslateError as exc:
            result.error = str(exc)
            if on_article:
                on_article(result)
        except OSError as exc:
            result.error = f"{path}: {exc.strerror or exc}"
            if on_article:
                on_article(result)

    try:
        pending = [seg for _, article, _, _ in prepared for seg in article.segments if seg.needs_mt]
        if glossary is not None:  # every glossary hit locked into the drafts (translate/mt/termlock.py)
            translations = translate_locked(engine, [seg.source for seg in pending], glossary, report.locking)
        else:
            translations = engine.translate([seg.source for seg in pending]) if pending else []
        apply_translations(pending, translations)
        place_target_codes(pending)
        pending_ids = {id(seg) for seg in pending}
        for result, article, _, seen in prepared:
            try:
                result.kept += _keep_edits_saved_meanwhile(result.pair_file, article, seen)
            except TranslateError as exc:
                result.error = str(exc)
                if on_article:
                    on_article(result)
                continue
            segs = article.segments
            result.segments = len(segs)
            result.machine = sum(1 for s in segs if id(s) in pending_ids and s.origin == ORIGIN_MT)
            result.flagged = sum(1 for s in segs if s.flags)
            # Automatic QA of every draft (translate/qa/): findings into the pair file as notes.
            result.qa_errors = len(annotate_article(article, glossary=glossary, config=qa).errors)
            try:
                write_pair_file(result.pair_file, article, stamp)
            except OSError as exc:
                result.error = f"{result.pair_file}: cannot be written ({exc.strerror or exc}). The previous file is unchanged."
            except TranslateError as exc:  # a link or a read-only file (translate/core/fsio.py)
                result.error = str(exc)
            else:
                notes = [*article.warnings, result.warning, sync_memory(article, tm)]
                result.warning = " ".join(note for note in notes if note) or None
            if on_article:
                on_article(result)
    finally:
        for _, _, lock, _ in prepared:
            lock.release()
        if tm is not None:
            tm.close()
    report.seconds = time.perf_counter() - started
    return report
