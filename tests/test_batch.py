"""`translate batch`: pooled runs over folders, resume, failures named, clean stops.

End to end through the real generate on the random-weight test model (greedy, to stay quick).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.pipeline.batch import discover, run_batch, up_to_date
from translate.cli.group import main
from translate.pipeline.workflow import settings_stamp
from translate.formats.xliff import read_pair_file

ARTICLES = {
    "alpha.txt": "Putin met Biden in Geneva. The talks were constructive.\n\nOfficials said so on Wednesday.\n",
    "beta.md": "The minister resigned on Monday. Her party was surprised.\n",
    "sub/gamma.txt": "Markets fell sharply. Analysts blamed the central bank.\n\nPutin met Biden in Geneva.\n",
}


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "en"
    for name, text in ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    (root / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00 not an article")
    (root / ".hidden.txt").write_text("Never read.", "utf-8")
    (root / "notes.json").write_text("{}", "utf-8")
    return root


def batch(model_dir: Path, workdir: Path, *inputs: Path, extra: tuple[str, ...] = ()):
    args = ["batch", "--model", str(model_dir), "--beam-size", "1", "--workdir", str(workdir), *extra,
            *map(str, inputs)]
    return CliRunner().invoke(main, args)


def test_discover_walks_folders_and_keeps_explicit_files(corpus, tmp_path):
    found = list(discover([corpus, tmp_path / "missing.txt"]))
    names = [p.relative_to(corpus).as_posix() if p.is_relative_to(corpus) else p.name for p in found]
    assert names == ["alpha.txt", "beta.md", "broken.txt", "sub/gamma.txt", "missing.txt"]


def test_batch_over_folder_with_a_broken_file(test_model_dir, corpus, workdir):
    result = batch(test_model_dir, workdir, corpus)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    # The broken article is named with its reason; the others are all done.
    assert "broken.txt" in result.output and "binary" in result.output
    assert "3 done, 0 skipped (up to date), 1 failed, of 4" in result.output
    assert "model load" in result.output
    assert sorted(p.name for p in workdir.glob("*.xlf")) == ["alpha.xlf", "beta.xlf", "gamma.xlf"]
    for pair in workdir.glob("*.xlf"):
        article, stamp = read_pair_file(pair, validate=True)
        assert all(seg.target is not None and seg.origin == "mt" for seg in article.segments)
        assert stamp["test-model"] == "yes"
    assert not list(workdir.glob("*.tmp")) and not list(workdir.glob(".*.tmp"))


def test_rerun_skips_finished_and_redoes_changed_source(test_model_dir, corpus, workdir):
    (corpus / "broken.txt").unlink()
    assert batch(test_model_dir, workdir, corpus).exit_code == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in workdir.glob("*.xlf")}

    again = batch(test_model_dir, workdir, corpus)
    assert again.exit_code == 0, again.output
    assert "0 done, 3 skipped (up to date), 0 failed" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in workdir.glob("*.xlf")} == stamps

    (corpus / "beta.md").write_text("The minister resigned on Monday. Nobody was surprised.\n", "utf-8")
    third = batch(test_model_dir, workdir, corpus)
    assert third.exit_code == 0, third.output
    assert "1 done, 2 skipped (up to date), 0 failed" in third.output
    # The unchanged sentence kept its draft; only the new one went through MT.
    assert "1 by MT" in third.output and "1 kept" in third.output
    beta, _ = read_pair_file(workdir / "beta.xlf")
    assert [s.source for s in beta.segments] == ["The minister resigned on Monday.", "Nobody was surprised."]



def test_up_to_date_needs_same_source_and_stamp(engine, corpus, workdir):
    path = corpus / "alpha.txt"
    stamp = settings_stamp(engine.stamp())
    assert up_to_date(path, workdir, stamp) == (False, 3)
    run_batch([path], engine, workdir)
    assert up_to_date(path, workdir, stamp)[0]
    assert not up_to_date(path, workdir, {**stamp, "beam-size": "9"})[0]
    path.write_text(path.read_text("utf-8") + "\nA new paragraph.\n", "utf-8")
    assert not up_to_date(path, workdir, stamp)[0]


def test_stop_between_batches_leaves_complete_files_and_resumes(engine, corpus, workdir):
    (corpus / "broken.txt").unlink()
    calls = {"n": 0}

    def stop_after_first_chunk() -> bool:
        calls["n"] += 1
        return bool(list(workdir.glob("*.xlf")))  # once one chunk is written, ask to stop

    summary = run_batch([corpus], engine, workdir, should_stop=stop_after_first_chunk, chunk_articles=1)
    assert summary.interrupted and summary.exit_code == 130
    written = sorted(p.name for p in workdir.glob("*.xlf"))
    assert written == ["alpha.xlf"]
    read_pair_file(workdir / "alpha.xlf", validate=True)  # complete, valid
    assert engine.on_batch is None and engine.should_stop is None  # hooks removed

    resumed = run_batch([corpus], engine, workdir)
    assert not resumed.interrupted
    assert (resumed.done, resumed.skipped) == (2, 1)


def test_chunks_bound_the_pool_and_results_route_back(engine, corpus, workdir):
    (corpus / "broken.txt").unlink()
    seen: list[int] = []
    original = engine.translate

    def spy(texts, **kwargs):
        seen.append(len(texts))
        return original(texts, **kwargs)

    engine.translate = spy
    try:
        summary = run_batch([corpus], engine, workdir, chunk_segments=3)
    finally:
        del engine.translate
    assert summary.done == 3 and seen == [3, 5]  # alpha alone, then beta + gamma
    gamma, _ = read_pair_file(workdir / "gamma.xlf")
    alpha, _ = read_pair_file(workdir / "alpha.xlf")
    # The same sentence in two articles gets the same draft, whichever chunk it was in.
    shared = "Putin met Biden in Geneva."
    assert {s.target for s in gamma.segments if s.source == shared} == {s.target for s in alpha.segments if s.source == shared}


def test_same_slug_twice_is_refused_not_overwritten(test_model_dir, tmp_path, workdir):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("First story here.\n", "utf-8")
    (tmp_path / "b" / "story.txt").write_text("Second story here.\n", "utf-8")
    result = batch(test_model_dir, workdir, tmp_path / "a", tmp_path / "b")
    assert result.exit_code == 1
    assert "same slug 'story'" in result.output and "Rename one" in result.output
    article, _ = read_pair_file(workdir / "story.xlf")
    assert article.segments[0].source == "First story here."


def test_missing_input_is_named(test_model_dir, tmp_path, workdir):
    result = batch(test_model_dir, workdir, tmp_path / "nope.txt")
    assert result.exit_code == 1
    assert "nope.txt" in result.output and "no such file" in result.output


def test_unknown_backend_is_a_clear_error(test_model_dir, corpus, workdir):
    result = batch(test_model_dir, workdir, corpus, extra=("--backend", "marian-cpp"))
    assert result.exit_code == 3
    assert "unknown backend" in result.output and "ctranslate2" in result.output


def test_memory_matches_leave_the_mt_pool(engine, corpus, workdir):
    """Segments the translation memory fills exactly are not sent to MT, and are counted."""
    from translate.pipeline.memory import Entry, open_run_memory

    (corpus / "broken.txt").unlink()
    tm = open_run_memory(None, workdir)
    try:
        tm.add([Entry(source="Putin met Biden in Geneva.", target="Poutine a rencontré Biden à Genève.", origin="import")])
    finally:
        tm.close()
    sent: list[str] = []
    original = engine.translate

    def spy(texts, **kwargs):
        sent.extend(texts)
        return original(texts, **kwargs)

    engine.translate = spy
    try:
        summary = run_batch([corpus], engine, workdir)
    finally:
        del engine.translate
    assert "Putin met Biden in Geneva." not in sent
    assert summary.segments_memory == 2  # once in alpha, once in gamma
    assert summary.segments_mt == summary.segments - 2 == len(sent)
    gamma, _ = read_pair_file(workdir / "gamma.xlf")
    assert "Poutine a rencontré Biden à Genève." in [s.target for s in gamma.segments]


def test_batch_with_no_existing_input_fails_before_loading_the_model(tmp_path):
    from click.testing import CliRunner

    from translate.cli.group import main

    # No --model: were the model loaded first, this would fail on the unreachable hub instead.
    result = CliRunner().invoke(main, ["batch", "--workdir", str(tmp_path / "w"), str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output and "Traceback" not in result.output
