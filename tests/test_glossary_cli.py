"""`translate glossary check|suggest|import|export` through the CLI, and TBX round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from translate.cli import main
from translate.core.errors import InputError
from translate.glossary.entries import GlossaryEntry, load_glossary
from translate.ingest.reader import ingest_file
from translate.mt.termlock import substitute
from translate.glossary.tbx import entries_to_tbx, tbx_to_entries
from translate.formats.xliff import write_pair_file
from translate.core.xmlsafe import parse_xml

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "glossary-corpus"
GLOSSARY = DATA / "glossary.tsv"


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def pair_dir(tmp_path) -> Path:
    """Pair files whose targets carry every locked form (written without MT: this tests the check,
    not the translation; the French is the source with the terms substituted)."""
    glossary = load_glossary(GLOSSARY)
    work = tmp_path / "work"
    for path in sorted((DATA / "en").iterdir()):
        article = ingest_file(path)
        for seg in article.segments:
            seg.target = seg.mt = substitute(seg.source, glossary.find(seg.source))
            seg.state, seg.origin = "translated", "mt"
        write_pair_file(work / f"{article.slug}.xlf", article, {"tool": "translate"})
    return work


def test_check_passes_on_clean_pair_files(pair_dir):
    result = cli("glossary", "check", "--glossary", str(GLOSSARY), "--workdir", str(pair_dir))
    assert result.exit_code == 0, result.output
    assert "term accuracy 100.0%" in result.output and "0 violation(s)" in result.output


def plant(pair_dir: Path, slug: str, old: str, new: str) -> Path:
    path = pair_dir / f"{slug}.xlf"
    text = path.read_text("utf-8")
    head, sep, tail = text.partition("<target>")
    # Only in a <segment>'s target (after the mtc:match drafts): find the last occurrence.
    idx = text.rfind(old)
    assert idx != -1
    path.write_text(text[:idx] + new + text[idx + len(old):], "utf-8")
    return path


def test_planted_violation_fails_with_file_segment_and_term(pair_dir):
    path = plant(pair_dir, "beijing-visit", "Moscou", "Moskva")
    result = cli("glossary", "check", "--glossary", str(GLOSSARY), "--workdir", str(pair_dir))
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "must be translated" in ln]
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:") and "'Moscow' must be translated as 'Moscou'" in lines[0]
    article = ingest_file(DATA / "en" / "beijing-visit.txt")
    seg = next(s for s in article.segments if "Moscow" in s.source)
    assert f"segment {seg.id}" in lines[0]
    # The post-edit is what counts: the machine draft still has "Moscou" and does not save it.
    assert "1 violation(s)" in result.output and "term accuracy" in result.output


def test_formats_json_junit_github(pair_dir):
    plant(pair_dir, "kyiv-talks", "Bruxelles", "Brussels")
    base = ("glossary", "check", "--glossary", str(GLOSSARY), "--workdir", str(pair_dir))
    result = cli(*base, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["violations"][0]["expected"] == "Bruxelles" and data["violations"][0]["file"].endswith("kyiv-talks.xlf")
    assert data["terms"] > 30 and data["term_accuracy"] < 1.0
    result = cli(*base, "--format", "junit")
    root = parse_xml(result.stdout.encode(), "junit")
    assert root.tag == "testsuites" and root.get("failures") == "1"
    failure = root.find(".//failure")
    assert "Bruxelles" in failure.text
    result = cli(*base, "--format", "github")
    assert "::error file=" in result.stdout and "kyiv-talks.xlf,line=" in result.stdout


def test_strict_fails_on_uncovered_entities(pair_dir, tmp_path):
    small = tmp_path / "small.tsv"
    small.write_text("en\tfr\nGeneva\tGenève\n", "utf-8")
    base = ("glossary", "check", "--glossary", str(small), "--workdir", str(pair_dir))
    assert cli(*base).exit_code == 0
    result = cli(*base, "--strict")
    assert result.exit_code == 1 and "uncovered entity 'Xi Jinping'" in result.output


@pytest.mark.parametrize("args, message", [
    (("--glossary", "nope.tsv"), "no such glossary"),
    (("--workdir", "nope-dir"), "no such folder of pair files"),
    (("--format", "yaml"), "Invalid value"),
])
def test_check_usage_errors_exit_2(pair_dir, tmp_path, args, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    defaults = {"--glossary": str(GLOSSARY), "--workdir": str(pair_dir)}
    given_opts = dict(zip(args[::2], args[1::2]))
    merged = {**defaults, **given_opts}
    result = cli("glossary", "check", *[x for kv in merged.items() for x in kv])
    assert result.exit_code == 2 and message in result.output


def test_check_reports_an_unreadable_pair_file(pair_dir):
    (pair_dir / "broken.xlf").write_text("<xliff", "utf-8")
    result = cli("glossary", "check", "--glossary", str(GLOSSARY), "--workdir", str(pair_dir))
    assert result.exit_code == 1 and "broken.xlf" in result.output and "not well-formed" in result.output


def test_repository_corpus_passes_the_check(monkeypatch):
    """What `make test` runs after pytest: the committed pair files against glossary/."""
    monkeypatch.chdir(REPO)
    result = cli("glossary", "check", "--glossary", "glossary", "--workdir", "corpus/work")
    assert result.exit_code == 0, result.output


def test_suggest_lists_uncovered_entities_as_tsv(tmp_path):
    small = tmp_path / "small.tsv"
    small.write_text("en\tfr\nVladimir Putin\tVladimir Poutine\nPutin\tPoutine\n", "utf-8")
    result = cli("glossary", "suggest", "--glossary", str(small), "--ner", "heuristic", str(DATA / "en"))
    assert result.exit_code == 0, result.output
    rows = [ln.split("\t") for ln in result.stdout.splitlines() if ln and not ln.startswith("#")]
    assert rows[0] == ["en", "fr", "type", "note"]
    names = {r[0]: r for r in rows[1:]}
    assert {"Xi Jinping", "Kremlin", "Sergei Lavrov", "NATO", "DarkSide", "Colonial Pipeline"} <= set(names)
    assert "Putin" not in names and "Vladimir Putin" not in names  # covered
    assert names["DarkSide"][1:3] == ["DarkSide", "dnt"] and names["NATO"][2] == "org"
    assert "# 2x:" in result.stdout  # counts and contexts


def test_suggest_with_spacy_requires_it(tmp_path):
    from translate.glossary.entities import spacy_available

    result = cli("glossary", "suggest", "--ner", "spacy", str(DATA / "en"))
    if spacy_available():
        assert result.exit_code == 0
    else:
        assert result.exit_code == 1 and 'pip install -e ".[ner]"' in result.output


# ---------------------------------------------------------------------------- TBX
def test_export_then_import_keeps_every_entry(tmp_path):
    out = tmp_path / "g.tbx"
    assert cli("glossary", "export", "--glossary", str(REPO / "glossary"), "-o", str(out)).exit_code == 0
    tsv = tmp_path / "back" / "imported.tsv"
    result = cli("glossary", "import", str(out), "-o", str(tsv), "--glossary", str(tmp_path / "none"))
    assert result.exit_code == 0, result.output
    before, after = load_glossary(REPO / "glossary"), load_glossary(tsv)
    assert after.sha256 == before.sha256 and len(after) == len(before)


_term = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"), blacklist_characters="|;="),
                min_size=1, max_size=10).filter(lambda s: any(c.isalnum() for c in s))


@st.composite
def tbx_entries(draw):
    import unicodedata

    out, seen = [], set()
    for _ in range(draw(st.integers(1, 5))):
        en = unicodedata.normalize("NFC", draw(_term))
        kind = draw(st.sampled_from(["person", "org", "place", "dnt", "term", "title"]))
        fr = en if kind == "dnt" else unicodedata.normalize("NFC", draw(_term))
        variants = tuple(unicodedata.normalize("NFC", v) for v in draw(st.lists(_term, max_size=2)))
        keys = {k.casefold() for k in (en, *variants)}
        if keys & seen or len(keys) != 1 + len(variants):
            continue
        seen |= keys
        out.append(GlossaryEntry(en=en, fr=fr, type=kind, note=draw(st.sampled_from(["", "note é"])),
                                 case=draw(st.sampled_from(["auto", "exact", "ignore"])), variants=variants,
                                 plural=draw(st.sampled_from([None, True, False]))))
    return out


@settings(max_examples=40, deadline=None)
@given(tbx_entries())
def test_tbx_round_trip(entries):
    assume(entries)
    back = tbx_to_entries(parse_xml(entries_to_tbx(entries), "rt.tbx"), "rt.tbx")
    key = lambda e: (e.en, e.fr, e.type, e.note, e.case, e.variants, e.plural, e.fr_plural)  # noqa: E731
    assert [key(e) for e in back] == [key(e) for e in entries]


TBX_V2 = """<?xml version="1.0"?>
<martif type="TBX-Basic" xml:lang="en-US"><text><body>
<termEntry id="c1"><descrip type="subjectField">place</descrip>
 <langSet xml:lang="en-US"><tig><term>Geneva</term></tig></langSet>
 <langSet xml:lang="fr-FR"><tig><term>Genève</term></tig></langSet></termEntry>
</body></text></martif>"""


def test_tbx_v2_martif_import(tmp_path):
    path = tmp_path / "old.tbx"
    path.write_text(TBX_V2, "utf-8")
    [entry] = load_glossary(path).entries
    assert (entry.en, entry.fr, entry.type) == ("Geneva", "Genève", "place")


@pytest.mark.parametrize("text, message", [
    ("<tbx><text><body><conceptEntry>", "not well-formed"),
    ('<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]><tbx>&x;</tbx>', "entities"),
    ("<html/>", "not a TBX file"),
    ('<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body><conceptEntry id="a">'
     '<langSec xml:lang="en"><termSec><term>Geneva</term></termSec></langSec></conceptEntry></body></text></tbx>',
     "has no French term"),
])
def test_bad_tbx_is_refused_and_nothing_is_written(tmp_path, text, message):
    path = tmp_path / "bad.tbx"
    path.write_text(text, "utf-8")
    out = tmp_path / "out.tsv"
    result = cli("glossary", "import", str(path), "-o", str(out), "--glossary", str(tmp_path / "none"))
    assert result.exit_code == 1 and message in result.output and "bad.tbx" in result.output
    assert "Traceback" not in result.output and not out.exists()
    with pytest.raises(InputError):
        load_glossary(path)


def test_import_conflicting_with_the_glossary_writes_nothing(tmp_path):
    tbx = tmp_path / "g.tbx"
    tbx.write_bytes(entries_to_tbx([GlossaryEntry(en="Geneva", fr="Genf", type="place")]))
    out = tmp_path / "glossary" / "imported.tsv"
    result = cli("glossary", "import", str(tbx), "-o", str(out), "--glossary", str(REPO / "glossary"))
    assert result.exit_code == 1 and "conflicting" in result.output and "Genève" in result.output
    assert not out.exists()
    assert cli("glossary", "import", str(tbx), "-o", str(GLOSSARY)).exit_code == 1  # exists: needs --force
