"""Glossary files (TSV): parsing, bad input, merging; matching rules in source segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.core.errors import InputError
from translate.glossary.entries import (
    GlossaryEntry,
    Matcher,
    entries_to_tsv,
    load_glossary,
    merge_entries,
    missing_forms,
    parse_tsv,
)

REPO = Path(__file__).resolve().parent.parent


def write(path: Path, text: str, *, newline: str = "\n", bom: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def matcher(*rows: str, header: str = "en\tfr\ttype\tcase\tvariants\tplural\tfr_plural") -> Matcher:
    return Matcher(parse_tsv(header + "\n" + "\n".join(rows) + "\n", "t.tsv"))


def found(m: Matcher, text: str) -> list[tuple[str, str]]:
    return [(h.source_text, h.target) for h in m.find(text)]


# ---------------------------------------------------------------------------- files
def test_starter_glossary_loads_with_the_newsroom_entries():
    g = load_glossary(REPO / "glossary")
    forms = {e.en: e.fr for e in g.entries}
    assert forms["Vladimir Putin"] == "Vladimir Poutine" and forms["Geneva"] == "Genève"
    assert forms["Sergey Lavrov"] == "Sergueï Lavrov" and forms["Colonial Pipeline"] == "Colonial Pipeline"
    assert g.warnings == [] and len(g.sha256) == 64


def test_bom_crlf_comments_and_dnt_default(tmp_path):
    path = write(tmp_path / "g.tsv", "# comment\nen\tfr\ttype\nGeneva\tGenève\tplace\n\nDarkSide\t\tdnt\n",
                 newline="\r\n", bom=True)
    g = load_glossary(path)
    assert [(e.en, e.fr, e.type) for e in g.entries] == [("Geneva", "Genève", "place"), ("DarkSide", "DarkSide", "dnt")]


@pytest.mark.parametrize("text, message", [
    ("en,fr\nGeneva,Genève\n", "line 1: the columns are separated by commas, not tabs"),
    ("en;fr\nGeneva;Genève\n", "separated by semicolons"),
    ("en\ttype\nGeneva\tplace\n", "line 1: missing column(s) fr"),
    ("en\tfr\tcolour\nGeneva\tGenève\tred\n", "unknown column(s) colour"),
    ("en\tfr\nGeneva\t\n", "line 2: the fr cell is empty"),
    ("en\tfr\n\tGenève\n", "line 2: the en cell is empty"),
    ("en\tfr\nGeneva\tGenève\tplace\n", "line 2: 3 cells but the header has 2 columns"),
    ("en\tfr\ttype\nGeneva\tGenève\ttown\n", "line 2: type 'town'"),
    ("en\tfr\ttype\nDarkSide\tCôté obscur\tdnt\n", "type dnt (do not translate) but fr"),
    ("# only a comment\n", "no header row"),
    ("en\tfr\n...\t...\n", "no letter or digit"),
])
def test_bad_tsv_names_file_and_line(text, message):
    with pytest.raises(InputError) as err:
        parse_tsv(text, "glossary/bad.tsv")
    assert "glossary/bad.tsv" in str(err.value) and message in str(err.value)


def test_conflict_across_files_names_both_files_and_lines(tmp_path):
    write(tmp_path / "a.tsv", "en\tfr\nGeneva\tGenève\nMoscow\tMoscou\n")
    write(tmp_path / "b.tsv", "en\tfr\n# x\nmoscow\tMoskva\n")
    with pytest.raises(InputError) as err:
        load_glossary(tmp_path)
    msg = str(err.value)
    assert "a.tsv:3" in msg and "b.tsv:3" in msg and "Moscou" in msg and "Moskva" in msg


def test_variant_conflict_and_exact_duplicate(tmp_path):
    with pytest.raises(InputError, match="conflicting glossary entries for 'Kiev'"):
        parse_and_merge("en\tfr\tvariants\nKyiv\tKyiv\tKiev\nKiev\tKiev\t\n")
    entries, warnings = merge_entries(parse_tsv("en\tfr\nGeneva\tGenève\nGeneva\tGenève\n", "d.tsv"))
    assert len(entries) == 1 and "d.tsv:3: duplicate of d.tsv:2" in warnings[0]


def parse_and_merge(text: str):
    return merge_entries(parse_tsv(text, "c.tsv"))


def test_case_exact_entries_may_differ_only_in_case():
    entries, _ = parse_and_merge("en\tfr\tcase\nUS\tÉtats-Unis\texact\nus\tnous\texact\n")
    assert len(entries) == 2


def test_nothing_half_loaded_when_one_file_is_bad(tmp_path):
    write(tmp_path / "a.tsv", "en\tfr\nGeneva\tGenève\n")
    write(tmp_path / "b.tsv", "en,fr\n")
    with pytest.raises(InputError, match="b.tsv"):
        load_glossary(tmp_path)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(InputError, match="no such glossary"):
        load_glossary(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no glossary files"):
        load_glossary(tmp_path / "empty")


def test_hash_ignores_order_and_files(tmp_path):
    write(tmp_path / "one" / "a.tsv", "en\tfr\nGeneva\tGenève\nMoscow\tMoscou\n")
    write(tmp_path / "two" / "x.tsv", "en\tfr\nMoscow\tMoscou\n")
    write(tmp_path / "two" / "y.tsv", "en\tfr\nGeneva\tGenève\n")
    assert load_glossary(tmp_path / "one").sha256 == load_glossary(tmp_path / "two").sha256
    write(tmp_path / "three" / "a.tsv", "en\tfr\nGeneva\tGenf\n")
    assert load_glossary(tmp_path / "three").sha256 != load_glossary(tmp_path / "one").sha256


_cell = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\t|#\ufeff"),
                min_size=1, max_size=12).map(str.strip).filter(lambda s: s and any(c.isalnum() for c in s))


@st.composite
def entries(draw):
    out, seen = [], set()
    for _ in range(draw(st.integers(1, 6))):
        en, fr = draw(_cell), draw(_cell)
        kind = draw(st.sampled_from(["person", "org", "place", "title", "term"]))
        import unicodedata

        en, fr = unicodedata.normalize("NFC", en), unicodedata.normalize("NFC", fr)
        if en.casefold() in seen:
            continue
        seen.add(en.casefold())
        out.append(GlossaryEntry(en=en, fr=fr, type=kind, note=draw(st.sampled_from(["", "a note"])),
                                 case=draw(st.sampled_from(["auto", "exact", "ignore"])),
                                 plural=draw(st.sampled_from([None, True, False]))))
    return out


@settings(max_examples=60, deadline=None)
@given(entries())
def test_tsv_round_trip(items):
    back = parse_tsv(entries_to_tsv(items), "rt.tsv")
    strip = lambda e: (e.en, e.fr, e.type, e.note, e.case, e.variants, e.plural, e.fr_plural)  # noqa: E731
    assert [strip(e) for e in back] == [strip(e) for e in items]


# ---------------------------------------------------------------------------- matching
def test_whole_words_case_variants_possessives():
    m = matcher("Putin\tPoutine\tperson", "Geneva\tGenève\tplace")
    assert found(m, "PUTIN SAYS Putin's aides met in Geneva.") == [
        ("PUTIN", "Poutine"), ("Putin's", "Poutine"), ("Geneva", "Genève")]
    assert found(m, "putinism Putinesque Rasputin putin") == []  # not whole words; lower case not allowed
    assert found(m, "Putin’s team") == [("Putin’s", "Poutine")]


def test_longest_match_and_overlaps():
    m = matcher("Colonial\tColonial\torg", "Colonial Pipeline\t\tdnt", "Pipeline Company\tCompagnie\torg",
                "Vladimir Putin\tVladimir Poutine\tperson", "Putin\tPoutine\tperson")
    assert found(m, "Colonial Pipeline Company said") == [("Colonial Pipeline", "Colonial Pipeline")]
    assert found(m, "Vladimir Putin and Putin") == [("Vladimir Putin", "Vladimir Poutine"), ("Putin", "Poutine")]


def test_plurals_only_where_the_type_allows():
    m = matcher("pipeline\toléoduc\tterm", "Kremlin\tKremlin\torg", "policy\tpolitique\tterm",
                "Eiffel Tower\tTour Eiffel\tplace\t\t\tyes")
    assert found(m, "Pipelines and pipeline policies") == [
        ("Pipelines", "oléoducs"), ("pipeline", "oléoduc"), ("policies", "politiques")]
    assert found(m, "the Kremlins") == []
    # A multi-word French form has no derivable plural: the plural is not matched.
    assert found(m, "Eiffel Towers") == []


def test_exact_case_and_regex_metacharacters():
    m = matcher("US\tÉtats-Unis\tplace\texact", "AT&T\tAT&T\tdnt", "C++\tC++\tdnt", "(R)\t(R)\tdnt",
                "a.b\tA.B\tterm")
    assert found(m, "us and US") == [("US", "États-Unis")]
    assert found(m, "AT&T codes in C++ (R) not aXb but a.b") == [
        ("AT&T", "AT&T"), ("C++", "C++"), ("(R)", "(R)"), ("a.b", "A.B")]


def test_unicode_terms_and_text():
    m = matcher("Zürich\tZurich\tplace", "Ελλάδα\tGrèce\tplace", "Straße\tRue\tterm", "İstanbul\tIstanbul\tplace")
    assert found(m, "From ZÜRICH to Ελλάδα via straße and İstanbul.") == [
        ("ZÜRICH", "Zurich"), ("Ελλάδα", "Grèce"), ("straße", "Rue"), ("İstanbul", "Istanbul")]
    assert found(m, "Zürichsee") == []


def test_missing_targets_counts_each_hit_and_nested_forms():
    m = matcher("Vladimir Putin\tVladimir Poutine\tperson", "Putin\tPoutine\tperson")
    hits = m.find("Vladimir Putin met Putin's aides.")
    assert missing_forms("Vladimir Poutine a vu les aides de Poutine.", hits) == []
    assert [h.source_text for h in missing_forms("Vladimir Poutine a vu ses aides.", hits)] == ["Putin's"]
    assert [h.source_text for h in missing_forms("Poutine", hits)] == ["Vladimir Putin"]
    assert missing_forms("Vladimir Poutines", hits[:1]) == hits[:1]  # whole words only
    assert missing_forms("d'Ukraine", matcher("Ukraine\tUkraine\tplace").find("Ukraine")) == []


def test_matcher_on_a_large_glossary_stays_exact():
    rows = [f"Term{i} Name\tTerme{i}\torg" for i in range(5000)] + ["Geneva\tGenève\tplace"]
    m = matcher(*rows)
    assert found(m, "In Geneva, Term4999 Name met Term12 Name and Term12.") == [
        ("Geneva", "Genève"), ("Term4999 Name", "Terme4999"), ("Term12 Name", "Terme12")]
