"""Path safety: slugs, ids and file names from inputs never escape the workspace.

Hostile names (``../``, absolute paths, Windows device names, very long or odd names) in article
file names, in pair-file metadata, in a CAT tool's ``original`` attribute and in ARTICLE
arguments; symlinks planted where we write (pair file, lock file, published page). Each is refused
with our own error, or lands inside the workspace; nothing outside it is ever written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from translate.core.errors import InputError, TranslateError
from translate.core.pathsafe import WINDOWS_DEVICES, check_slug, slug_problem

HOSTILE_NAMES = [
    "../../etc/passwd.txt", "..txt", "...txt", ".hidden.txt", "-dash.txt", " .txt", "CON.txt", "con.md", "NUL.txt",
    "nul.tar.txt", "Com1.html", "LPT9.txt", "aux.txt", "prn.md", "conin$.txt", "a" * 300 + ".txt", "\u202eevil.txt",
    "caf\u00e9.txt", "\u0430pple.txt", "tab\there.txt", "new\nline.txt", "quote'\".txt", "semi;colon.txt",
    "back\\slash.txt", "%2e%2e%2fescape.txt", "x" * 119 + ".txt", "UPPER.TXT", "space name.txt", "$(rm -rf).txt",
]


def _safe(slug: str) -> None:
    assert slug_problem(slug) is None, slug
    assert "/" not in slug and "\\" not in slug and slug not in (".", "..")
    assert slug.split(".")[0] not in WINDOWS_DEVICES


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_slug_from_a_hostile_file_name_is_safe_or_refused(name, tmp_path):
    from translate.ingest.reader import slug_for

    try:
        slug = slug_for(tmp_path / name)
    except InputError as exc:
        assert str(exc).strip()
        return
    _safe(slug)


@pytest.mark.parametrize("device", ["con", "CON", "nul", "aux", "prn", "com1", "lpt3", "Con.final"])
def test_windows_device_names_are_refused(device, tmp_path):
    from translate.ingest.reader import slug_for

    with pytest.raises(InputError, match="device name on Windows"):
        slug_for(tmp_path / f"{device}.txt")


def test_run_refuses_a_device_name_article_and_writes_nothing(tmp_path):
    from translate.pipeline.workflow import run_articles

    article = tmp_path / "con.txt"
    article.write_text("The summit ended. Both sides talked.\n")
    work = tmp_path / "work"
    report = run_articles([article], _NoEngine(), work)
    assert report.results[0].error and "device name" in report.results[0].error
    assert not any(work.glob("*.xlf")) if work.exists() else True


class _NoEngine:
    """Fails the test if asked to translate: the article must be refused before MT."""

    def translate(self, texts):
        raise AssertionError("the article should have been refused before MT")

    def stamp(self):
        return {"model": "none"}


@pytest.mark.parametrize("slug", ["summit", "a.b_c-d", "x" * 120])
def test_ordinary_slugs_pass(slug):
    assert check_slug(slug, "here") == slug


@pytest.mark.parametrize("slug", ["", "../x", "/etc/passwd", "a/b", "a\\b", "..", "x" * 121, "Caps", "nul", "com9.x"])
def test_unsafe_slugs_are_refused(slug):
    with pytest.raises(InputError, match="here"):
        check_slug(slug, "here")


# ---------------------------------------------------------------------------------------------
# ARTICLE arguments (publish, review, pair export).

ARGS = ["../secret", "../../etc/passwd", "/etc/passwd", "/etc/passwd.xlf", "../work2/summit.xlf", "summit/../../x",
        "..\\..\\x.xlf", "nul", "x" * 400, "", "\x00", "summit.xlf/../../etc"]


@pytest.mark.parametrize("arg", ARGS)
def test_article_arguments_never_leave_the_workspace(arg, tmp_path, monkeypatch):
    from robustness_targets import xliff21_seed

    from translate.pipeline.articleref import resolve_article
    from translate.publish.publisher import locate_pair_file

    monkeypatch.chdir(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "summit.xlf").write_bytes(xliff21_seed())
    outside = tmp_path.parent / f"{tmp_path.name}-outside.xlf"
    outside.write_bytes(xliff21_seed())
    for resolve in (lambda a: resolve_article(a, work).pair_file, lambda a: locate_pair_file(a, work)):
        try:
            found = resolve(arg)
        except TranslateError:
            continue
        resolved = Path(found).resolve()
        assert work.resolve() in resolved.parents or tmp_path.resolve() in resolved.parents, (arg, found)
    outside.unlink()


def test_a_pair_file_claiming_a_traversal_slug_is_refused_by_publish_and_import(tmp_path):
    from robustness_targets import xliff21_seed

    from translate.formats.exchange import import_pair_file
    from translate.publish.publisher import PublishConfig, publish_pair_file

    work = tmp_path / "work"
    work.mkdir()
    (work / "summit.xlf").write_bytes(xliff21_seed())
    for evil in ("../../evil", "/tmp/evil", "con"):
        bad = xliff21_seed().replace(b'<mda:meta type="slug">summit</mda:meta>', f'<mda:meta type="slug">{evil}</mda:meta>'.encode())
        incoming = tmp_path / "incoming.xlf"
        incoming.write_bytes(bad)
        with pytest.raises(TranslateError):
            import_pair_file(incoming, work)
        with pytest.raises(TranslateError):
            publish_pair_file(incoming, PublishConfig(out=tmp_path / "fr", draft=True, en_url="https://x.example/{slug}"))
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".html", ".md")) == []
    assert not (tmp_path.parent / "evil.html").exists() and not Path("/tmp/evil.html").exists()


def test_xliff12_original_with_a_path_stays_in_the_workspace(tmp_path):
    """A CAT tool's `original` may be any path; only its stem, checked, names the article."""
    from robustness_targets import xliff12_seed, xliff21_seed

    from translate.formats.exchange import import_pair_file

    work = tmp_path / "work"
    work.mkdir()
    (work / "summit.xlf").write_bytes(xliff21_seed())
    data = xliff12_seed()
    import re

    for original in ("../../../etc/summit.txt", "/abs/path/summit.txt", "C:\\\\Users\\\\x\\\\summit.txt"):
        incoming = tmp_path / "in.xlf"
        incoming.write_bytes(re.sub(rb'original="[^"]*"', f'original="{original}"'.encode(), data, count=1))
        try:
            report = import_pair_file(incoming, work)
        except TranslateError:
            continue
        assert report.pair_file.resolve().parent == work.resolve()
    assert sorted(p.name for p in work.iterdir() if p.suffix == ".xlf") == ["summit.xlf"]


# ---------------------------------------------------------------------------------------------
# Symlinks planted where we write: the link is replaced, what it points to is never written.

def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "outside" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("precious")
    return victim


def test_a_symlinked_pair_file_is_replaced_not_written_through(tmp_path):
    from robustness_targets import seed_article

    from translate.formats.xliff import write_pair_file

    victim = _victim(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / "summit.xlf").symlink_to(victim)
    write_pair_file(work / "summit.xlf", seed_article())
    assert victim.read_text() == "precious"
    assert not (work / "summit.xlf").is_symlink()


def test_a_symlinked_lock_file_does_not_touch_its_target(tmp_path):
    from translate.pipeline.article_lock import article_lock

    victim = _victim(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    (work / ".summit.lock").symlink_to(victim)
    try:
        with article_lock(work, "summit"):
            pass
    except (TranslateError, OSError):
        pass  # refusing a symlinked lock is fine too
    assert victim.read_text() == "precious"


def test_a_symlinked_published_page_is_replaced_not_written_through(tmp_path):
    from robustness_targets import xliff21_seed

    from translate.publish.publisher import PublishConfig, publish_pair_file

    victim = _victim(tmp_path)
    work, out = tmp_path / "work", tmp_path / "fr"
    work.mkdir()
    out.mkdir()
    (work / "summit.xlf").write_bytes(xliff21_seed())
    (out / "summit.html").symlink_to(victim)
    manifest = tmp_path / "outside" / "index.json"
    manifest.write_text('{"version": 1, "articles": {}}')
    (tmp_path / "index.json").symlink_to(manifest)
    publish_pair_file(work / "summit.xlf", PublishConfig(out=out, draft=True, en_url="https://x.example/{slug}"))
    assert victim.read_text() == "precious"
    assert manifest.read_text() == '{"version": 1, "articles": {}}'
    assert not (out / "summit.html").is_symlink() and not (tmp_path / "index.json").is_symlink()


def test_very_long_and_odd_file_names_give_clear_errors(tmp_path):
    """An article name past the file-system limit, or one that cannot be created, is our error."""
    from translate.ingest.reader import ingest_file

    from translate.core.xmlsafe import read_xml_file

    for name in ("a" * 300 + ".txt", "x" * 250 + ".txt", "b" * 5000 + ".xlf"):
        with pytest.raises(TranslateError):
            ingest_file(tmp_path / name)
        with pytest.raises(TranslateError):
            read_xml_file(tmp_path / name)
