"""One write rule for every file the tool writes (translate/core/fsio.py), tested once for all
writers: pair files, the memory, published pages, the manifest, lock files and every export.

* never through a symbolic link: refused, what the link points to untouched;
* never over a read-only file unless told: refused, the file unchanged;
* an existing file keeps its mode; a new one gets the umask-derived mode (0644 under umask 022).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.core.errors import TranslateError


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _workspace(tmp_path: Path) -> Path:
    from robustness_targets import xliff21_seed

    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (work / "summit.xlf").write_bytes(xliff21_seed())
    return work


def _cli(*args) -> None:
    from translate.cli.group import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exit_code != 0:
        raise TranslateError(result.output)


# Each writer: (name, the path it writes given tmp_path, a function that writes it). The function
# raises TranslateError (or OSError) when it refuses.
def _pair_file(tmp_path):
    from robustness_targets import seed_article

    from translate.formats.xliff import write_pair_file

    path = tmp_path / "work" / "summit.xlf"
    return path, lambda: write_pair_file(path, seed_article())


def _memory(tmp_path):
    from translate.pipeline.memory import Entry, TranslationMemory

    path = tmp_path / "work" / "memory.sqlite"

    def write():
        with TranslationMemory.open(path) as tm:
            tm.add([Entry(source="Hello.", target="Bonjour.")])
    return path, write


def _lock(tmp_path):
    from translate.pipeline.article_lock import article_lock

    path = tmp_path / "work" / ".summit.lock"

    def write():
        with article_lock(tmp_path / "work", "summit"):
            pass
    return path, write


def _page(tmp_path):
    from translate.publish.publisher import PublishConfig, publish_pair_file

    work = _workspace(tmp_path)
    path = tmp_path / "fr" / "summit.html"
    cfg = PublishConfig(out=tmp_path / "fr", index=tmp_path / "elsewhere" / "index.json", draft=True,
                        en_url="https://x.example/{slug}")
    return path, lambda: publish_pair_file(work / "summit.xlf", cfg)


def _manifest(tmp_path):
    from translate.publish.publisher import PublishConfig, publish_pair_file

    work = _workspace(tmp_path)
    path = tmp_path / "index.json"
    cfg = PublishConfig(out=tmp_path / "fr", index=path, draft=True, en_url="https://x.example/{slug}")
    return path, lambda: publish_pair_file(work / "summit.xlf", cfg)


def _publish_lock(tmp_path):
    from translate.publish.publisher import PublishConfig, publish_pair_file

    work = _workspace(tmp_path)
    path = tmp_path / ".index.json.lock"
    cfg = PublishConfig(out=tmp_path / "fr", index=tmp_path / "index.json", draft=True, en_url="https://x.example/{slug}")
    return path, lambda: publish_pair_file(work / "summit.xlf", cfg)


def _pair_export(tmp_path):
    work = _workspace(tmp_path)
    path = tmp_path / "out.xlf"
    return path, lambda: _cli("pair", "export", "summit", "--workdir", work, "-o", path)


def _tm_export(tmp_path):
    work = _workspace(tmp_path)
    path = tmp_path / "out.tmx"

    def write():
        _cli("tm", "rebuild", "--workdir", work)
        _cli("tm", "export", "--workdir", work, "-o", path)
    return path, write


def _report(tmp_path):
    work = _workspace(tmp_path)
    path = tmp_path / "report.html"
    return path, lambda: _cli("review", "report", "summit", "--workdir", work, "-o", path)


WRITERS = {"pair file": _pair_file, "memory": _memory, "article lock": _lock, "published page": _page,
           "manifest": _manifest, "publish lock": _publish_lock, "pair export": _pair_export,
           "tm export": _tm_export, "review report": _report}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_never_writes_through_a_symlink(name, tmp_path, umask022):
    (tmp_path / "work").mkdir()
    path, write = WRITERS[name](tmp_path)
    victim = tmp_path / "outside" / "victim"
    victim.parent.mkdir()
    victim.write_bytes(b"precious")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(victim)
    with pytest.raises((TranslateError, OSError)) as info:
        write()
    assert "symbolic link" in str(info.value)
    assert victim.read_bytes() == b"precious"
    assert path.is_symlink()


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_never_replaces_a_read_only_file(name, tmp_path, umask022):
    (tmp_path / "work").mkdir()
    path, write = WRITERS[name](tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if name == "memory":
        write()  # a real memory, then made read-only
    else:
        path.write_bytes(b'{"version": 1, "articles": {}}' if name == "manifest" else b"kept")
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises((TranslateError, OSError)) as info:
        write()
    assert "read-only" in str(info.value)
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_new_files_get_the_umask_mode_and_existing_ones_keep_theirs(name, mask, tmp_path):
    (tmp_path / "work").mkdir()
    old = os.umask(mask)
    try:
        path, write = WRITERS[name](tmp_path)
        write()
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, oct(path.stat().st_mode)
        if name in ("article lock", "publish lock"):
            return  # a lock file is reused as it is, never rewritten
        path.chmod(0o600)
        if name == "published page":  # force a rewrite of the page: another pair file hash
            (tmp_path / "work" / "summit.xlf").write_bytes((tmp_path / "work" / "summit.xlf").read_bytes() + b"\n")
        write()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
