"""The hand-off to translators: files every CAT tool reads and writes back.

Pair files exported for CAT tools (XLIFF 2.1 and 1.2), edited as a tool does, then saved the way
CAT tools and XML libraries save them (tests/catwriters.py: other prefixes, attribute order, CRLF,
BOM, character references, UTF-16, CDATA, comments...): `pair import` keeps every edit and touches
nothing else. Also: namespaces declared where strict readers look for them, a tool's own x- states,
target languages, no machine path in anything that leaves the workspace, file modes.

MT is the random-weight test model through the real generate, with the repository's glossary: its
French is arbitrary and nothing here depends on it.
"""

from __future__ import annotations

import copy
import os
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

import catwriters
from catwriters import WRITERS, X2, X12
from translate.core.errors import PairFileError
from translate.formats.exchange import export_article, import_pair_file
from translate.formats.xliff import read_pair_file
from handoffkit import ARTICLES, CODES, REPO, SEED, TRICKY, cat_edit, cli, exported, import_and_compare, some_edits


CASES = [(version, writer, slug) for version in ("xliff21", "xliff12") for writer in WRITERS for slug in (SEED, CODES)
         if catwriters.applies(writer, version, has_codes=slug == CODES)]


@pytest.mark.parametrize("version, writer, slug", CASES)
def test_reserialised_file_keeps_every_edit_and_nothing_else(handoff, version, writer, slug):
    states = ["translated", "reviewed", "final"] + (["x-edited-by-vendor", "needs-review-translation"]
                                                    if version == "xliff12" else [])
    edits = some_edits(handoff, slug, TRICKY, states)
    edited, expected = cat_edit(exported(handoff, slug, version), edits)
    data = WRITERS[writer](edited)
    assert data != edited, "the writer changed nothing: it tests nothing"
    import_and_compare(handoff, slug, data, edits, expected)


# Text a translator may type: any character XML 1.0 can carry (no lone CR: XML reads it as LF).
_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\r") | st.sampled_from("\n\t ")
_TEXT = st.text(_CHARS, min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_edit_survives_any_reserialisation(handoff, data):
    version, writer, slug = data.draw(st.sampled_from(CASES), label="case")
    article, _ = read_pair_file(handoff / f"{slug}.xlf")
    ids = [s.id for s in article.segments]
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=5, unique=True), label="segments")
    states = ["translated", "reviewed", "final"] + (["x-edited-by-vendor"] if version == "xliff12" else [])
    edits = {sid: (data.draw(_TEXT, label=f"text {sid}"), data.draw(st.sampled_from(states), label=f"state {sid}"))
             for sid in chosen}
    edited, expected = cat_edit(exported(handoff, slug, version), edits)
    import_and_compare(handoff, slug, WRITERS[writer](edited), edits, expected)


# ---------------------------------------------------------------- namespaces (OpenXLIFF reads them on the root)
def test_every_namespace_is_declared_on_the_root_and_core_is_the_default(handoff):
    for slug in (SEED, CODES):
        data = exported(handoff, slug, "xliff21")
        root = etree.fromstring(data)
        assert root.nsmap.get(None) == X2, "the core namespace must be the default namespace"
        used = {etree.QName(el).namespace for el in root.iter() if isinstance(el.tag, str)}
        used |= {etree.QName(a).namespace for el in root.iter() if isinstance(el.tag, str) for a in el.attrib}
        used -= {None, "http://www.w3.org/XML/1998/namespace"}
        assert used <= set(root.nsmap.values()), f"used but not declared on <xliff>: {used - set(root.nsmap.values())}"
        assert "urn:oasis:names:tc:xliff:glossary:2.0" in used  # the case that broke OpenXLIFF
        # Declarations on the root element only, in the bytes themselves.
        tags_with_xmlns = [m for m in etree.tostring(root).split(b"<")[2:] if b"xmlns" in m.split(b">")[0]]
        assert tags_with_xmlns == []
        assert not any(el.prefix for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).namespace == X2)


# ---------------------------------------------------------------- x- states, target languages
def test_a_tools_own_x_state_is_read_by_the_rest_of_the_unit_with_a_warning(handoff, tmp_path):
    article, _ = read_pair_file(handoff / f"{SEED}.xlf")
    a, b, c = article.segments[:3]
    data = exported(handoff, SEED, "xliff12")
    root = etree.fromstring(data)
    units = {u.get("id"): u for u in root.iter(f"{{{X12}}}trans-unit")}
    units[a.id].find(f"{{{X12}}}target").set("state", "x-edited-by-vendor")
    units[b.id].find(f"{{{X12}}}target").set("state", "x-vendor-approved")
    units[b.id].set("approved", "yes")
    units[c.id].find(f"{{{X12}}}target").text = ""
    units[c.id].find(f"{{{X12}}}target").set("state", "x-blank")
    work = tmp_path / "work"
    shutil.copytree(handoff, work)
    back = tmp_path / "back.xlf"
    back.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    result = cli("pair", "import", back, "--workdir", work)
    assert result.exit_code == 0, result.output
    assert "x-edited-by-vendor" in result.output and "read as translated" in result.output
    assert "x-vendor-approved" in result.output and "read as reviewed" in result.output
    after = {s.id: s for s in read_pair_file(work / f"{SEED}.xlf")[0].segments}
    assert after[a.id].state == "translated" and after[b.id].state == "reviewed" and after[c.id].state == "initial"


def _with_target_lang(data: bytes, trg: str, langs: dict[int, str]) -> bytes:
    root = etree.fromstring(data)
    root.set("trgLang", trg)
    for n, seg in enumerate(root.iter(f"{{{X2}}}segment")):
        if n in langs:
            seg.find(f"{{{X2}}}target").set("{http://www.w3.org/XML/1998/namespace}lang", langs[n])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("trg, langs, ok", [
    ("fr", {0: "fr", 3: "FR"}, True),
    ("fr-FR", {0: "fr-FR", 1: "fr-fr"}, True),  # the file declares the regional variant
    ("fr", {0: "fr", 2: "fr-FR", 5: "fr-CA"}, False),  # a variant the file does not declare
    ("fr-FR", {1: "fr"}, False),
])
def test_target_language_must_match_the_files_trglang(handoff, tmp_path, trg, langs, ok):
    work = tmp_path / "work"
    shutil.copytree(handoff, work)
    back = tmp_path / "back.xlf"
    back.write_bytes(_with_target_lang(exported(handoff, SEED, "xliff21"), trg, langs))
    before = (work / f"{SEED}.xlf").read_bytes()
    result = cli("pair", "import", back, "--workdir", work)
    if ok:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "trgLang" in result.output and "xml:lang" in result.output
    segs = read_pair_file(work / f"{SEED}.xlf")[0].segments
    wrong = [segs[n] for n, lang in langs.items() if lang.lower() != trg.lower()]
    assert all(seg.id in result.output for seg in wrong), result.output  # each unit/segment named
    assert (work / f"{SEED}.xlf").read_bytes() == before


# ---------------------------------------------------------------- nothing of this machine goes out
def test_no_machine_path_in_any_exported_file(tmp_path, test_model_dir):
    """--model with a local folder: the model goes out by name and content fingerprint only."""
    from translate.core.public import model_label

    src = tmp_path / "in" / "summit.md"
    src.parent.mkdir()
    shutil.copy(ARTICLES[1], src)
    work = tmp_path / "work"
    model = str(Path(test_model_dir).resolve())
    assert cli("run", src.resolve(), "--model", model, "--glossary", REPO / "glossary", "--workdir", work,
               "--beam-size", "1").exit_code == 0
    # Approved segments, so the TMX exports have something in them.
    edits = some_edits(work, "summit", ["Texte revu"], ["final"])
    back = tmp_path / "back.xlf"
    back.write_bytes(cat_edit(exported(work, "summit", "xliff21"), edits)[0])
    assert cli("pair", "import", back, "--workdir", work).exit_code == 0
    out = tmp_path / "out"
    commands = [("pair", "export", "summit", "--format", fmt, "-o", out / f"summit.{fmt}", "--workdir", work)
                for fmt in ("xliff21", "xliff12", "tmx")]
    commands += [("glossary", "export", "--glossary", REPO / "glossary", "--tbx-version", v, "-o", out / f"g{v}.tbx")
                 for v in ("2", "3")]
    commands += [("tm", "export", "-o", out / "memory.tmx", "--workdir", work)]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 0, (command, result.output)
    private = [str(tmp_path), str(Path.home()), model, str(src.resolve())]
    for path in sorted(out.iterdir()):
        text = path.read_text("utf-8")
        for value in private:
            assert value not in text, f"{path.name} holds the machine path {value!r}"
    xliff = (out / "summit.xliff21").read_text("utf-8")
    stamp = read_pair_file(work / "summit.xlf")[1]
    assert stamp["model"] == model_label(model) == Path(model).name
    assert stamp["model-revision"].startswith("sha256:") and stamp["model-revision"] in xliff
    assert f'origin="{Path(model).name}"' in xliff  # the mtc:match origin
    assert f'origin="{Path(model).name}"' in (out / "summit.xliff12").read_text("utf-8")  # alt-trans


def test_a_pair_file_from_an_older_version_loses_its_paths_on_export(handoff):
    article, stamp = read_pair_file(handoff / f"{SEED}.xlf")
    article.source_path = Path("/home/desk/articles/putin.txt")
    seg = article.segments[0]
    from translate.core.article import Candidate

    seg.candidates = [Candidate("x", "y", "tm", 80.0, "memory:tmx:/home/desk/old/memory.tmx")]
    stamp = dict(stamp, model="/home/desk/models/opus-mt-en-fr")
    for fmt in ("xliff21", "xliff12"):
        text = export_article(copy.deepcopy(article), stamp, fmt).decode("utf-8")
        assert "/home/desk" not in text
        assert "opus-mt-en-fr" in text and "memory:tmx:memory.tmx" in text
    assert article.source_path == Path("/home/desk/articles/putin.txt")  # the record itself is left alone


# ---------------------------------------------------------------- file modes (readable by the team)
@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_handed_off_is_0644_under_umask_022(umask_022, handoff, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(handoff, work)
    for f in work.iterdir():
        f.chmod(0o644)
    out = tmp_path / "out"
    written = []
    for fmt in ("xliff21", "xliff12", "tmx"):
        assert cli("pair", "export", SEED, "--format", fmt, "-o", out / f"x.{fmt}", "--workdir", work).exit_code == 0
        written.append(out / f"x.{fmt}")
    for v in ("2", "3"):
        assert cli("glossary", "export", "--glossary", REPO / "glossary", "--tbx-version", v,
                   "-o", out / f"g{v}.tbx").exit_code == 0
        written.append(out / f"g{v}.tbx")
    assert cli("tm", "export", "-o", out / "m.tmx", "--workdir", work).exit_code == 0
    written.append(out / "m.tmx")
    edits = some_edits(work, SEED, ["Texte revu"], ["reviewed"])
    back = tmp_path / "back.xlf"
    back.write_bytes(cat_edit(exported(work, SEED, "xliff21"), edits)[0])
    assert cli("pair", "import", back, "--workdir", work).exit_code == 0
    written.append(work / f"{SEED}.xlf")  # the pair file rewritten by the import
    modes = {p.name: oct(_mode(p)) for p in written}
    assert modes == {p.name: oct(0o644) for p in written}


def test_a_run_writes_the_pair_file_0644_under_umask_022(umask_022, tmp_path, test_model_dir):
    src = tmp_path / "summit.md"
    shutil.copy(ARTICLES[1], src)
    result = cli("run", src, "--model", test_model_dir, "--workdir", tmp_path / "work", "--beam-size", "1")
    assert result.exit_code == 0, result.output
    assert oct(_mode(tmp_path / "work" / "summit.xlf")) == oct(0o644)


def test_import_refuses_a_mismatch_and_names_the_unit_directly(handoff, tmp_path):
    """Library level: the error is a PairFileError (the CLI prints it as one Error: line)."""
    back = tmp_path / "back.xlf"
    back.write_bytes(_with_target_lang(exported(handoff, SEED, "xliff21"), "fr", {0: "fr-BE"}))
    work = tmp_path / "work"
    shutil.copytree(handoff, work)
    with pytest.raises(PairFileError, match="fr-BE"):
        import_pair_file(back, work)


@pytest.mark.parametrize("value, label", [
    ("Helsinki-NLP/opus-mt-en-fr", "Helsinki-NLP/opus-mt-en-fr"),
    ("/home/desk/models/opus-fr", "opus-fr"),
    ("./models/opus-fr/", "opus-fr"),
    ("~/m/tiny", "tiny"),
    ("/root/.cache/huggingface/hub/models--Helsinki-NLP--opus-mt-en-fr/snapshots/0a1b2c", "Helsinki-NLP/opus-mt-en-fr"),
    ("C:\\Users\\desk\\models\\opus", "opus"),
])
def test_model_label_is_a_name_never_a_path(value, label):
    from translate.core.public import model_label

    assert model_label(value) == label


@pytest.mark.parametrize("value, clean", [
    ("memory:tmx:/home/desk/old.tmx", "memory:tmx:old.tmx"),
    ("memory:putin-biden-geneva-summit", "memory:putin-biden-geneva-summit"),
    ("see https://example.com/a/b", "see https://example.com/a/b"),
    ("from ~/work/x.tmx", "from x.tmx"),
])
def test_scrub_takes_machine_paths_out_of_values(value, clean):
    from translate.core.public import scrub

    assert scrub(value) == clean
