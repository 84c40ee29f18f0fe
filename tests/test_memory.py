"""The translation memory: exact and fuzzy recall, sync from pair files, locked and corrupt files."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from translate.core.article import Article, Block, Segment
from translate.cli import main
from translate.core.errors import MemoryStoreError
from translate.pipeline.memory import Entry, TranslationMemory, recall, tokens
from translate.formats.xliff import write_pair_file


def article(slug: str, rows: list[tuple[str, str | None, str]]) -> Article:
    segs = [Segment(id=f"s{i}", source=src, target=tgt, state=state, origin="human" if tgt else None)
            for i, (src, tgt, state) in enumerate(rows)]
    text = " ".join(s.source for s in segs)
    pos = 0
    for seg in segs:
        seg.start, seg.end = pos, pos + len(seg.source)
        pos = seg.end + 1
    return Article(slug=slug, blocks=[Block(id="u1", kind="paragraph", text=text, segments=segs)])


def test_only_approved_segments_enter_and_sync_replaces_them(tmp_path):
    tm = TranslationMemory.open(tmp_path / "m.sqlite")
    art = article("a", [("The talks were constructive.", "Les pourparlers ont été constructifs.", "final"),
                        ("Police kept them back.", "La police les a retenus.", "reviewed"),
                        ("A draft only.", "Un brouillon.", "translated"),
                        ("No target yet.", None, "initial")])
    assert tm.sync_article(art) == 2
    assert tm.exact("The  talks were constructive. ").target == "Les pourparlers ont été constructifs."
    assert tm.exact("A draft only.") is None
    art.segments[1].state = "translated"  # un-approved: leaves the memory
    art.segments[0].target = "Les discussions ont été constructives."
    tm.sync_article(art)
    assert tm.exact("Police kept them back.") is None
    assert tm.exact("The talks were constructive.").target == "Les discussions ont été constructives."
    assert tm.stats()["entries"] == 1


def test_fuzzy_match_with_score_and_threshold(tmp_path):
    tm = TranslationMemory.open(tmp_path / "m.sqlite")
    tm.add([Entry("The two presidents met for three hours in a villa by the lake.", "Les deux présidents...")])
    near = tm.fuzzy("The two presidents met for four hours in a villa by the lake.")
    assert len(near) == 1 and 75 <= near[0].score < 100
    assert tm.fuzzy("Protesters gathered before the meeting.") == []
    assert tm.fuzzy("The two presidents met for four hours in a villa by the lake.", threshold=99) == []
    assert tm.fuzzy("The two presidents met for three hours in a villa by the lake.") == []  # exact: not fuzzy


words = st.sampled_from("the a president talks met villa lake police two three , . said on in was".split())
sentences = st.lists(words, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(sentences, min_size=1, max_size=25, unique=True), sentences, st.sampled_from([50.0, 75.0, 90.0]))
def test_indexed_fuzzy_search_finds_what_a_full_scan_finds(tmp_path_factory, stored, query, threshold):
    """The token-index pruning is exact: same matches and scores as scoring every entry."""
    from rapidfuzz import fuzz

    tm = TranslationMemory.open(tmp_path_factory.mktemp("m") / "m.sqlite")
    tm.add([Entry(s, f"fr {s}") for s in stored])
    got = sorted(round(m.score, 6) for m in tm.fuzzy(query, threshold=threshold, limit=100))
    full = sorted(round(fuzz.ratio(tokens(query), tokens(s)), 6) for s in stored
                  if s != query and fuzz.ratio(tokens(query), tokens(s)) >= threshold)
    assert got == full


def test_recall_fills_exact_and_offers_fuzzy(tmp_path):
    tm = TranslationMemory.open(tmp_path / "m.sqlite")
    tm.sync_article(article("old", [("Neither side spoke of a breakthrough.", "Aucune percée.", "final")]))
    new = article("new", [("Neither side spoke of a breakthrough.", None, "initial"),
                          ("Neither side spoke of a real breakthrough.", None, "initial"),
                          ("Something else entirely.", None, "initial")])
    assert recall(new.segments, tm) == (1, 1)
    a, b, c = new.segments
    assert (a.target, a.origin, a.state) == ("Aucune percée.", "tm-exact", "translated")
    assert a.candidates[0].similarity == 100.0 and a.candidates[0].origin == "memory:old"
    assert b.target is None and b.candidates[0].kind == "tm" and b.candidates[0].similarity >= 75
    assert c.target is None and not c.candidates


def test_corrupt_memory_is_refused_and_left_alone(tmp_path):
    bad = tmp_path / "memory.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    before = bad.read_bytes()
    with pytest.raises(MemoryStoreError, match="corrupt or not an SQLite database"):
        TranslationMemory.open(bad)
    assert bad.read_bytes() == before
    result = CliRunner().invoke(main, ["tm", "stats", "--memory", str(bad)])
    assert result.exit_code == 1 and "corrupt" in result.output and "Traceback" not in result.output
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).executescript("CREATE TABLE x (y);")
    with pytest.raises(MemoryStoreError, match="not a translation memory"):
        TranslationMemory.open(other)


def test_locked_memory_gives_a_clear_message_and_changes_nothing(tmp_path):
    path = tmp_path / "memory.sqlite"
    TranslationMemory.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(MemoryStoreError, match="locked by another process"):
            tm = TranslationMemory.open(path, timeout=0.1)
            tm.add([Entry("A.", "B.")])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with TranslationMemory.open(path) as tm:
        assert tm.stats()["entries"] == 0


def test_tm_rebuild_from_pair_files_and_tmx_round_trip(tmp_path):
    work = tmp_path / "work"
    write_pair_file(work / "a.xlf", article("a", [("One.", "Un.", "final"), ("Two.", "Deux.", "translated")]))
    write_pair_file(work / "b.xlf", article("b", [("Three.", "Trois.", "reviewed")]))
    run = lambda *a: CliRunner().invoke(main, [*a, "--workdir", str(work)])  # noqa: E731
    result = run("tm", "rebuild")
    assert result.exit_code == 0, result.output
    assert "2 approved segments from 2 pair files" in result.output
    out = tmp_path / "memory.tmx"
    assert run("tm", "export", "-o", str(out)).exit_code == 0
    other = tmp_path / "other.sqlite"
    result = CliRunner().invoke(main, ["tm", "import", str(out), "--memory", str(other)])
    assert result.exit_code == 0, result.output
    assert "2 entries added" in result.output
    again = CliRunner().invoke(main, ["tm", "import", str(out), "--memory", str(other)])
    assert "0 entries added" in again.output and "2 already there" in again.output
    with TranslationMemory.open(other) as tm:
        assert tm.exact("Three.").target == "Trois."
    # A pair file that cannot be read stops the rebuild before the memory is touched.
    (work / "c.xlf").write_text("<xliff", "utf-8")
    before = (work / "memory.sqlite").read_bytes()
    result = run("tm", "rebuild")
    assert result.exit_code == 1 and "c.xlf" in result.output
    assert (work / "memory.sqlite").read_bytes() == before


def test_memory_without_the_token_index_is_upgraded_in_place(tmp_path):
    # A memory written before the fuzzy-match index existed: units only, no tokens/token_df.
    path = tmp_path / "memory.sqlite"
    with TranslationMemory.open(path) as tm:
        tm.add([Entry(source="The talks were quite constructive.", target="Les pourparlers ont été plutôt constructifs.")])
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE tokens; DROP TABLE token_df;")
    conn.close()
    with TranslationMemory.open(path) as tm:
        tm.add([Entry(source="Putin said the talks were useful.", target="Poutine a dit que les pourparlers étaient utiles.")])
        [match] = tm.fuzzy("The talks were quite constructive!", threshold=75)
    assert match.entry.target == "Les pourparlers ont été plutôt constructifs."
