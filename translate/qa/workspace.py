"""QA over pair files on disk: load articles, write findings back, record waivers.

I/O at the edge of the QA package: everything else in it is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from translate.core.article import Article, Waiver, text_hash
from translate.core.errors import InputError
from translate.qa.config import QaConfig
from translate.qa.runner import QaReport, annotate, french_of, run_qa
from translate.core.xmlsafe import read_xml_file
from translate.core.errors import PairFileError, TranslateError
from translate.formats.xliff import XLIFF, xliff_to_article
from translate.pipeline.articleref import resolve_article
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.pipeline.article_lock import article_lock
from translate.formats.exchange import now_iso
from translate.qa.registry import all_checks
from translate.qa.runner import annotate_article


@dataclass
class Loaded:
    slug: str
    pair_file: Path
    article: Article
    lines: dict[str, int] = field(default_factory=dict)  # segment id -> line in the pair file


def load_pair_files(paths: Sequence[Path]) -> list[Loaded]:

    out = []
    for path in paths:
        try:
            root = read_xml_file(Path(path), "pair file")
        except TranslateError as exc:
            raise PairFileError(str(exc)) from None
        article, _ = xliff_to_article(root, str(path))
        article.slug = article.slug or Path(path).stem
        lines = {el.get("id"): el.sourceline or 0 for el in root.iter(f"{{{XLIFF}}}segment")}
        out.append(Loaded(article.slug or Path(path).stem, Path(path), article, lines))
    return out


def resolve_pair_files(articles: Sequence[str], workdir: Path) -> list[Path]:
    """The pair files named by ARTICLE arguments, else every pair file of the workspace."""

    if articles:
        return [resolve_article(a, workdir).pair_file for a in articles]
    workdir = Path(workdir)
    if not workdir.is_dir():
        raise InputError(f"{workdir}: no such folder of pair files. Pass ARTICLE or --workdir DIR.")
    return sorted(workdir.glob("*.xlf"))


def check_workspace(loaded: Sequence[Loaded], config: QaConfig | None = None, *, glossary: Any = None) -> QaReport:
    return run_qa([item.article for item in loaded], config, glossary=glossary)


def write_findings(loaded: Sequence[Loaded], report: QaReport) -> list[Path]:
    """Record the findings in each pair file (under the article's lock); returns the files changed.

    A file whose texts changed since it was read (a CAT tool saving meanwhile) is left alone.
    """

    changed = []
    for item in loaded:
        workdir = item.pair_file.parent
        with article_lock(workdir, item.slug):
            current, stamp = read_pair_file(item.pair_file)
            if [(s.id, french_of(s)) for s in current.segments] != [(s.id, french_of(s)) for s in item.article.segments]:
                continue
            before = [list(s.qa) for s in current.segments]
            current.slug = item.slug
            annotate([current], report)
            if [list(s.qa) for s in current.segments] != before:
                write_pair_file(item.pair_file, current, stamp)
                changed.append(item.pair_file)
    return changed


def waive(article: str, workdir: Path, *, segment: str, check: str, by: str, reason: str = "",
          when: str | None = None, remove: bool = False) -> Waiver | None:
    """Record (or with ``remove``, withdraw) a reviewer's waiver of ``check`` on one segment."""

    known = all_checks()
    if check not in known:
        raise InputError(f"unknown QA check {check!r}. Known: {', '.join(sorted(known))}.")
    ref = resolve_article(article, workdir)
    with article_lock(workdir, ref.slug):
        art, stamp = read_pair_file(ref.pair_file)
        seg = next((s for s in art.segments if s.id == segment), None)
        if seg is None:
            raise InputError(f"{ref.pair_file}: no segment {segment!r} in article {ref.slug!r}. "
                             "`translate qa` and `translate review diff` list the ids. Nothing was changed.")
        french = french_of(seg)
        if french is None:
            raise InputError(f"{ref.pair_file}: segment {segment} has no French yet; there is nothing to waive.")
        seg.waivers = [w for w in seg.waivers if w.check != check]
        added = None
        if not remove:
            added = Waiver(check=check, by=by, at=when or now_iso(), target_sha=text_hash(french), reason=reason)
            seg.waivers.append(added)

        annotate_article(art)  # the notes show the waiver at once
        write_pair_file(ref.pair_file, art, stamp)
    return added
