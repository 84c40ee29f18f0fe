"""Nothing a translator or editor did is ever lost (issue 12): each newsroom scenario scripted on a
test article and on the seed article (corpus/en/). MT is the random-weight test model through the
real generate; nothing here depends on its French."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cattool import edit_xliff12, edit_xliff21
from conftest import SEED_ARTICLE
from translate.cli.group import main
from translate.formats.xliff import read_pair_file

ARTICLE = """Geneva summit ends with a handshake

The two presidents met for three hours in a lakeside villa. They agreed to return their ambassadors to their posts. Talks on cybersecurity will start next month.

Neither side spoke of a breakthrough. The Russian leader called the talks constructive. The American president was more cautious.

Protesters gathered near the villa before the meeting. Police kept them behind barriers.
"""

ARTICLES = {"test": ("geneva-summit.txt", ARTICLE), "seed": (SEED_ARTICLE.name, SEED_ARTICLE.read_text("utf-8"))}


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def drafted_once(tmp_path_factory, engine):
    from translate.pipeline.workflow import run_articles

    out = {}
    for name, (file_name, text) in ARTICLES.items():
        base = tmp_path_factory.mktemp(f"drafted-{name}")
        src = base / "en" / file_name
        src.parent.mkdir()
        src.write_text(text, "utf-8")
        report = run_articles([src], engine, base / "work")
        assert not report.failed
        out[name] = base
    return out


@pytest.fixture(params=sorted(ARTICLES))
def case(request, drafted_once, tmp_path):
    """(workspace, source file, pair file) for a fresh copy of the drafted article."""
    shutil.copytree(drafted_once[request.param], tmp_path / "p")
    base = tmp_path / "p"
    src = base / "en" / ARTICLES[request.param][0]
    work = base / "work"
    return work, src, work / f"{src.stem.lower()}.xlf"


def segments(pair: Path):
    return read_pair_file(pair)[0].segments


def waive_qa(pair: Path, work: Path) -> None:
    """The random-weight model's French is meaningless, so the QA gate would hold it back: a reviewer
    waives each finding (as in the pair file), which these tests of other rules take as given."""
    from translate.qa.runner import run_qa
    from translate.qa.workspace import waive

    article, _ = read_pair_file(pair)
    errors = {(f.segment, f.check) for f in run_qa([article]).errors}
    assert errors  # else this helper is not needed any more
    for seg_id, check in sorted(errors):
        waive(pair.stem, work, segment=seg_id, check=check, by="desk", reason="test model")


def export(work: Path, slug: str, dest: Path, fmt: str = "xliff21") -> Path:
    result = cli("pair", "export", slug, "--workdir", work, "--format", fmt, "-o", dest)
    assert result.exit_code == 0, result.output
    return dest


def every_text(seg) -> set[str]:
    return {seg.target or ""} | {c.target for c in seg.history}


def all_texts(pair: Path) -> set[str]:
    return {t for seg in segments(pair) for t in every_text(seg)}


def rerun(engine, src: Path, work: Path, text: str):
    from translate.pipeline.workflow import run_articles

    src.write_text(text, "utf-8")
    report = run_articles([src], engine, work)
    assert not report.failed, report.failed[0].error


# ---------------------------------------------------------------------------------------------
# Stale import: two translators export the same article.

@pytest.mark.parametrize("fmt", ["xliff21", "xliff12"])
def test_a_stale_copy_never_overwrites_newer_work_nor_clears_an_approval(case, tmp_path, fmt):
    from translate.pipeline.memory import TranslationMemory

    work, src, pair = case
    slug = pair.stem
    segs = segments(pair)
    a_id, b_id = segs[1].id, segs[2].id
    copy_a = export(work, slug, tmp_path / "a.xlf", fmt)
    copy_b = export(work, slug, tmp_path / "b.xlf", fmt)
    edit = edit_xliff21 if fmt == "xliff21" else edit_xliff12
    reviewed = "reviewed" if fmt == "xliff21" else "signed-off"
    # A's edit, imported and approved.
    edit(copy_a, tmp_path / "a-back.xlf", {a_id: ("Texte de A, relu.", reviewed)})
    assert cli("pair", "import", tmp_path / "a-back.xlf", "--workdir", work, "--by", "a").exit_code == 0
    assert cli("review", "approve", slug, "--workdir", work, "--by", "desk").exit_code == 0
    approved = {s.id: s for s in segments(pair)}[a_id]
    assert (approved.target, approved.state) == ("Texte de A, relu.", "final")
    # B's copy still holds the MT draft of A's segment; B edited another one.
    edit(copy_b, tmp_path / "b-back.xlf", {b_id: ("Texte de B.", reviewed)})
    result = cli("pair", "import", tmp_path / "b-back.xlf", "--workdir", work, "--by", "b")
    assert result.exit_code == 0, result.output
    assert "left as they are" in result.output
    now = {s.id: s for s in segments(pair)}
    assert (now[a_id].target, now[a_id].state, now[a_id].approved_by) == ("Texte de A, relu.", "final", "desk")
    assert now[b_id].target == "Texte de B."
    with TranslationMemory.open(work / "memory.sqlite") as tm:
        assert tm.exact(approved.source).target == "Texte de A, relu."


@pytest.mark.parametrize("fmt", ["xliff21", "xliff12"])
def test_a_stale_edit_of_newer_work_is_a_conflict_shown_and_refused(case, tmp_path, fmt):
    work, src, pair = case
    slug = pair.stem
    sid = segments(pair)[1].id
    copy_a = export(work, slug, tmp_path / "a.xlf", fmt)
    copy_b = export(work, slug, tmp_path / "b.xlf", fmt)
    edit = edit_xliff21 if fmt == "xliff21" else edit_xliff12
    reviewed = "reviewed" if fmt == "xliff21" else "signed-off"
    edit(copy_a, tmp_path / "a-back.xlf", {sid: ("Texte de A.", reviewed)})
    assert cli("pair", "import", tmp_path / "a-back.xlf", "--workdir", work, "--by", "a").exit_code == 0
    edit(copy_b, tmp_path / "b-back.xlf", {sid: ("Texte de B.", reviewed)})
    before = pair.read_bytes()
    result = cli("pair", "import", tmp_path / "b-back.xlf", "--workdir", work, "--by", "b")
    assert result.exit_code == 1
    assert "Texte de A." in result.output and "Texte de B." in result.output and sid in result.output
    assert "Traceback" not in result.output
    assert pair.read_bytes() == before
    # Told to, the rest is imported and B's text is kept in the history, A's text staying.
    result = cli("pair", "import", tmp_path / "b-back.xlf", "--workdir", work, "--by", "b", "--keep-conflicts")
    assert result.exit_code == 0, result.output
    assert "conflict kept in the history" in result.output
    seg = {s.id: s for s in segments(pair)}[sid]
    assert seg.target == "Texte de A."
    kept = [c for c in seg.history if c.target == "Texte de B."]
    assert kept and kept[0].event == "conflict" and kept[0].by == "b" and kept[0].at


def test_an_import_that_replaces_human_text_keeps_it_in_the_history(case, tmp_path):
    work, src, pair = case
    sid = segments(pair)[1].id
    edit_xliff21(pair, tmp_path / "1.xlf", {sid: ("Premier texte.", "translated")})
    assert cli("pair", "import", tmp_path / "1.xlf", "--workdir", work, "--by", "a").exit_code == 0
    edit_xliff21(pair, tmp_path / "2.xlf", {sid: ("Second texte.", "translated")})
    result = cli("pair", "import", tmp_path / "2.xlf", "--workdir", work, "--by", "b")
    assert result.exit_code == 0 and "1 earlier human text(s) kept" in result.output
    seg = {s.id: s for s in segments(pair)}[sid]
    assert (seg.target, seg.edited_by) == ("Second texte.", "b")
    entry = next(c for c in seg.history if c.target == "Premier texte.")
    assert (entry.by, entry.event) == ("a", "replaced") and entry.at


# ---------------------------------------------------------------------------------------------
# Re-runs: a sentence changed twice, changed back, merged, rewritten, deleted.

def _post_edit_all(work: Path, pair: Path, tmp_path: Path, ids) -> dict[str, str]:
    edits = {sid: (f"Traduction humaine {n}.", "reviewed") for n, sid in enumerate(ids)}
    edit_xliff21(pair, tmp_path / "edited.xlf", edits)
    result = cli("pair", "import", tmp_path / "edited.xlf", "--workdir", work, "--by", "tr")
    assert result.exit_code == 0, result.output
    return {sid: text for sid, (text, _) in edits.items()}


def _sentence(pair: Path, index: int):
    return segments(pair)[index]


def test_a_sentence_changed_twice_and_back_keeps_its_post_edit(case, tmp_path, engine):
    work, src, pair = case
    original = src.read_text("utf-8")
    seg = next(s for s in segments(pair) if len(s.source.split()) > 6 and s.source.endswith(".")
               and original.count(s.source) == 1)
    human = _post_edit_all(work, pair, tmp_path, [seg.id])[seg.id]
    once = original.replace(seg.source, seg.source[:-1] + ", officials said.", 1)
    twice = original.replace(seg.source, seg.source[:-1] + ", officials said on Monday.", 1)
    for text in (once, twice):
        rerun(engine, src, work, text)
        assert seg.id not in {s.id for s in segments(pair)}
        assert human in all_texts(pair), f"lost after {text[:40]!r}"
        entry = next(c for s in segments(pair) for c in s.history if c.target == human)
        assert entry.by == "tr" and entry.source == seg.source
    rerun(engine, src, work, original)
    back = {s.id: s for s in segments(pair)}[seg.id]  # changed back: the same id again
    assert human in {c.target for c in back.history}


def test_merged_rewritten_and_deleted_sentences_keep_their_post_edits(case, tmp_path, engine):
    work, src, pair = case
    text = src.read_text("utf-8")
    segs = [s for s in segments(pair) if len(s.source.split()) > 4]
    first, second, rewritten, deleted = segs[1], segs[2], segs[3], segs[4]
    assert second.source in text and text.index(first.source) < text.index(second.source)
    human = _post_edit_all(work, pair, tmp_path, [first.id, second.id, rewritten.id, deleted.id])
    # Two sentences merged into one; one rewritten beyond the 50% threshold; one deleted.
    merged = first.source.rstrip(".") + " and " + second.source[0].lower() + second.source[1:]
    changed = text.replace(first.source, merged, 1).replace(" " + second.source, "", 1)
    changed = changed.replace(rewritten.source, "Zxq wholly unrelated words replace everything here.", 1)
    changed = changed.replace(deleted.source, "", 1)
    rerun(engine, src, work, changed)
    texts = all_texts(pair)
    for sid, post_edit in human.items():
        assert post_edit in texts, f"post-edit of {sid} lost"
    # Every entry says who wrote it and why it left its sentence.
    entries = [c for s in segments(pair) for c in s.history if c.target in human.values()]
    assert {c.by for c in entries} == {"tr"} and {c.event for c in entries} <= {"changed", "removed"}
    # A model or settings change re-drafts, and the history stays.
    rerun(engine, src, work, changed + "\nA new closing sentence was added to the story.\n")
    assert set(human.values()) <= all_texts(pair)


def test_history_is_pruned_only_by_the_explicit_command(case, tmp_path, engine):
    work, src, pair = case
    seg = segments(pair)[1]
    human = _post_edit_all(work, pair, tmp_path, [seg.id])[seg.id]
    rerun(engine, src, work, src.read_text("utf-8").replace(seg.source, "Zxq an entirely new sentence stands here.", 1))
    assert human in all_texts(pair)
    result = cli("pair", "prune-history", pair.stem, "--workdir", work)
    assert result.exit_code == 0 and "discarded" in result.output, result.output
    assert human not in all_texts(pair)
    assert not any(n.startswith("The English sentence") for s in segments(pair) for n in s.notes)


def test_the_review_shows_the_history(case, tmp_path, engine):
    work, src, pair = case
    seg = segments(pair)[1]
    human = _post_edit_all(work, pair, tmp_path, [seg.id])[seg.id]
    rerun(engine, src, work, src.read_text("utf-8").replace(seg.source, "Zxq an entirely new sentence stands here.", 1))
    result = cli("review", "diff", pair.stem, "--workdir", work, "--no-color")
    assert result.exit_code == 0 and human in result.output and "history" in result.output
    out = tmp_path / "report.html"
    assert cli("review", "report", pair.stem, "--workdir", work, "-o", out).exit_code == 0
    page = out.read_text("utf-8")
    assert human in page and "by tr" in page


# ---------------------------------------------------------------------------------------------
# The memory is an archive.

def test_tm_rebuild_keeps_approved_rows_and_tm_prune_removes_them_with_a_report(case, tmp_path, engine):
    from translate.pipeline.memory import TranslationMemory

    work, src, pair = case
    seg = segments(pair)[1]
    edit_xliff21(pair, tmp_path / "e.xlf", {seg.id: ("Texte approuvé.", "final")})
    assert cli("pair", "import", tmp_path / "e.xlf", "--workdir", work).exit_code == 0
    rerun(engine, src, work, src.read_text("utf-8").replace(seg.source, "Zxq an entirely new sentence stands here.", 1))
    result = cli("tm", "rebuild", "--workdir", work)
    assert result.exit_code == 0 and "kept" in result.output, result.output
    with TranslationMemory.open(work / "memory.sqlite") as tm:
        assert tm.exact(seg.source).target == "Texte approuvé."
    result = cli("tm", "prune", "--dry-run", "--workdir", work)
    assert result.exit_code == 0 and seg.id in result.output and "1 row(s) would be removed" in result.output
    with TranslationMemory.open(work / "memory.sqlite") as tm:
        assert tm.exact(seg.source) is not None
    result = cli("tm", "prune", "--workdir", work)
    assert result.exit_code == 0 and "1 row(s) removed" in result.output, result.output
    with TranslationMemory.open(work / "memory.sqlite") as tm:
        assert tm.exact(seg.source) is None


# ---------------------------------------------------------------------------------------------
# Slugs are identities.

def test_another_source_with_the_same_slug_is_refused(case, tmp_path, engine):
    from translate.pipeline.workflow import run_articles

    work, src, pair = case
    before = pair.read_bytes()
    other = tmp_path / "elsewhere" / src.name.title()  # Summit.txt in another folder
    other.parent.mkdir()
    other.write_text(ARTICLE.replace("Geneva", "Vienna"), "utf-8")
    report = run_articles([other], engine, work)
    assert report.failed
    error = report.failed[0].error
    assert f"already belongs to {src.resolve()}" in error and "Rename this file" in error
    assert pair.read_bytes() == before
    # The owner itself still runs; within one run, the second of two colliding files is named as such.
    report = run_articles([src, other], engine, work)
    assert report.results[0].ok and not report.results[1].ok
    assert "same slug" in report.results[1].error and "another translate process" not in report.results[1].error


def test_a_moved_source_takes_its_slug_over_with_a_warning(case, tmp_path, engine):
    from translate.pipeline.workflow import run_articles

    work, src, pair = case
    moved = tmp_path / "moved" / src.name
    moved.parent.mkdir()
    shutil.move(src, moved)
    report = run_articles([moved], engine, work)
    assert report.results[0].ok and "moved" in report.results[0].warning
    assert read_pair_file(pair)[0].source_id.endswith(f"moved/{src.name}")


# ---------------------------------------------------------------------------------------------
# Read-only and linked files.

def test_pair_import_refuses_a_read_only_pair_file(case, tmp_path):
    work, src, pair = case
    sid = segments(pair)[1].id
    edit_xliff21(pair, tmp_path / "e.xlf", {sid: ("Texte.", "reviewed")})
    pair.chmod(0o444)
    before = pair.read_bytes()
    result = cli("pair", "import", tmp_path / "e.xlf", "--workdir", work)
    assert result.exit_code == 1 and "read-only" in result.output
    assert pair.read_bytes() == before


def test_a_symlinked_memory_is_never_written_through(case, tmp_path):
    work, src, pair = case
    real = tmp_path / "shared" / "memory.sqlite"
    real.parent.mkdir()
    shutil.move(work / "memory.sqlite", real)
    (work / "memory.sqlite").symlink_to(real)
    before = real.read_bytes()
    sid = segments(pair)[1].id
    edit_xliff21(pair, tmp_path / "e.xlf", {sid: ("Texte.", "final")})
    result = cli("pair", "import", tmp_path / "e.xlf", "--workdir", work)
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert real.read_bytes() == before


def test_publish_by_slug_does_not_follow_a_link_out_of_the_workspace(case, tmp_path):
    work, src, pair = case
    outside = tmp_path / "outside.xlf"
    shutil.move(pair, outside)
    pair.symlink_to(outside)
    result = cli("publish", pair.stem, "--workdir", work, "--out", tmp_path / "fr", "--draft")
    assert result.exit_code == 1 and "outside the workspace" in result.output
    assert not (tmp_path / "fr").exists()


def test_a_draft_never_replaces_the_reviewed_page_even_with_another_index(case, tmp_path):
    work, src, pair = case
    ids = {s.id: (None, "final") for s in segments(pair)}
    edit_xliff21(pair, tmp_path / "all.xlf", ids)
    assert cli("pair", "import", tmp_path / "all.xlf", "--workdir", work).exit_code == 0
    waive_qa(pair, work)
    out = tmp_path / "fr"
    glossary = tmp_path / "glossary.tsv"  # the gate's check, on a term the article lacks
    glossary.write_text("en\tfr\nZzyzx\tZzyzx\n", "utf-8")
    result = cli("publish", pair.stem, "--workdir", work, "--out", out, "--glossary", glossary)
    assert result.exit_code == 0, result.output
    page = out / f"{pair.stem}.html"
    reviewed = page.read_bytes()
    result = cli("publish", pair.stem, "--workdir", work, "--out", out, "--draft", "--index", tmp_path / "other.json",
                 "--glossary", glossary)
    assert result.exit_code == 1 and "never replaces" in result.output
    assert page.read_bytes() == reviewed
