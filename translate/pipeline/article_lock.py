"""One process per article: the lock ``translate run``, ``pair import`` and ``review approve`` share."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import filelock

from translate.core.errors import ArticleBusy
from translate.core.fsio import file_lock


def lock_path(workdir: Path, slug: str) -> Path:
    return Path(workdir) / f".{slug}.lock"


def acquire_article_lock(workdir: Path, slug: str):
    """Take the article's lock now or raise :class:`ArticleBusy`; the caller calls ``release()``.

    Every writer of a pair file (run, batch, pair import, review approve) takes this same lock.
    """
    Path(workdir).mkdir(parents=True, exist_ok=True)
    path = lock_path(workdir, slug)
    lock = file_lock(path, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise ArticleBusy(f"another translate process is working on {slug!r} (lock {path}). "
                        "Wait for it to finish, then try again; nothing was changed.") from None
    return lock


@contextmanager
def article_lock(workdir: Path, slug: str) -> Iterator[None]:
    lock = acquire_article_lock(workdir, slug)
    try:
        yield
    finally:
        lock.release()
