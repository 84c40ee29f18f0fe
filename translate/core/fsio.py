"""File I/O at the edges: atomic writes and careful text reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from translate.core.errors import InputError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same directory (same filesystem), are flushed and
    fsynced, then renamed over the target. On any failure the temporary file is removed.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # read-only, full, no permission: name the file the user knows
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.filename in (None, tmp):
            # Name the file the user knows (a failed fsync names nothing, a failed write the temp file).
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, hence best effort.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# Articles above this size are refused: a news article is tens of kilobytes, and reading
# megabytes of text into the segmenter and the model is a mistake, not a job.
MAX_ARTICLE_BYTES = 2 * 1024 * 1024


def read_input_bytes(path: Path, *, what: str, max_bytes: int, advice: str = "") -> bytes:
    """The bytes of an input file, with a clear :class:`InputError` for every way it can be unusable:
    a name the system cannot take, missing, a directory, over ``max_bytes`` (refused before it is
    read into memory), unreadable."""
    path = Path(path)
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError as exc:  # a name the system cannot take (too long, ...)
        raise InputError(f"{str(path)[:200]}: cannot be opened ({exc.strerror or exc}). Check the file name.") from None
    if not exists:
        raise InputError(f"{path}: no such file. Check the path of the {what}.")
    if is_dir:
        raise InputError(f"{path}: is a directory. Name the {what} file itself.")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit for this {what}.{advice}")
        return path.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied. Make the file readable.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def read_text_file(path: Path, *, what: str = "article", max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """Read a UTF-8 text file, with a clear :class:`InputError` for every way it can be unusable."""
    path = Path(path)
    data = read_input_bytes(path, what=what, max_bytes=max_bytes, advice=" Split it into separate articles.")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file, not text. Give a UTF-8 text, HTML or Markdown {what}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}: line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}). "
            "Re-save the file as UTF-8."
        ) from None
    # One line-ending convention from here on; offsets refer to this normalised text.
    return text.replace("\r\n", "\n").replace("\r", "\n")
