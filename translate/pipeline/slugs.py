"""Slugs are identities: a slug (and its pair file) belongs to one source file.

The pair file records its owner (``source-id`` in its article metadata: the source's path
relative to the workspace, so moving the whole project keeps it valid). Another source whose file
name gives the same slug (``Summit.txt`` in another folder after ``summit.txt``) is refused with
a message saying how to name it, rather than replacing that article's pair file. When the
recorded owner no longer exists, the article was moved or renamed: the new path takes the slug
over, with a warning. Pair files written before the record fall back to their ``source`` path.
"""

from __future__ import annotations

import os
from pathlib import Path

from translate.core.article import Article
from translate.core.errors import InputError


def source_id(source: Path, workdir: Path) -> str:
    """The source's identity as the workspace records it: its real path relative to the workspace."""
    return Path(os.path.relpath(Path(source).resolve(), Path(workdir).resolve())).as_posix()


def _owner(existing: Article, workdir: Path) -> Path | None:
    if existing.source_id:
        return (Path(workdir).resolve() / existing.source_id).resolve()
    if existing.source_path is not None:
        return Path(existing.source_path).resolve()
    return None


def claim_slug(article: Article, source: Path, existing: Article | None, workdir: Path, pair: Path) -> str | None:
    """Record ``source`` as the owner of ``article``'s slug; refuse when another source owns it.

    Returns a warning when the slug moves over from an owner that no longer exists.
    """
    article.source_id = source_id(source, workdir)
    if existing is None:
        return None
    owner = _owner(existing, workdir)
    mine = Path(source).resolve()
    if owner is None or owner == mine:
        return None
    if owner.exists():
        stem, suffix = Path(source).stem, Path(source).suffix
        raise InputError(
            f"{source}: its slug {article.slug!r} already belongs to {owner} (pair file {pair}); refusing to replace "
            f"that article's work. Rename this file so that it gets its own slug (for example "
            f"'{stem}-2{suffix}' or a name saying what it is), or, if it is the same article moved here, "
            f"move or delete the old file first.")
    return (f"{article.slug}: the article's source moved from {owner} (no longer there) to {mine}; "
            "the pair file now belongs to the new path.")
