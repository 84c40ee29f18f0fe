"""Batch runs over many articles: discovery, resume, chunked pooling, progress, clean stops.

The articles are streamed in chunks: each chunk's segments are pooled into one engine call
(de-duplicated, sorted by length, batched under a token budget by the engine), written, and
dropped before the next chunk is read, so memory stays bounded whatever the corpus size. Each
chunk goes through :func:`translate.pipeline.workflow.run_articles`, so every stage the workflow runs
(translation-memory recall, glossary locking, merging with human work) applies to batches too.

Resume: an article whose pair file already carries this source's hash and the stamp this run
would write is skipped without touching the model. A stop (Ctrl-C) is honoured between batches:
the chunk in flight is dropped whole, written pair files stay complete, and a re-run resumes.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from translate.core.paths import ARTICLE_SUFFIXES
from translate.glossary.entries import Glossary
from translate.qa.config import QaConfig
from translate.mt.engine import Engine, StopRequested
from translate.core.errors import InputError, TranslateError
from translate.ingest.reader import ingest_file, slug_for
from translate.pipeline.workflow import ArticleResult, pair_path, run_articles, settings_stamp
from translate.formats.xliff import read_pair_file

# A chunk closes at this many segments (or articles): enough for full, well-sorted batches,
# small enough that memory stays flat and a stop loses little work.
CHUNK_SEGMENTS = 1024
CHUNK_ARTICLES = 64


def discover(inputs: Iterable[Path]) -> Iterator[Path]:
    """Article files under ``inputs`` (folders walked recursively, sorted; hidden entries skipped).

    A path given explicitly is yielded as is, even if missing: the run then names it as failed.
    """
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and name.lower().endswith(ARTICLE_SUFFIXES):
                        yield Path(root) / name
        else:
            yield given


@dataclass
class BatchSummary:
    articles: int = 0
    done: int = 0
    skipped: int = 0
    failed: list[tuple[Path, str]] = field(default_factory=list)
    segments: int = 0
    segments_mt: int = 0
    segments_memory: int = 0  # filled from the translation memory (exact matches)
    segments_fuzzy: int = 0  # sent to MT, with fuzzy memory matches offered beside the draft
    segments_kept: int = 0
    target_tokens: int = 0
    mt_seconds: float = 0.0
    load_seconds: float = 0.0
    seconds: float = 0.0
    interrupted: bool = False
    oom_retries: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed else 0


@dataclass
class Progress:
    """What a progress display is told: counts so far (the command renders them)."""

    total_articles: int
    articles: int = 0
    segments: int = 0  # segments translated by MT so far in this run
    started: float = field(default_factory=time.perf_counter)


def up_to_date(path: Path, workdir: Path, stamp: dict[str, str]) -> tuple[bool, int]:
    """Whether ``path``'s pair file is current (same source hash, same stamp, every segment
    drafted), and how many segments the article has (0 when it cannot be read: the run then
    reports why)."""
    try:
        article = ingest_file(path)
    except TranslateError:
        return False, 0
    segments = len(article.segments)
    pair = pair_path(workdir, article.slug)
    if not pair.is_file():
        return False, segments
    try:
        existing, old_stamp = read_pair_file(pair)
    except TranslateError:
        return False, segments
    current = (existing.source_sha256 == article.source_sha256 and old_stamp == stamp
               and all(seg.target is not None for seg in existing.segments))
    return current, segments


def run_batch(
    inputs: Sequence[Path],
    engine: Engine,
    workdir: Path,
    *,
    glossary: Glossary | None = None,
    qa: QaConfig | None = None,
    memory: Path | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_failure: Callable[[Path, str], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    chunk_segments: int = CHUNK_SEGMENTS,
    chunk_articles: int = CHUNK_ARTICLES,
) -> BatchSummary:
    """Translate every article under ``inputs`` into ``workdir``; see the module docstring."""
    started = time.perf_counter()
    workdir = Path(workdir)
    summary = BatchSummary(load_seconds=engine.stats.load_seconds)
    paths = list(discover(inputs))  # paths only: a few hundred bytes per article
    summary.articles = len(paths)
    progress = Progress(total_articles=len(paths))
    # A loaded glossary (translate.glossary.entries.Glossary): its hash goes into the stamp exactly as
    # run_articles writes it, so `run` and `batch` agree on what is up to date.
    gloss = glossary.sha256 if glossary is not None else None
    stamp = settings_stamp(engine.stamp(), gloss)
    stop = should_stop or (lambda: False)
    mt_before = engine.stats.translate_seconds
    tokens_before = engine.stats.target_tokens

    def tick() -> None:
        if on_progress:
            on_progress(progress)

    def fail(path: Path, reason: str) -> None:
        summary.failed.append((path, reason))
        if on_failure:
            on_failure(path, reason)

    def on_batch(n: int) -> None:
        progress.segments += n
        tick()

    def on_article(result: ArticleResult) -> None:
        progress.articles += 1
        if result.ok:
            summary.done += 1
            summary.segments += result.segments
            summary.segments_mt += result.machine
            summary.segments_memory += result.tm_exact
            summary.segments_fuzzy += result.tm_fuzzy
            summary.segments_kept += result.kept
            if result.warning:
                summary.warnings.append(result.warning)
                if on_warning:
                    on_warning(result.warning)
        else:
            fail(result.source, result.error or "unknown error")
        tick()

    slugs: dict[str, Path] = {}
    chunk: list[Path] = []
    chunk_size = 0

    def flush() -> None:
        nonlocal chunk, chunk_size
        if chunk:
            run_articles(chunk, engine, workdir, glossary_hash=gloss, on_article=on_article, memory=memory,
                         glossary=glossary, qa=qa)
        chunk, chunk_size = [], 0

    try:
        with engine.hooks(on_batch=on_batch, should_stop=stop):
            for path in paths:
                if stop():
                    raise StopRequested("stopped on request")
                try:
                    slug = slug_for(path)
                except InputError as exc:
                    progress.articles += 1
                    fail(path, str(exc))
                    tick()
                    continue
                if slug in slugs:
                    progress.articles += 1
                    fail(path, f"{path}: same slug {slug!r} as {slugs[slug]}, so both would write "
                               f"{pair_path(workdir, slug)}. Rename one of them.")
                    tick()
                    continue
                slugs[slug] = path
                current, segments = up_to_date(path, workdir, stamp)
                if current:
                    summary.skipped += 1
                    progress.articles += 1
                    tick()
                    continue
                chunk.append(path)
                chunk_size += segments
                if chunk_size >= chunk_segments or len(chunk) >= chunk_articles:
                    flush()
            flush()
    except StopRequested:
        summary.interrupted = True
    summary.mt_seconds = engine.stats.translate_seconds - mt_before
    summary.target_tokens = engine.stats.target_tokens - tokens_before
    summary.oom_retries = engine.stats.oom_retries
    summary.seconds = time.perf_counter() - started
    return summary
