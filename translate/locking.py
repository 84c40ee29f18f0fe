"""One process per article: the lock ``translate run``, ``pair import`` and ``review approve`` share."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import LockError


def lock_path(workdir: Path, slug: str) -> Path:
    # The same file the workflow locks (translate/workflow.py), so every writer of a pair file excludes the others.
    return Path(workdir) / f".{slug}.lock"


@contextmanager
def article_lock(workdir: Path, slug: str) -> Iterator[None]:
    import filelock

    Path(workdir).mkdir(parents=True, exist_ok=True)
    path = lock_path(workdir, slug)
    lock = filelock.FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise LockError(f"another translate process is working on {slug!r} (lock {path}). "
                        "Wait for it to finish, then try again; nothing was changed.") from None
    try:
        yield
    finally:
        lock.release()
