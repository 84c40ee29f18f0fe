"""The workspace as the review app sees it: article names, and each article's review, cached.

A request names an article only by its name in the workspace listing (the pair files
``<workdir>/<slug>.xlf``); nothing from a request is ever joined to a path. A pair file is read
and reviewed (diffs, HTER, glossary checks) once per version on disk: the cache key is the
file's inode, size and modification time, so a save by the app, a CAT tool or the CLI is seen on
the next request.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from translate.core.article import STATES, Article
from translate.core.errors import TranslateError
from translate.formats.xliff import read_pair_file
from translate.review.diffs import ArticleReview, review_article
from translate.review.edit import segment_version
from translate.review.web.hooks import FindingsProvider, SegmentFindings

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")


@dataclass
class ArticleView:
    """One version of an article's pair file, read and reviewed."""

    name: str
    path: Path
    article: Article
    review: ArticleReview
    versions: dict[str, str]  # segment id -> segment_version
    findings: dict[str, SegmentFindings] | None  # None: no QA provider configured
    mtime: float

    @property
    def states(self) -> Counter:
        return Counter(s.state for s in self.article.segments)

    @property
    def last_change(self) -> tuple[str | None, str | None]:
        """(when, who) of the latest hand change or approval recorded in the pair file."""
        stamps = [(s.edited_at, s.edited_by) for s in self.article.segments if s.edited_at]
        stamps += [(s.approved_at, s.approved_by) for s in self.article.segments if s.approved_at]
        return max(stamps, key=lambda t: t[0]) if stamps else (None, None)


@dataclass
class ArticleSummary:
    """A workspace row."""

    name: str
    title: str = ""
    segments: int = 0
    states: dict[str, int] = field(default_factory=dict)
    hter: float | None = None
    edited: int = 0
    violations: int = 0
    findings: int | None = None  # None: no QA provider
    last_at: str | None = None
    last_by: str | None = None
    modified: str = ""  # the pair file's modification time (ISO 8601 UTC)
    error: str | None = None  # the pair file cannot be read: the message says why

    @property
    def final(self) -> int:
        return self.states.get("final", 0)

    @property
    def progress(self) -> float:
        return self.final / self.segments if self.segments else 0.0


class Workspace:
    """Article names of ``workdir`` and their reviews (thread-safe; the server runs threads)."""

    def __init__(self, workdir: Path, glossary: Path | None = None, findings: FindingsProvider | None = None) -> None:
        self.workdir = Path(workdir)
        self.glossary = glossary
        self.findings = findings
        self._cache: dict[Path, tuple[tuple, ArticleView]] = {}
        self._scores: dict = {}  # (draft, post-edit) -> diff and HTER: a save re-scores one segment
        self._lock = threading.Lock()

    def names(self) -> dict[str, Path]:
        """Every article of the workspace: name -> pair file. The only way a request reaches a file."""
        try:
            entries = sorted(self.workdir.iterdir())
        except OSError:
            return {}
        return {p.stem: p for p in entries if p.suffix == ".xlf" and _SLUG.match(p.stem) and p.is_file()}

    def path(self, name: str) -> Path | None:
        return self.names().get(name)

    def view(self, name: str, path: Path | None = None) -> ArticleView:
        """The article ``name`` as it is on disk now (read again only when the file changed)."""
        path = path or self.names()[name]
        st = path.stat()
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(path)
        if cached and cached[0] == key:
            return cached[1]
        article, _ = read_pair_file(path)
        if len(self._scores) > 200_000:
            self._scores.clear()
        review = review_article(article, self.glossary, memo=self._scores)
        findings = dict(self.findings(article)) if self.findings is not None else None
        view = ArticleView(name=name, path=path, article=article, review=review,
                           versions={s.id: segment_version(s) for s in article.segments},
                           findings=findings, mtime=st.st_mtime)
        with self._lock:
            self._cache[path] = (key, view)
        return view

    def summary(self, name: str, path: Path) -> ArticleSummary:
        try:
            view = self.view(name, path)
        except (TranslateError, OSError) as exc:
            return ArticleSummary(name=name, error=str(exc))
        article = view.article
        when, who = view.last_change
        return ArticleSummary(
            name=name,
            title=article.metadata.title or "",
            segments=len(article.segments),
            states={state: view.states.get(state, 0) for state in STATES},
            hter=view.review.hter,
            edited=view.review.edited,
            violations=view.review.violations,
            findings=None if view.findings is None else sum(len(f.findings) for f in view.findings.values()),
            last_at=when,
            last_by=who,
            modified=datetime.fromtimestamp(view.mtime, timezone.utc).replace(microsecond=0).isoformat(),
        )

    def summaries(self) -> list[ArticleSummary]:
        return [self.summary(name, path) for name, path in self.names().items()]


SORTS = {
    "name": (lambda s: s.name, False),
    "progress": (lambda s: (s.progress, s.name), False),
    "hter": (lambda s: (s.hter if s.hter is not None else -1.0, s.name), True),
    "violations": (lambda s: (s.violations, s.name), True),
    "findings": (lambda s: (s.findings or 0, s.name), True),
    "changed": (lambda s: (s.last_at or s.modified, s.name), True),
}
FILTERS = ("all", "todo", "ready", "problems")


def select(rows: list[ArticleSummary], *, text: str = "", show: str = "all", sort: str = "name") -> list[ArticleSummary]:
    """The workspace page's filter and sort: ``text`` in the name or title; ``show`` todo (not all
    final), ready (all final), problems (glossary violations, QA findings or unreadable)."""
    needle = text.strip().casefold()
    out = [r for r in rows if not needle or needle in r.name.casefold() or needle in r.title.casefold()]
    if show == "todo":
        out = [r for r in out if r.error is None and r.final < r.segments]
    elif show == "ready":
        out = [r for r in out if r.error is None and r.segments and r.final == r.segments]
    elif show == "problems":
        out = [r for r in out if r.error is not None or r.violations or r.findings]
    key, reverse = SORTS.get(sort, SORTS["name"])
    return sorted(out, key=key, reverse=reverse)
