"""Locked terms in drafts that MT did not make (memory, human work), in the CI check, the review
report and the publish gate, with planted drafts: memory matches made before a glossary change,
drafts holding ’ and no-break spaces, drafts holding the English form."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli.group import main
from translate.core.article import ORIGIN_HUMAN, ORIGIN_MT, ORIGIN_TM_EXACT
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.glossary.check import check_pair_files
from translate.glossary.entries import Glossary, load_glossary, merge_entries, missing_forms, parse_tsv
from translate.ingest.reader import ingest_string
from translate.mt.engine import Translation
from translate.mt.termlock import FLAG_TERM_MISSING
from translate.pipeline.memory import Entry, TranslationMemory
from translate.pipeline.workflow import run_articles

DATA = Path(__file__).resolve().parent / "data" / "glossary-corpus"


def glossary_of(*rows: str) -> Glossary:
    entries, warnings = merge_entries(parse_tsv("en\tfr\ttype\n" + "\n".join(rows) + "\n", "t.tsv"))
    return Glossary(entries=entries, warnings=warnings)


class EchoEngine:
    """A fake engine for the workflow logic (no model): every French draft is "Traduit: <source>"
    with the placeholder forms the source carries. The real model is tested in test_term_truth."""

    supports_logits_processors = False

    def __init__(self):
        self.calls: list[list[str]] = []

    def translate(self, texts, logits_processors=None):
        self.calls.append(list(texts))
        return [Translation(text=f"Traduit : {t}") for t in texts]

    def stamp(self):
        return {"model": "echo", "beam-size": "1"}


def _article(tmp_path: Path, text: str, name: str = "story.txt") -> Path:
    path = tmp_path / "en" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_memory_match_from_before_a_glossary_change_is_translated_again_with_a_note(tmp_path):
    work = tmp_path / "work"
    memory = tmp_path / "memory.sqlite"
    with TranslationMemory.open(memory) as tm:
        tm.add([Entry("Putin met the State Department.", "Putin a rencontré le Département d’État.", origin="tmx"),
                Entry("Geneva was calm.", "Genève était calme.", origin="tmx")])
    glossary = glossary_of("Putin\tPoutine\tperson", "State Department\tDépartement d'État\torg",
                           "Geneva\tGenève\tplace")
    article = _article(tmp_path, "Putin met the State Department.\n\nGeneva was calm.\n")
    engine = EchoEngine()
    report = run_articles([article], engine, work, memory=memory, glossary=glossary)
    [result] = report.results
    assert result.ok and result.tm_exact == 1 and result.tm_rejected == 1
    assert report.locking.memory_rejected == 1
    pair, _ = read_pair_file(result.pair_file)
    stale, good = pair.segments
    # Re-translated with the terms locked; the old memory text is still offered.
    assert stale.origin == ORIGIN_MT and missing_forms(stale.target, glossary.find(stale.source)) == []
    assert any("was not reused" in n and "Poutine" in n for n in stale.notes)
    assert any(c.kind == "tm" and c.target.startswith("Putin a rencontré") for c in stale.candidates)
    # The good match is reused, its terms marked as memory (the review shows them).
    assert good.origin == ORIGIN_TM_EXACT and good.target == "Genève était calme."
    assert [(h.target, h.method) for h in good.terms] == [("Genève", "memory")]
    assert engine.calls[0] == ["Putin met the State Department."]


def test_memory_match_with_typographic_variants_is_reused_as_is(tmp_path):
    memory = tmp_path / "memory.sqlite"
    with TranslationMemory.open(memory) as tm:
        tm.add([Entry("Sergey Lavrov and the State Department.", "Sergueï\u00a0Lavrov et le Département d’État.")])
    glossary = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson", "State Department\tDépartement d'État\torg")
    article = _article(tmp_path, "Sergey Lavrov and the State Department.\n")
    engine = EchoEngine()
    report = run_articles([article], engine, tmp_path / "work", memory=memory, glossary=glossary)
    [seg] = read_pair_file(report.results[0].pair_file)[0].segments
    assert seg.origin == ORIGIN_TM_EXACT and engine.calls == []
    assert seg.target == "Sergueï Lavrov et le Département d'État."  # written as locked, nothing duplicated
    assert {h.method for h in seg.terms} == {"memory"}


def test_human_target_lacking_a_new_glossary_form_is_flagged_never_edited(tmp_path):
    work = tmp_path / "work"
    article = _article(tmp_path, "Putin spoke in Geneva.\n")
    run_articles([article], EchoEngine(), work, glossary=glossary_of("Geneva\tGenève\tplace"))
    pair_file = work / "story.xlf"
    art, stamp = read_pair_file(pair_file)
    seg = art.segments[0]
    seg.target, seg.origin, seg.state = "Putin a parlé à Genève.", ORIGIN_HUMAN, "reviewed"
    write_pair_file(pair_file, art, stamp)
    newer = glossary_of("Geneva\tGenève\tplace", "Putin\tPoutine\tperson")  # "Poutine" added last week
    for _ in range(2):  # twice: the flag and note are not repeated
        run_articles([article], EchoEngine(), work, glossary=newer)
        [seg] = read_pair_file(pair_file)[0].segments
        assert seg.target == "Putin a parlé à Genève."
        assert seg.flags.count(FLAG_TERM_MISSING) == 1
        assert sum("Poutine" in n for n in seg.notes) == 1
        assert [(h.target, h.method, h.how) for h in seg.terms] == [("Poutine", "human", "missing"),
                                                                  ("Genève", "human", "")]
    check = check_pair_files([pair_file], newer, entities=False)
    assert [v.expected for v in check.violations] == ["Poutine"]
    assert check.by_term[newer.find("Putin")[0].entry_id] == {"missing": 1}


def _pair_with(tmp_path: Path, source: str, target: str, glossary: Glossary, *, terms=None) -> Path:
    article = ingest_string(source, slug="planted")
    [seg] = article.segments
    seg.target = seg.mt = target
    seg.state, seg.origin = "translated", ORIGIN_MT
    seg.terms = glossary.find(source) if terms is None else terms
    for hit in seg.terms:
        hit.method = hit.method or "forced"
    path = tmp_path / "work" / "planted.xlf"
    write_pair_file(path, article, {"tool": "translate"})
    return path


def test_check_accepts_typographic_variants_and_flags_the_english(tmp_path):
    g = glossary_of("State Department\tDépartement d'État\torg", "Sergey Lavrov\tSergueï Lavrov\tperson")
    ok = _pair_with(tmp_path, "Sergey Lavrov and the State Department.",
                    "«\u00a0Sergueï\u202fLavrov\u00a0» et le Département d’État.", g)
    report = check_pair_files([ok], g, entities=False)
    assert report.violations == [] and report.accuracy == 1.0
    bad = _pair_with(tmp_path, "Sergey Lavrov and the State Department.", "Sergey Lavrov et le State Department.", g)
    report = check_pair_files([bad], g, entities=False)
    assert sorted(v.expected for v in report.violations) == ["Département d'État", "Sergueï Lavrov"]


def test_check_sees_look_alike_sources_it_used_to_miss(tmp_path):
    """An NFD source, a no-break space inside a name: the check used to match neither and report 0."""
    g = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson", "Zürich\tZurich\tplace")
    import unicodedata

    source = "Sergey\u00a0Lavrov flew to " + unicodedata.normalize("NFD", "Zürich") + "."
    path = _pair_with(tmp_path, source, "Il est allé quelque part.", g, terms=[])
    report = check_pair_files([path], g, entities=False)
    assert report.terms == 2 and len(report.violations) == 2


def test_check_json_counts_per_term_by_method(tmp_path, monkeypatch):
    g = load_glossary(DATA / "glossary.tsv")
    source = "Vladimir Putin spoke to Sergey Lavrov in Geneva."
    hits = g.find(source)
    for hit, method in zip(hits, ("forced", "placeholder", "natural")):
        hit.method = method
    _pair_with(tmp_path, source, "Vladimir Poutine a parlé à Sergueï Lavrov à Genève.", g, terms=hits)
    (tmp_path / "g.tsv").write_text((DATA / "glossary.tsv").read_text("utf-8"), "utf-8")
    result = CliRunner().invoke(main, ["glossary", "check", "--glossary", str(tmp_path / "g.tsv"),
                                       "--workdir", str(tmp_path / "work"), "--format", "json", "-o",
                                       str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    rows = {row["en"]: row for row in data["by_term"]}
    assert rows["Vladimir Putin"]["forced"] == 1 and rows["Sergey Lavrov"]["placeholder"] == 1
    assert rows["Geneva"]["natural"] == 1 and rows["Geneva"]["hits"] == 1
    assert data["methods"]["forced"] == 1 and data["methods"]["human"] == 0


def test_check_notes_a_pair_file_made_with_another_glossary_version(tmp_path):
    old = glossary_of("Geneva\tGenève\tplace")
    new = glossary_of("Geneva\tGenève\tplace", "Putin\tPoutine\tperson")
    path = _pair_with(tmp_path, "Putin went to Geneva.", "Poutine est allé à Genève.", old)
    report = check_pair_files([path], new, entities=False)
    assert report.violations == [] and len(report.notes) == 1
    assert "'Putin'" in report.notes[0].text and "another glossary version" in report.notes[0].text


def test_check_ignores_entity_candidates_inside_a_glossary_hit(tmp_path):
    g = load_glossary(DATA / "glossary.tsv")
    source = "The attack on Colonial\u00a0Pipeline shut the network."
    path = _pair_with(tmp_path, source, "L'attaque contre Colonial Pipeline a coupé le réseau.", g)
    report = check_pair_files([path], g)
    assert [u.text for u in report.uncovered] == []


def test_xml_special_characters_in_a_locked_form_survive_the_pair_file(tmp_path):
    g = glossary_of("AT&T\tAT&T <France>\torg")
    path = _pair_with(tmp_path, "AT&T said so.", "AT&T <France> l'a dit.", g)
    [seg] = read_pair_file(path)[0].segments
    assert seg.terms[0].target == "AT&T <France>" and seg.target == "AT&T <France> l'a dit."
    assert check_pair_files([path], g, entities=False).violations == []


def test_publish_gate_checks_the_text_as_published(tmp_path):
    """Typography runs after the gate: a locked "Web 2.0" would be published as "Web 2,0"."""
    from translate.publish.publisher import PublishConfig, PublishRefused, glossary_check_for, publish_pair_file

    tsv = tmp_path / "g.tsv"
    tsv.write_text("en\tfr\ttype\nWeb 2.0\tWeb 2.0\tdnt\nState Department\tDépartement d'État\torg\n", "utf-8")
    g = load_glossary(tsv)
    path = _pair_with(tmp_path, "The State Department likes Web 2.0 tools.",
                      "Le Département d'État aime les outils du Web 2.0.", g)
    art, stamp = read_pair_file(path)
    art.segments[0].state = "final"
    write_pair_file(path, art, stamp)
    check, _ = glossary_check_for(tsv)
    with pytest.raises(PublishRefused, match="Web 2.0"):
        publish_pair_file(path, PublishConfig(out=tmp_path / "fr", en_url="https://example.org/{slug}"), glossary_check=check)
    # Without the numbers rule, the page keeps the form and d'État (published d’État) passes.
    from translate.publish.typography import select_rules

    rules = select_rules(["apostrophes", "quotes", "punctuation-spaces"])
    check, _ = glossary_check_for(tsv, rules)
    result = publish_pair_file(path, PublishConfig(out=tmp_path / "fr", rules=rules, en_url="https://example.org/{slug}"), glossary_check=check)
    page = result.path.read_text("utf-8")
    assert "Département d’État" in page and "Web 2.0" in page


def test_review_report_marks_memory_terms(tmp_path):
    from translate.review.diffs import term_checks

    g = glossary_of("State Department\tDépartement d'État\torg")
    path = _pair_with(tmp_path, "The State Department spoke.", "Le Département d’État a parlé.", g)
    [seg] = read_pair_file(path)[0].segments
    assert [c.ok for c in term_checks(seg)] == [True]


def test_earlier_human_translation_of_a_changed_sentence_is_kept_with_its_missing_forms_named(tmp_path):
    work = tmp_path / "work"
    article = _article(tmp_path, "Putin spoke in Geneva on Monday.\n")
    glossary = glossary_of("Geneva\tGenève\tplace", "Putin\tPoutine\tperson")
    run_articles([article], EchoEngine(), work, glossary=glossary)
    pair_file = work / "story.xlf"
    art, stamp = read_pair_file(pair_file)
    seg = art.segments[0]
    seg.target, seg.origin, seg.state = "Putin a parlé à Genève lundi.", ORIGIN_HUMAN, "reviewed"
    write_pair_file(pair_file, art, stamp)
    article.write_text("Putin spoke in Geneva on Tuesday.\n", "utf-8")
    run_articles([article], EchoEngine(), work, glossary=glossary)
    [seg] = read_pair_file(pair_file)[0].segments
    assert any(c.kind == "previous" and c.target == "Putin a parlé à Genève lundi." for c in seg.candidates)
    assert any("earlier human translation" in n and "Poutine" in n and "Genève" not in n.split("lacks")[1]
               for n in seg.notes)
