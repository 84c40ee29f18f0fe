"""File I/O at the edges: atomic writes and careful text reads."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from translate.core.errors import InputError, WriteRefused


def default_mode() -> int:
    """The mode a new file gets: 0666 less the process umask (0644 under umask 022), as any
    ordinary program creates files. Read from /proc where possible: os.umask() can only be read
    by setting it, which races with other threads."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def check_write_target(path: Path, *, replace_read_only: bool = False) -> int | None:
    """The one rule for every file the tool writes (pair files, memory, pages, manifest, locks,
    exports): never through a symbolic link, never over a read-only file unless told. Returns the
    mode of the existing file (kept by the write), or None when there is none.

    Raises :class:`WriteRefused` naming the file and what to do.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    if stat.S_ISLNK(info.st_mode):
        raise WriteRefused(f"{path}: is a symbolic link (to {os.readlink(path)}); refusing to write through it. "
                           "Replace the link with the file itself, or point the setting at the real file.")
    if stat.S_ISDIR(info.st_mode):
        raise WriteRefused(f"{path}: is a directory; refusing to replace it with a file.")
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(f"{path}: is not a regular file; refusing to replace it.")
    if not replace_read_only and not (info.st_mode & 0o222 and os.access(path, os.W_OK, follow_symlinks=False)):
        raise WriteRefused(f"{path}: is read-only; refusing to replace it. Make it writable (chmod u+w) "
                           "if it should change; nothing was written.")
    return stat.S_IMODE(info.st_mode)


def atomic_write_bytes(path: Path, data: bytes, *, replace_read_only: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same directory (same filesystem), are flushed and
    fsynced, then renamed over the target. On any failure the temporary file is removed. The
    rule of :func:`check_write_target` applies (no symbolic link, no read-only file); the new
    file keeps the old one's mode, or gets the umask-derived mode of a new file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    mode = check_write_target(path, replace_read_only=replace_read_only)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # read-only, full, no permission: name the file the user knows
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), default_mode() if mode is None else mode)  # mkstemp makes 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Checked again just before the rename: a link or a read-only file put there meanwhile.
        check_write_target(path, replace_read_only=replace_read_only)
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


def atomic_write_text(path: Path, text: str, *, replace_read_only: bool = False) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), replace_read_only=replace_read_only)


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


def file_lock(path: Path, *, timeout: float):
    """A ``filelock.FileLock`` on ``path`` under the same rule as every other write: the lock file
    is never a symbolic link or a read-only file, and a new one gets the umask-derived mode."""
    import filelock  # lazy: this module loads with `translate --help`; filelock only when a lock is taken

    check_write_target(Path(path))
    return filelock.FileLock(str(path), timeout=timeout, mode=default_mode())
