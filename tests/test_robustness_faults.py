"""Faults: a full disk and a read-only workspace, through every command that writes.

Two ways to make writes fail: monkeypatched system calls (ENOSPC from write/fsync, EROFS from
creating a file) that work everywhere, and, where this test runs as root and may mount, a real
tmpfs of a few kilobytes and a real read-only mount. Each command must say what failed in one
`Error:` line (no traceback), exit non-zero, and leave every existing file byte for byte as it
was: the pair file, the memory database, the published page and the manifest. No temporary file
is left behind.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli import main

ARTICLE = (
    "Leaders met in Geneva on Wednesday. The talks lasted four hours.\n\n"
    "\"We talked,\" the president said. Both sides called the meeting constructive.\n"
)


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


def assert_clean_error(result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Error:" in result.output, result.output
    for word in words:
        assert word.lower() in result.output.lower(), (word, result.output)


def no_temp_files(folder: Path) -> None:
    left = [p.name for p in Path(folder).rglob("*") if p.name.endswith(".tmp")]
    assert left == [], left


@pytest.fixture(scope="module")
def workspace_template(tmp_path_factory, test_model_dir):
    """A project, built once: an article, its pair file with human edits, a memory, a published page."""
    root = tmp_path_factory.mktemp("project")
    old = Path.cwd()
    os.chdir(root)
    try:
        (root / "en").mkdir()
        (root / "en" / "summit.txt").write_text(ARTICLE)
        result = cli("run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", "work", "en/summit.txt")
        assert result.exit_code == 0, result.output
        from translate.formats.xliff import read_pair_file, write_pair_file

        article, stamp = read_pair_file(root / "work" / "summit.xlf")
        for seg in article.segments:
            seg.target, seg.state, seg.origin = f"Texte humain {seg.id}.", "final", "human"
        write_pair_file(root / "work" / "summit.xlf", article, stamp)
        result = cli("publish", "summit", "--workdir", "work", "--out", "fr")
        assert result.exit_code == 0, result.output
    finally:
        os.chdir(old)
    return root


@pytest.fixture
def workspace(workspace_template, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(workspace_template, project)
    monkeypatch.chdir(project)
    return project


@contextmanager
def failing_writes(monkeypatch, code: int):
    """Every file write of the process fails with ``code`` once the data is flushed to disk
    (ENOSPC), or at creation (EROFS, EACCES), as the kernel reports it."""
    real_fsync, real_mkstemp = os.fsync, __import__("tempfile").mkstemp

    def fsync(fd):
        raise OSError(code, os.strerror(code))

    def mkstemp(*args, **kwargs):
        raise OSError(code, os.strerror(code), kwargs.get("dir"))

    if code == errno.ENOSPC:
        monkeypatch.setattr(os, "fsync", fsync)
    else:
        monkeypatch.setattr("tempfile.mkstemp", mkstemp)
    try:
        yield
    finally:
        monkeypatch.setattr(os, "fsync", real_fsync)
        monkeypatch.setattr("tempfile.mkstemp", real_mkstemp)


WRITERS = {
    "run": lambda model: ("run", "--model", model, "--beam-size", "1", "--workdir", "work", "en/summit2.txt", "en/summit.txt"),
    "pair import": lambda model: ("pair", "import", "incoming.xlf", "--workdir", "work"),
    "review approve": lambda model: ("review", "approve", "summit", "--workdir", "work", "--by", "editor"),
    "publish": lambda model: ("publish", "summit", "--workdir", "work", "--out", "fr", "--format", "md"),
    "tm export": lambda model: ("tm", "export", "-o", "work/export.tmx", "--workdir", "work"),
    "tm rebuild": lambda model: ("tm", "rebuild", "--workdir", "work"),
    "pair export": lambda model: ("pair", "export", "summit", "--format", "xliff12", "-o", "work/out.xlf", "--workdir", "work"),
}


def _prepare(workspace: Path) -> None:
    """Inputs for the writers: a second article, and a CAT tool's copy with one target changed."""
    (workspace / "en" / "summit2.txt").write_text("A second article. It has two sentences.\n")
    data = (workspace / "work" / "summit.xlf").read_text("utf-8")
    (workspace / "incoming.xlf").write_text(data.replace("Texte humain", "Texte revu", 1))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk full", "read-only"])
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_failing_write_is_a_clear_error_and_changes_nothing(writer, code, workspace, test_model_dir, monkeypatch):
    _prepare(workspace)
    before = snapshot(workspace)
    args = WRITERS[writer](str(test_model_dir))
    with failing_writes(monkeypatch, code):
        result = cli(*args)
    if result.exit_code == 0:
        # Nothing of ours needed writing: then nothing changed, but the memory, which SQLite
        # writes with its own system calls (the real-disk tests below cover it).
        after = snapshot(workspace)
        assert [k for k in set(before) | set(after) if before.get(k) != after.get(k)
                and not k.startswith("work/memory.sqlite")] == []
        return
    assert_clean_error(result)
    after = snapshot(workspace)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    # Only the memory database may have been touched (SQLite's own journal makes that atomic);
    # it must still be consistent.
    assert [k for k in changed if not k.startswith("work/memory.sqlite")] == [], changed
    for db in workspace.rglob("memory.sqlite"):
        assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    no_temp_files(workspace)


def test_run_names_the_failed_article_and_keeps_the_old_pair_file(workspace, test_model_dir, monkeypatch):
    before = (workspace / "work" / "summit.xlf").read_bytes()
    (workspace / "en" / "summit.txt").write_text(ARTICLE + "\nA new paragraph was added. It needs MT.\n")
    with failing_writes(monkeypatch, errno.ENOSPC):
        result = cli("run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", "work", "en/summit.txt")
    assert_clean_error(result, "summit.xlf", "No space left on device")
    assert (workspace / "work" / "summit.xlf").read_bytes() == before
    no_temp_files(workspace)
    # Space again: the re-run finishes, and the human work is still there.
    result = cli("run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", "work", "en/summit.txt")
    assert result.exit_code == 0, result.output
    from translate.formats.xliff import read_pair_file

    article, _ = read_pair_file(workspace / "work" / "summit.xlf")
    assert sum(1 for s in article.segments if s.target and s.target.startswith("Texte humain")) == 4


# ---------------------------------------------------------------------------------------------
# The real thing: a tiny tmpfs that fills up, a read-only mount. Root and mount(8) only.

def _can_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path("/tmp") / f".translate-mount-probe-{os.getpid()}"
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(probe)],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], capture_output=True)
        return ok
    finally:
        probe.rmdir()


MOUNTABLE = _can_mount()


@contextmanager
def tmpfs(path: Path, size: str, readonly: bool = False):
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.skipif(not MOUNTABLE, reason="needs root and mount (the monkeypatched tests above run everywhere)")
def test_a_real_full_disk(workspace, test_model_dir):
    """The workspace on a tmpfs just big enough for the current files: the next write hits ENOSPC."""
    work = workspace / "work"
    saved = workspace / "saved"
    shutil.copytree(work, saved)
    shutil.rmtree(work)
    work.mkdir()
    used = sum(p.stat().st_size for p in saved.rglob("*") if p.is_file())
    with tmpfs(work, f"{used // 1024 + 24}k"):
        for p in saved.iterdir():
            if p.is_file():
                shutil.copy2(p, work / p.name)
        # Fill what is left, as another process would.
        filler = work / "filler"
        try:
            with open(filler, "wb") as handle:
                while True:
                    handle.write(b"\0" * 4096)
                    handle.flush()
        except OSError:
            pass
        before = snapshot(work)
        (workspace / "en" / "summit.txt").write_text(ARTICLE + "\nMore text arrives. The pair file grows.\n")
        _prepare(workspace)
        for args in (WRITERS["run"](str(test_model_dir)), WRITERS["pair import"](""), WRITERS["tm rebuild"]("")):
            result = cli(*args)
            assert_clean_error(result)
            after = snapshot(work)
            assert {k: v for k, v in after.items() if not k.startswith("memory.sqlite")} == \
                   {k: v for k, v in before.items() if not k.startswith("memory.sqlite")}, args
            no_temp_files(work)
        filler.unlink()


@pytest.mark.skipif(not MOUNTABLE, reason="needs root and mount (the monkeypatched tests above run everywhere)")
def test_a_real_read_only_workspace(workspace, test_model_dir):
    work = workspace / "work"
    saved = workspace / "saved"
    shutil.copytree(work, saved)
    shutil.rmtree(work)
    work.mkdir()
    with tmpfs(work, "4m"):
        for p in saved.iterdir():
            if p.is_file():
                shutil.copy2(p, work / p.name)
        subprocess.run(["mount", "-o", "remount,ro", str(work)], check=True)
        before = snapshot(work)
        _prepare(workspace)
        for args in (WRITERS["run"](str(test_model_dir)), WRITERS["pair import"](""),
                     WRITERS["review approve"](""), WRITERS["tm rebuild"]("")):
            result = cli(*args)
            assert_clean_error(result)
            assert snapshot(work) == before, args
