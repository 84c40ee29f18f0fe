"""ARTICLE arguments: a slug, the English source file, or its pair file → the pair file.

One resolver for every command that takes ARTICLE. Path-safe: a slug is a plain name (no
separators, no ``..``), and a pair file given by path must lie inside the workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from translate.core.errors import InputError
from translate.core.pathsafe import is_file
from translate.ingest.reader import slug_for

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
PAIR_SUFFIXES = (".xlf", ".xliff")


@dataclass
class ArticleRef:
    slug: str
    pair_file: Path
    source: Path | None = None


def resolve_article(ref: str, workdir: Path, *, must_exist: bool = True) -> ArticleRef:
    """The article ``ref`` names; :class:`InputError` when it is unsafe, unknown or has no pair file."""

    workdir = Path(workdir)
    text = str(ref)
    if not text or "\x00" in text:
        raise InputError("ARTICLE is empty. Give a slug, the English article file, or its pair file.")
    path = Path(text)
    source = None
    if path.suffix.lower() in PAIR_SUFFIXES:
        try:
            path.resolve().relative_to(workdir.resolve())
        except ValueError:
            raise InputError(f"{ref}: pair files live in the workspace {workdir}; this path is outside it. "
                             "Give the article's slug, or the path of its pair file in the workspace.") from None
        slug = path.stem
        if not _SLUG.match(slug):
            raise InputError(f"{ref}: {slug!r} is not an article slug (lower-case letters, digits, '.', '_', '-').")
        pair = path
    elif is_file(path):
        slug = slug_for(path)
        pair, source = workdir / f"{slug}.xlf", path
    else:
        if "/" in text or "\\" in text or ".." in text or not _SLUG.match(text):
            raise InputError(f"{ref}: no such file, and not an article slug (lower-case letters, digits, "
                             "'.', '_', '-'; no path separators or '..').")
        slug, pair = text, workdir / f"{text}.xlf"
    if must_exist and not is_file(pair):
        raise InputError(f"{ref}: no pair file {pair}. Run `translate run` on the article first.")
    return ArticleRef(slug=slug, pair_file=pair, source=source)
