"""The whole post-editing loop on real files: run, CAT-tool edits, import, re-run with a changed
paragraph, memory reuse on a second article, tampered imports refused. MT is the random-weight
test model through the real generate: its French is arbitrary, and nothing here depends on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cattool import edit_xliff12, edit_xliff21
from translate.cli.group import main
from translate.formats.schemas import validate_xliff21
from translate.formats.xliff import read_pair_file
from translate.core.xmlsafe import read_xml_file

ARTICLE = """Geneva summit ends with a handshake

The two presidents met for three hours in a lakeside villa. They agreed to return their ambassadors to their posts. Talks on cybersecurity will start next month.

Neither side spoke of a breakthrough. The Russian leader called the talks constructive. The American president was more cautious.

Protesters gathered near the villa before the meeting. Police kept them behind barriers.
"""


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def drafted_once(tmp_path_factory, engine):
    """The article's pair file with MT drafts, made once (library call, session engine)."""
    from translate.pipeline.workflow import run_articles

    base = tmp_path_factory.mktemp("drafted")
    src = base / "geneva-summit.txt"
    src.write_text(ARTICLE, "utf-8")
    report = run_articles([src], engine, base / "work")
    assert not report.failed
    return base / "work"


@pytest.fixture
def drafted(drafted_once, tmp_path) -> Path:
    import shutil

    work = tmp_path / "work"
    shutil.copytree(drafted_once, work)
    return work


def by_source(article):
    return {seg.source: seg for seg in article.segments}


def test_human_work_survives_import_and_rerun_with_changed_paragraph(drafted, tmp_path, test_model_dir):
    work = drafted
    src = tmp_path / "en" / "geneva-summit.txt"
    src.parent.mkdir()
    src.write_text(ARTICLE, "utf-8")
    pair = work / "geneva-summit.xlf"
    first, _ = read_pair_file(pair)
    segs = first.segments
    assert all(s.origin == "mt" and s.state == "translated" for s in segs)

    # The translator's CAT tool: 5 targets rewritten, one MT draft confirmed as is, states set.
    edits = {
        segs[0].id: ("Le sommet de Genève se termine par une poignée de main", "final"),
        segs[1].id: ("Les deux présidents se sont rencontrés trois heures dans une villa au bord du lac.", "reviewed"),
        segs[2].id: ("Ils sont convenus de renvoyer leurs ambassadeurs à leur poste.", "reviewed"),
        segs[3].id: ("Les pourparlers sur la cybersécurité commenceront le mois prochain.", "translated"),
        segs[5].id: ("Le dirigeant russe a qualifié les pourparlers de constructifs.", "reviewed"),
        segs[6].id: (None, "reviewed"),  # confirmed without a change
    }
    edited = tmp_path / "from-cat-tool.xlf"
    edit_xliff21(pair, edited, edits)
    result = cli("pair", "import", edited, "--workdir", work, "--by", "editor-a")
    assert result.exit_code == 0, result.output
    assert "5 targets changed" in result.output
    imported, _ = read_pair_file(pair, validate=True)
    got = {s.id: s for s in imported.segments}
    for sid, (text, state) in edits.items():
        assert got[sid].state == state
        if text is not None:
            assert got[sid].target == text and got[sid].origin == "human"
    assert got[segs[0].id].approved_by == "editor-a" and got[segs[0].id].approved_at
    assert got[segs[6].id].origin == "mt"  # confirmed MT stays MT: HTER 0
    assert got[segs[1].id].mt == segs[1].mt  # the draft survives post-editing for the review diff

    # The English article changes: one sentence rewritten, one added, one paragraph untouched.
    changed = ARTICLE.replace("They agreed to return their ambassadors to their posts.",
                              "They agreed to send their ambassadors back to their posts.")
    changed = changed.replace("Police kept them behind barriers.", "Police kept them behind barriers. Nobody was hurt.")
    src.write_text(changed, "utf-8")
    before = pair.read_bytes()
    result = cli("run", "--model", test_model_dir, "--beam-size", "1", "--workdir", work, src)
    assert result.exit_code == 0, result.output
    after, _ = read_pair_file(pair, validate=True)
    assert pair.read_bytes() != before
    now = by_source(after)
    # Every human target of an unchanged sentence is kept, with its state and approval.
    for sid, (text, state) in edits.items():
        old = got[sid]
        if old.source == "They agreed to return their ambassadors to their posts.":
            continue
        seg = now[old.source]
        assert (seg.id, seg.target, seg.state, seg.origin) == (old.id, old.target, old.state, old.origin)
        assert (seg.approved_by, seg.approved_at) == (old.approved_by, old.approved_at)
    # The changed sentence: a fresh MT draft; the earlier human text kept as note and candidate.
    fresh = now["They agreed to send their ambassadors back to their posts."]
    assert fresh.origin == "mt" and fresh.state == "translated" and fresh.target == fresh.mt
    assert any("Ils sont convenus de renvoyer leurs ambassadeurs" in n for n in fresh.notes)
    previous = [c for c in fresh.candidates if c.kind == "previous"]
    assert previous and previous[0].target == "Ils sont convenus de renvoyer leurs ambassadeurs à leur poste."
    assert now["Nobody was hurt."].origin == "mt"
    # The pair file is valid XLIFF 2.1 with the candidate as an mtc:match.
    assert validate_xliff21(read_xml_file(pair)) == []
    assert b'subType="tr:previous"' in pair.read_bytes()


def test_second_article_gets_memory_matches(drafted, tmp_path, engine):
    from translate.pipeline.workflow import run_articles

    work = drafted
    pair = work / "geneva-summit.xlf"
    segs = read_pair_file(pair)[0].segments
    approved = {
        segs[1].id: ("Les deux présidents se sont rencontrés trois heures dans une villa au bord du lac.", "final"),
        segs[4].id: ("Aucune des parties n'a parlé de percée.", "reviewed"),
        segs[7].id: ("Des manifestants se sont rassemblés près de la villa avant la réunion.", "reviewed"),
        segs[2].id: ("Ils sont convenus de renvoyer leurs ambassadeurs.", "translated"),  # not approved: not in memory
    }
    edited = tmp_path / "edited.xlf"
    edit_xliff21(pair, edited, approved)
    assert cli("pair", "import", edited, "--workdir", work).exit_code == 0
    stats = cli("tm", "stats", "--workdir", work)
    assert stats.exit_code == 0 and "entries" in stats.output

    other = tmp_path / "geneva-follow-up.txt"
    other.write_text(
        "Neither side spoke of a breakthrough. They agreed to return their ambassadors to their posts.\n\n"
        "Protesters gathered near the villa before the second meeting.\n", "utf-8")
    report = run_articles([other], engine, work)
    assert not report.failed and (report.results[0].tm_exact, report.results[0].tm_fuzzy) == (1, 1)
    second = by_source(read_pair_file(work / "geneva-follow-up.xlf", validate=True)[0])
    exact = second["Neither side spoke of a breakthrough."]
    assert (exact.target, exact.origin, exact.state) == ("Aucune des parties n'a parlé de percée.", "tm-exact", "translated")
    assert exact.mt is None  # no MT run for it
    # Unapproved work is not reused.
    assert second["They agreed to return their ambassadors to their posts."].origin == "mt"
    fuzzy = second["Protesters gathered near the villa before the second meeting."]
    assert fuzzy.origin == "mt"
    cands = [c for c in fuzzy.candidates if c.kind == "tm"]
    assert cands and cands[0].target == "Des manifestants se sont rassemblés près de la villa avant la réunion."
    assert 75 <= cands[0].similarity < 100
    assert b'type="tm"' in (work / "geneva-follow-up.xlf").read_bytes()


def test_xliff12_round_trip_through_a_cat_tool(drafted, tmp_path):
    work = drafted
    out = tmp_path / "geneva.xlf12"
    result = cli("pair", "export", "geneva-summit", "--format", "xliff12", "-o", out, "--workdir", work)
    assert result.exit_code == 0, result.output
    segs = read_pair_file(work / "geneva-summit.xlf")[0].segments
    edited = tmp_path / "back.xlf"
    edit_xliff12(out, edited, {segs[0].id: ("Fin du sommet de Genève", "signed-off"), segs[1].id: (None, "final")})
    result = cli("pair", "import", edited, "--workdir", work)
    assert result.exit_code == 0, result.output
    got = {s.id: s for s in read_pair_file(work / "geneva-summit.xlf")[0].segments}
    assert (got[segs[0].id].target, got[segs[0].id].state, got[segs[0].id].origin) == ("Fin du sommet de Genève", "reviewed", "human")
    assert got[segs[1].id].state == "final" and got[segs[1].id].origin == "mt" and got[segs[1].id].approved_by


def _snapshot(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.is_file() and not p.name.endswith(".lock")}


@pytest.mark.parametrize("tamper, expected", [
    ("source", "source text altered in unit(s) {sid}"),
    ("missing", "unit(s) missing from the file: {sid}"),
    ("foreign", "unit(s) not in the article: s000000000000"),
    ("other-article", "belongs to article 'another-article'"),
    ("empty-final", "empty target marked reviewed/final in unit(s) {sid}"),
    ("wrong-language", "not French"),
    ("duplicate", "duplicate or missing unit ids: {sid}"),
])
def test_tampered_import_is_refused_and_changes_nothing(drafted, tmp_path, tamper, expected):
    from lxml import etree

    work = drafted
    pair = work / "geneva-summit.xlf"
    segs = read_pair_file(pair)[0].segments
    sid = segs[2].id
    edited = tmp_path / "tampered.xlf"
    # A legitimate edit too: a refused file must not apply it.
    edit_xliff21(pair, edited, {segs[0].id: ("Texte humain", "reviewed")})
    tree = etree.parse(str(edited))
    root = tree.getroot()
    x = "{urn:oasis:names:tc:xliff:document:2.0}"
    seg_el = next(e for e in root.iter(f"{x}segment") if e.get("id") == sid)
    if tamper == "source":
        seg_el.find(f"{x}source").text = "Someone rewrote the English."
    elif tamper == "missing":
        seg_el.getparent().remove(seg_el)
    elif tamper == "foreign":
        seg_el.set("id", "s000000000000")
        expected = "unit(s) not in the article: s000000000000"
    elif tamper == "other-article":
        for meta in root.iter("{urn:oasis:names:tc:xliff:metadata:2.0}meta"):
            if meta.get("type") == "slug":
                meta.text = "another-article"
        (work / "another-article.xlf").write_bytes(pair.read_bytes().replace(b">geneva-summit<", b">another-article<"))
        tree.write(str(edited), xml_declaration=True, encoding="UTF-8")
        before = _snapshot(work)
        result = cli("pair", "import", edited, "--workdir", work, "--article", "geneva-summit")
        assert result.exit_code == 1 and "belongs to article 'another-article'" in result.output
        assert _snapshot(work) == before
        return
    elif tamper == "empty-final":
        seg_el.set("state", "final")
        seg_el.find(f"{x}target").text = ""
    elif tamper == "wrong-language":
        root.set("trgLang", "de")
    elif tamper == "duplicate":
        seg_el.addnext(etree.fromstring(etree.tostring(seg_el)))
        # A CAT tool bug: the copy sits in the same unit, so the schema's own uniqueness may fire first.
    tree.write(str(edited), xml_declaration=True, encoding="UTF-8")
    before = _snapshot(work)
    result = cli("pair", "import", edited, "--workdir", work)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    if tamper == "duplicate":
        assert sid in result.output
    else:
        assert expected.format(sid=sid) in result.output, result.output
    assert _snapshot(work) == before


def test_interrupted_import_leaves_the_previous_pair_file(drafted, tmp_path, monkeypatch):
    import os

    from translate.formats.exchange import import_pair_file

    pair = drafted / "geneva-summit.xlf"
    segs = read_pair_file(pair)[0].segments
    edited = tmp_path / "edited.xlf"
    edit_xliff21(pair, edited, {segs[0].id: ("Texte humain", "reviewed")})
    before = pair.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # killed between writing the new file and renaming it
    with pytest.raises(KeyboardInterrupt):
        import_pair_file(edited, drafted)
    monkeypatch.undo()
    assert pair.read_bytes() == before
    assert not list(drafted.glob(".*.tmp"))


def test_a_run_on_a_locked_article_is_refused(drafted, tmp_path, engine):
    from translate.pipeline.article_lock import article_lock
    from translate.pipeline.workflow import run_articles

    src = tmp_path / "geneva-summit.txt"
    src.write_text(ARTICLE, "utf-8")
    before = (drafted / "geneva-summit.xlf").read_bytes()
    with article_lock(drafted, "geneva-summit"):
        report = run_articles([src], engine, drafted)
    assert report.failed and "another translate process is working on 'geneva-summit'" in report.failed[0].error
    assert (drafted / "geneva-summit.xlf").read_bytes() == before
