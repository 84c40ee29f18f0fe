"""`translate run` end to end through the real generate on the random-weight test model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli import main
from translate.formats.schemas import validate_xliff21
from translate.ingest.segment import split_sentences
from translate.formats.xliff import read_pair_file
from translate.core.xmlsafe import read_xml_file


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_run_writes_schema_valid_pair_file_covering_every_sentence(test_model_dir, seed_article, workdir):
    result = run_cli("run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", str(workdir), str(seed_article))
    assert result.exit_code == 0, result.output
    pair = workdir / "putin-biden-geneva-summit.xlf"
    assert pair.exists()
    assert "random-weight test model" in result.output
    root = read_xml_file(pair)
    assert validate_xliff21(root) == []
    article, stamp = read_pair_file(pair)
    assert stamp["test-model"] == "yes" and stamp["model-revision"].startswith("sha256:")
    # Every sentence of the article body is a segment source, in order, and every segment has a
    # draft; the scrape's boilerplate (see tests/test_ingest.py) is not.
    text = seed_article.read_text("utf-8")
    from translate.ingest.reader import ingest_file

    dropped = {d.line for d in ingest_file(seed_article).dropped}
    body = "\n".join(line for n, line in enumerate(text.split("\n"), 1) if n not in dropped)
    sources = [seg.source for seg in article.segments]
    assert sources == split_sentences(body)
    assert all(seg.target is not None and seg.state == "translated" and seg.origin == "mt" for seg in article.segments)
    # No character of the body is lost: blocks rebuild the non-space text of the article body.
    rebuilt = "".join(block.text for block in article.blocks)
    assert re.sub(r"\s", "", rebuilt) == re.sub(r"\s", "", body)


def test_rerun_keeps_ids_and_human_targets(test_model_dir, seed_article, workdir):
    args = ("run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", str(workdir), str(seed_article))
    assert run_cli(*args).exit_code == 0
    pair = workdir / "putin-biden-geneva-summit.xlf"
    first, _ = read_pair_file(pair)
    # A translator edits one target as a CAT tool would: new text, state changed, subState dropped.
    data = pair.read_text("utf-8")
    seg = first.segments[7]
    old = f'<segment id="{seg.id}" state="translated" subState="tr:mt">'
    assert old in data
    data = data.replace(old, f'<segment id="{seg.id}" state="reviewed">', 1)
    marker = f'<segment id="{seg.id}" state="reviewed">\n        <source>'
    head, tail = data.split(marker, 1)
    src, rest = tail.split("</source>", 1)
    _, after_target = rest.split("</target>", 1)
    data = head + marker + src + "</source>\n        <target>Texte du traducteur.</target>" + after_target
    pair.write_text(data, "utf-8")

    assert run_cli(*args).exit_code == 0
    second, _ = read_pair_file(pair)
    assert [s.id for s in second.segments] == [s.id for s in first.segments]
    kept = next(s for s in second.segments if s.id == seg.id)
    assert (kept.target, kept.state, kept.origin) == ("Texte du traducteur.", "reviewed", "human")


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "empty.txt", b""), "empty"),
        (lambda d: _write(d / "blank.txt", b"  \n\n \t\n"), "empty"),
        (lambda d: _write(d / "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "binary"),
        (lambda d: _write(d / "latin1.txt", "Caf\xe9 society.\n".encode("latin-1")), "not valid UTF-8"),
    ],
)
def test_bad_articles_get_one_clear_line_and_no_pair_file(test_model_dir, tmp_path, workdir, make, expected):
    target = make(tmp_path)
    result = run_cli("run", "--model", str(test_model_dir), "--workdir", str(workdir), str(target))
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not list(workdir.glob("*.xlf")) if workdir.exists() else True
    assert not list(workdir.glob("*.tmp")) if workdir.exists() else True


def test_model_folder_that_is_not_marian(tmp_path, seed_article, workdir):
    folder = tmp_path / "bert"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "bert"}')
    result = run_cli("run", "--model", str(folder), "--workdir", str(workdir), str(seed_article))
    assert result.exit_code == 3
    assert "not 'marian'" in result.output
    assert "Traceback" not in result.output


def test_missing_model_folder(tmp_path, seed_article, workdir):
    result = run_cli("run", "--model", str(tmp_path / "nope"), "--workdir", str(workdir), str(seed_article))
    assert result.exit_code == 3
    assert "no such folder" in result.output


def test_default_model_offline_gives_clear_message(seed_article, workdir, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty cache
    result = run_cli("run", "--workdir", str(workdir), str(seed_article))
    assert result.exit_code == 3
    assert "Helsinki-NLP/opus-mt-en-fr" in result.output
    assert "--model" in result.output and "Traceback" not in result.output
    assert not workdir.exists() or not list(workdir.iterdir())


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


class _SavesInPlaceDuringMT:
    """Test double around the real test engine: while MT runs, a CAT tool saves a post-edit into
    the pair file in place (outside our lock). Everything else is the real engine."""

    def __init__(self, engine, pair, edit):
        self.engine, self.pair, self.edit = engine, pair, edit

    def stamp(self):
        return self.engine.stamp()

    def translate(self, texts, **kwargs):
        self.edit(self.pair)
        return self.engine.translate(texts, **kwargs)


def test_post_edit_saved_in_place_during_a_run_is_kept(engine, seed_article, workdir):
    from translate.pipeline.workflow import run_articles
    from translate.formats.xliff import write_pair_file

    assert not run_articles([seed_article], engine, workdir).failed
    pair = workdir / "putin-biden-geneva-summit.xlf"
    target_id = read_pair_file(pair)[0].segments[3].id

    def cat_tool_saves(path):
        article, stamp = read_pair_file(path)
        seg = next(s for s in article.segments if s.id == target_id)
        seg.target, seg.state, seg.origin = "Révisé pendant la traduction.", "reviewed", "human"
        write_pair_file(path, article, stamp)

    # A new paragraph, so that the re-run has something to send to MT.
    # (Inside the body: what follows the page's comment form is left out as boilerplate.)
    body_end = "Putin concludes his remarks.\n"
    text = seed_article.read_text("utf-8")
    assert body_end in text
    seed_article.write_text(text.replace(body_end, body_end + "\nA new paragraph was added at noon.\n", 1), "utf-8")
    report = run_articles([seed_article], _SavesInPlaceDuringMT(engine, pair, cat_tool_saves), workdir)
    assert not report.failed
    after, _ = read_pair_file(pair)
    kept = next(s for s in after.segments if s.id == target_id)
    assert (kept.target, kept.state, kept.origin) == ("Révisé pendant la traduction.", "reviewed", "human")
    assert any(s.source == "A new paragraph was added at noon." and s.target is not None for s in after.segments)
