"""The translation memory: approved segments in SQLite, recalled before MT.

One file in the workspace (``<workdir>/memory.sqlite`` unless translate.toml says otherwise). Rows
come from approved (``reviewed``/``final``) segments of pair files, keyed by article and segment id
so an article's rows are replaced whenever it is synced, and from TMX imports (no article). The
memory is an archive: ``translate tm rebuild`` adds what the pair files hold and keeps the rows of
sentences no pair file has any more; only ``translate tm prune`` removes those, with a report.

Recall: an exact match (same source, whitespace normalised) is reused as the target before MT,
origin ``tm-exact``; fuzzy matches are offered as candidates with their score: rapidfuzz's Indel
``ratio`` over word tokens (CAT tools count fuzzy matches in words), ≥ threshold (default 75).

Fuzzy search without scanning the memory: a token table indexes every entry's words. A score ≥ t
needs at least s = ⌈t·n/(2-t)⌉ of the query's n tokens in common (LCS bound with the length
bound), so any n-s+1 of them (we probe the longest, usually rarest) must include a shared one:
the union of their postings holds every possible match, and only those are scored. Exact for
the threshold, not a heuristic.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from rapidfuzz import fuzz

from translate.core.article import ORIGIN_TM_EXACT, Article, Candidate, Segment, State
from translate.core.errors import MemoryStoreError, WriteRefused
from translate.core.fsio import check_write_target, default_mode
from translate.core.inline import place_codes

MEMORY_NAME = "memory.sqlite"
DEFAULT_THRESHOLD = 75.0
SCHEMA_VERSION = "1"
APPROVED = (State.REVIEWED, State.FINAL)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    key TEXT NOT NULL,
    length INTEGER NOT NULL,
    src_lang TEXT NOT NULL DEFAULT 'en',
    tgt_lang TEXT NOT NULL DEFAULT 'fr',
    article TEXT,
    segment TEXT,
    state TEXT,
    origin TEXT NOT NULL,
    author TEXT,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS units_key ON units(key);
CREATE INDEX IF NOT EXISTS units_article ON units(article, segment);
"""
# The fuzzy-match token index, one statement each: also run alone to upgrade an older memory.
_INDEX_STATEMENTS = [
    "CREATE TABLE IF NOT EXISTS tokens (token TEXT NOT NULL, unit INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tokens_token ON tokens(token)",
    "CREATE INDEX IF NOT EXISTS tokens_unit ON tokens(unit)",
    "CREATE TRIGGER IF NOT EXISTS units_drop_tokens AFTER DELETE ON units BEGIN "
    "DELETE FROM tokens WHERE unit = OLD.id; END",
    "CREATE TABLE IF NOT EXISTS token_df (token TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS tokens_uncount AFTER DELETE ON tokens BEGIN "
    "UPDATE token_df SET n = n - 1 WHERE token = OLD.token; END",
]
_SCHEMA += "".join(statement + ";\n" for statement in _INDEX_STATEMENTS)
_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(text: str) -> list[str]:
    """Word and punctuation tokens: what fuzzy similarity is counted on."""
    return _TOKEN.findall(text)


def _indexed(toks: list[str]) -> set[str]:
    # Repeats numbered ("the", "the#2") so that a shared multiset is a shared set.
    seen: dict[str, int] = {}
    out = set()
    for tok in toks:
        seen[tok] = seen.get(tok, 0) + 1
        out.add(tok if seen[tok] == 1 else f"{tok}#{seen[tok]}")
    return out


def default_memory_path(workdir: Path) -> Path:
    return Path(workdir) / MEMORY_NAME


def normalise(text: str) -> str:
    """The lookup key: whitespace collapsed and trimmed; case and punctuation matter."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Entry:
    source: str
    target: str
    origin: str = ""
    article: str | None = None
    segment: str | None = None
    state: str | None = None
    author: str | None = None
    updated: str | None = None
    src_lang: str = "en"
    tgt_lang: str = "fr"


@dataclass
class Match:
    entry: Entry
    score: float  # 0-100; 100 for exact

    def as_candidate(self) -> Candidate:
        where = self.entry.article or self.entry.origin or "memory"
        return Candidate(source=self.entry.source, target=self.entry.target, kind="tm",
                         similarity=round(self.score, 1), origin=f"memory:{where}")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class TranslationMemory:
    """A translation memory database. Use :meth:`open`; every failure is a :class:`MemoryStoreError`."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = Path(path)
        self.conn = conn

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, create: bool = True, write: bool | None = None,
             timeout: float = 2.0) -> "TranslationMemory":
        path = Path(path)
        if not path.exists() and not create:
            raise MemoryStoreError(f"{path}: no translation memory here. Run `translate tm rebuild` to create it.")
        if path.is_dir():
            raise MemoryStoreError(f"{path}: is a directory, not a translation memory file.")
        # The write rule every file follows (translate/core/fsio.py): SQLite writes in place, so
        # a linked memory would be written through to whatever the link points at.
        if path.is_symlink():
            raise MemoryStoreError(f"{path}: is a symbolic link (to {os.readlink(path)}); the translation memory is "
                                   "never written through a link. Set `memory = \"...\"` in translate.toml (or "
                                   "--memory) to the real file instead.")
        new = not path.exists()
        if (create if write is None else write) and not new:
            try:
                check_write_target(path)
            except WriteRefused as exc:
                raise MemoryStoreError(str(exc)) from None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise MemoryStoreError(f"{path}: cannot open the translation memory ({exc}).") from None
        tm = cls(path, conn)
        with tm._guard("open"):
            conn.execute("PRAGMA foreign_keys=ON")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "units" not in tables:
                conn.close()
                raise MemoryStoreError(f"{path}: is an SQLite file but not a translation memory (no 'units' table). "
                                       "Point the memory setting at another file.")
            if not tables:
                conn.executescript("BEGIN;" + _SCHEMA + "COMMIT;")
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                if new:  # SQLite creates 0644 whatever the umask: the one rule says umask-derived
                    os.chmod(path, default_mode())
            elif not {"tokens", "token_df"} <= tables:
                tm._add_token_index()
        return tm

    def _add_token_index(self) -> None:
        """Upgrade a memory written before the fuzzy-match token index existed: same rows, indexed."""
        with self._transaction("adding the fuzzy-match index") as conn:
            for statement in _INDEX_STATEMENTS:
                conn.execute(statement)
            counts: dict[str, int] = {}
            postings: list[tuple[str, int]] = []
            for unit, key in conn.execute("SELECT id, key FROM units").fetchall():
                for tok in _indexed(tokens(key)):
                    postings.append((tok, unit))
                    counts[tok] = counts.get(tok, 0) + 1
            conn.executemany("INSERT INTO tokens (token, unit) VALUES (?, ?)", postings)
            conn.executemany("INSERT INTO token_df VALUES (?, ?)", list(counts.items()))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise MemoryStoreError(f"{self.path}: the translation memory is locked by another process ({doing}). "
                                       "Wait for it to finish and try again; nothing was changed.") from None
            raise MemoryStoreError(f"{self.path}: translation memory error while {doing}: {exc}.") from None
        except sqlite3.DatabaseError as exc:
            raise MemoryStoreError(f"{self.path}: the translation memory is corrupt or not an SQLite database ({exc}). "
                                   "Move it aside and run `translate tm rebuild`; nothing was changed.") from None

    @contextmanager
    def _transaction(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write: BEGIN IMMEDIATE takes the write lock up front."""
        with self._guard(doing):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------
    @staticmethod
    def _row(entry: Entry) -> tuple:
        key = normalise(entry.source)
        return (entry.source, entry.target, key, len(tokens(key)), entry.src_lang, entry.tgt_lang, entry.article,
                entry.segment, entry.state, entry.origin or "pair", entry.author, entry.updated or _now())

    def _insert(self, conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
        # Document frequencies are counted here per batch (one upsert per distinct token); a
        # trigger takes them back down when rows are deleted.
        counts: dict[str, int] = {}
        postings: list[tuple[str, int]] = []
        for row in rows:
            unit = conn.execute(self._INSERT, row).lastrowid
            for tok in _indexed(tokens(row[2])):
                postings.append((tok, unit))
                counts[tok] = counts.get(tok, 0) + 1
        conn.executemany("INSERT INTO tokens (token, unit) VALUES (?, ?)", postings)
        conn.executemany("INSERT INTO token_df VALUES (?, ?) ON CONFLICT(token) DO UPDATE SET n = n + excluded.n",
                         list(counts.items()))

    _INSERT = ("INSERT INTO units (source, target, key, length, src_lang, tgt_lang, article, segment, state, origin, "
               "author, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")

    def sync_article(self, article: Article) -> int:
        """Bring this article's rows up to date with its approved segments; returns how many.

        Rows of segments still in the article are replaced (a target edited or un-approved since);
        rows of sentences no longer in it stay: they are still approved translations.
        """
        entries = list(article_entries(article))
        ids = [(article.slug, seg.id) for seg in article.segments]
        with self._transaction(f"updating {article.slug!r}") as conn:
            conn.executemany("DELETE FROM units WHERE article = ? AND segment = ?", ids)
            self._insert(conn, [self._row(e) for e in entries])
        return len(entries)

    def rebuild(self, articles: Iterable[Article]) -> int:
        """Bring the memory up to date with ``articles`` in one transaction; returns how many rows
        their approved segments give.

        The memory is an archive: each article's rows are replaced for the segments it still
        has (as :meth:`sync_article` does), and rows of sentences no longer in any pair file stay,
        approved translations still. Only :meth:`prune` removes those.
        """
        articles = list(articles)
        rows = [self._row(e) for a in articles for e in article_entries(a)]
        ids = [(a.slug, seg.id) for a in articles for seg in a.segments]
        with self._transaction("rebuilding") as conn:
            conn.executemany("DELETE FROM units WHERE article = ? AND segment = ?", ids)
            self._insert(conn, rows)
        return len(rows)

    def prunable(self, articles: Iterable[Article]) -> list[Entry]:
        """Pair-file rows that no approved segment of ``articles`` backs any more (the sentence
        was deleted or changed, or its article has no pair file); imported rows never are."""
        live = {(e.article, e.segment) for a in articles for e in article_entries(a)}
        return [e for e in self.entries() if e.article is not None and (e.article, e.segment) not in live]

    def prune(self, articles: Iterable[Article]) -> list[Entry]:
        """Remove :meth:`prunable` rows in one transaction; returns them (for the report)."""
        articles = list(articles)
        with self._transaction("pruning") as conn:
            gone = self.prunable(articles)
            conn.executemany("DELETE FROM units WHERE article = ? AND segment = ?",
                             sorted({(e.article, e.segment) for e in gone}))
        return gone

    def add(self, entries: Iterable[Entry]) -> tuple[int, int]:
        """Add imported entries (no article), skipping exact duplicates. Returns (added, skipped)."""
        entries = list(entries)
        fresh: list[tuple] = []
        seen: set[tuple[str, str]] = set()
        with self._transaction("importing") as conn:
            for entry in entries:
                key = normalise(entry.source)
                if (key, entry.target) in seen or conn.execute(
                        "SELECT 1 FROM units WHERE key = ? AND target = ? LIMIT 1", (key, entry.target)).fetchone():
                    continue
                seen.add((key, entry.target))
                fresh.append(self._row(entry))
            self._insert(conn, fresh)
        return len(fresh), len(entries) - len(fresh)

    # -- reading -------------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        with self._guard("reading"):
            rows = self.conn.execute(
                "SELECT source, target, origin, article, segment, state, author, updated, src_lang, tgt_lang "
                "FROM units ORDER BY id").fetchall()
        return [Entry(*row) for row in rows]

    def stats(self) -> dict[str, int]:
        with self._guard("reading"):
            total = self.conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
            articles = self.conn.execute("SELECT COUNT(DISTINCT article) FROM units WHERE article IS NOT NULL").fetchone()[0]
            imported = self.conn.execute("SELECT COUNT(*) FROM units WHERE article IS NULL").fetchone()[0]
            final = self.conn.execute("SELECT COUNT(*) FROM units WHERE state = 'final'").fetchone()[0]
            distinct = self.conn.execute("SELECT COUNT(DISTINCT key) FROM units").fetchone()[0]
        return {"entries": total, "distinct sources": distinct, "articles": articles, "from pair files": total - imported,
                "imported": imported, "final": final}

    def exact(self, source: str) -> Entry | None:
        """The best exact match: final before reviewed, then the most recent."""
        with self._guard("looking up"):
            row = self.conn.execute(
                "SELECT source, target, origin, article, segment, state, author, updated, src_lang, tgt_lang FROM units "
                "WHERE key = ? ORDER BY (state = 'final') DESC, updated DESC, id DESC LIMIT 1",
                (normalise(source),)).fetchone()
        return Entry(*row) if row else None

    def fuzzy(self, source: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 3) -> list[Match]:
        """Matches scoring at least ``threshold`` (and below 100: exact matches are :meth:`exact`)."""
        key = normalise(source)
        query = tokens(key)
        n = len(query)
        if not n or threshold <= 0:
            return []
        t = min(threshold, 100.0) / 100.0
        bound = t / (2 - t)
        need = max(1, math.ceil(t * n / (2 - t) - 1e-9))  # tokens any match shares with the query
        indexed = sorted(_indexed(query))
        lo, hi = math.ceil(n * bound - 1e-9), math.floor(n / bound + 1e-9)
        with self._guard("looking up"):
            # The rarest query tokens have the shortest postings: probe those.
            df = dict(self.conn.execute(
                f"SELECT token, n FROM token_df WHERE token IN ({','.join('?' * len(indexed))})",
                indexed).fetchall())
            probe = sorted(indexed, key=lambda tok: (df.get(tok, 0), tok))[: n - need + 1]
            probe = [tok for tok in probe if df.get(tok)]
            if not probe:
                return []
            marks = ",".join("?" * len(probe))
            rows = self.conn.execute(
                f"SELECT source, target, origin, article, segment, state, author, updated, src_lang, tgt_lang, key "
                f"FROM units WHERE length BETWEEN ? AND ? AND id IN "
                f"(SELECT unit FROM tokens WHERE token IN ({marks}))", [lo, hi, *probe]).fetchall()
        best: dict[tuple[str, str], Match] = {}
        for row in rows:
            if row[10] == key:
                continue
            score = fuzz.ratio(query, tokens(row[10]), score_cutoff=threshold)
            if not score:
                continue
            entry = Entry(*row[:10])
            k = (entry.source, entry.target)
            if k not in best or best[k].score < score:
                best[k] = Match(entry, float(score))
        return sorted(best.values(), key=lambda m: (-m.score, m.entry.state != State.FINAL))[:limit]


def article_entries(article: Article) -> Iterator[Entry]:
    """The approved segments of ``article`` as memory entries."""
    for seg in article.segments:
        if seg.state in APPROVED and seg.target and seg.target.strip():
            yield Entry(source=seg.source, target=seg.target, origin="pair", article=article.slug, segment=seg.id,
                        state=seg.state, author=seg.approved_by, updated=seg.approved_at or _now())


def recall(segments: Sequence[Segment], memory: TranslationMemory | None, *,
           threshold: float = DEFAULT_THRESHOLD, limit: int = 3) -> tuple[int, int]:
    """Before MT: fill exact matches as targets (origin tm-exact), offer fuzzy ones as candidates.

    Only segments still needing a target are touched. Returns (exact, fuzzy) counts.
    """
    if memory is None:
        return 0, 0
    exact = fuzzy = 0
    for seg in segments:
        if not seg.needs_mt:
            continue
        hit = memory.exact(seg.source)
        if hit is not None:
            seg.target = hit.target
            seg.state = State.TRANSLATED  # reused text still needs a look in its new context
            seg.origin = ORIGIN_TM_EXACT
            if seg.codes:  # the memory holds plain text: the source's inline codes go back in

                seg.target_codes, _ = place_codes(seg.source, seg.codes, seg.target)
            seg.candidates = [Match(hit, 100.0).as_candidate()] + [c for c in seg.candidates if c.kind != "tm"]
            exact += 1
            continue
        matches = memory.fuzzy(seg.source, threshold=threshold, limit=limit)
        if matches:
            seg.candidates = [c for c in seg.candidates if c.kind != "tm"] + [m.as_candidate() for m in matches]
            fuzzy += 1
    return exact, fuzzy



# -- the stages the workflow calls -------------------------------------------------------------
def open_run_memory(path: Path | None, workdir: Path) -> TranslationMemory:
    """The memory a run uses: ``path``, else ``<workdir>/memory.sqlite`` (created when missing)."""
    return TranslationMemory.open(Path(path) if path else default_memory_path(workdir))


def recall_memory(article: Article, memory: TranslationMemory | None) -> tuple[int, int]:
    """Recall before MT for one article: (exact, fuzzy) counts."""
    return recall(article.segments, memory)


def sync_memory(article: Article, memory: TranslationMemory | None) -> str | None:
    """After the pair file is written: its approved segments into the memory. A failure here is a
    warning (the pair file is the record; ``translate tm rebuild`` catches up), not an error."""
    if memory is None:
        return None
    try:
        memory.sync_article(article)
    except MemoryStoreError as exc:
        return f"{exc} Run `translate tm rebuild` later."
    return None
