"""Locking glossary terms through MT: grammar, each locking path, and end to end with the test model."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from translate.mt.engine import EngineSettings, MarianEngine, Translation
from translate.glossary.entries import load_glossary, missing_forms, parse_tsv, merge_entries, Glossary
from translate.glossary.textmatch import count_forms
from translate.mt.termlock import FLAG_FORCED, FLAG_REPAIRED, LockStats, fix_grammar, substitute, translate_locked

DATA = Path(__file__).resolve().parent / "data" / "glossary-corpus"


def glossary_of(*rows: str) -> Glossary:
    entries, _ = merge_entries(parse_tsv("en\tfr\ttype\n" + "\n".join(rows) + "\n", "t.tsv"))
    return Glossary(entries=entries)


@pytest.mark.parametrize("text, forms, expected", [
    ("la guerre de Ukraine", ["Ukraine"], "la guerre d'Ukraine"),
    ("De Ukraine, il part", ["Ukraine"], "D'Ukraine, il part"),
    ("le Élysée", ["Élysée"], "l'Élysée"),
    ("les murs de le Kremlin", ["Kremlin"], "les murs du Kremlin"),
    ("il parle à le Kremlin", ["Kremlin"], "il parle au Kremlin"),
    ("le le Kremlin", ["Kremlin"], "le Kremlin"),
    ("la visite de Poutine", ["Poutine"], "la visite de Poutine"),  # consonant: no elision
    ("que Emmanuel Macron", ["Emmanuel Macron"], "qu'Emmanuel Macron"),
    ("monde Ukraine", ["Ukraine"], "monde Ukraine"),  # "de" only as a word
])
def test_fix_grammar_around_locked_forms(text, forms, expected):
    out = fix_grammar(text, forms)
    assert out == expected
    assert all(f in out for f in forms)


def test_substitute_keeps_possessives_and_offsets():
    g = glossary_of("Putin\tPoutine\tperson", "Geneva\tGenève\tplace")
    text = "Putin's team flew to Geneva."
    assert substitute(text, g.find(text)) == "Poutine's team flew to Genève."


class ScriptedEngine:
    """A fake engine for the path logic only (no model): it answers each text with a scripted
    function of the text, and ignores the logits hook. The real generate is tested below."""

    def __init__(self, answer):
        self.answer = answer
        self.calls: list[list[str]] = []

    def translate(self, texts, logits_processors=None):
        self.calls.append(list(texts))
        return [Translation(text=self.answer(t)) for t in texts]


def test_natural_path_when_the_draft_already_has_every_form():
    g = glossary_of("Geneva\tGenève\tplace")
    engine = ScriptedEngine(lambda t: "Ils se sont vus à Genève.")
    stats = LockStats()
    [out] = translate_locked(engine, ["They met in Geneva."], g, stats)
    assert [h.method for h in out.terms] == ["natural"] and out.flags == [] and out.notes == []
    assert len(engine.calls) == 1 and stats.terms == {"natural": 1}


def test_placeholder_path_when_the_model_copies_the_locked_form():
    g = glossary_of("Geneva\tGenève\tplace")
    # Copies names it is given; says "Genf" for the English name.
    engine = ScriptedEngine(lambda t: "Ils se sont vus à " + ("Genève." if "Genève" in t else "Genf."))
    stats = LockStats()
    [out] = translate_locked(engine, ["They met in Geneva."], g, stats)
    assert out.text == "Ils se sont vus à Genève." and [h.method for h in out.terms] == ["placeholder"]
    assert engine.calls[1] == ["They met in Genève."]
    assert stats.segment_paths == {"placeholder": 1}


def test_repair_replaces_an_english_leftover_or_inserts_and_flags():
    g = glossary_of("Geneva\tGenève\tplace", "Ukraine\tUkraine\tplace", "Moscow\tMoscou\tplace")
    engine = ScriptedEngine(lambda t: "Ils ont parlé de Geneva et de la guerre de")
    [out] = translate_locked(engine, ["They spoke of Geneva and of the war in Ukraine and Moscow."], g)
    assert missing_forms(out.text, g.find("x Geneva Ukraine Moscow")) == []
    assert "Geneva" not in out.text and "Genève" in out.text
    assert "d'Ukraine" in out.text  # elision applies to inserted forms too
    assert FLAG_REPAIRED in out.flags and "repair" in out.notes[0]
    assert {h.method for h in out.terms} == {"repaired"}


def test_segments_without_hits_are_untouched():
    g = glossary_of("Geneva\tGenève\tplace")
    engine = ScriptedEngine(lambda t: "Bonjour  le monde")
    [out] = translate_locked(engine, ["Hello world"], g)
    assert out.text == "Bonjour  le monde" and out.terms == [] and len(engine.calls) == 1


def test_constrained_decoding_forces_terms_through_real_generate(engine):
    g = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson", "Geneva\tGenève\tplace", "Biden\tBiden\tperson",
                    "Putin\tPoutine\tperson")
    texts = ["Sergey Lavrov met Biden in Geneva.", "Putin and Putin's aides.", "Biden spoke."]
    stats = LockStats()
    out = translate_locked(engine, texts, g, stats)
    for text, tr in zip(texts, out):
        assert missing_forms(tr.text, g.find(text)) == [], tr.text
        assert all(h.method in ("natural", "placeholder", "forced", "repaired") for h in tr.terms)
        if any(h.method == "forced" for h in tr.terms):
            assert FLAG_FORCED in tr.flags and tr.notes
    assert out[1].text.count("Poutine") >= 2
    # The random model never produces these names by itself: decoding had to force them.
    assert stats.terms["forced"] > 0


def test_constrained_decoding_under_beam_search(engine):
    beam = MarianEngine(engine.model, engine.tokenizer, model_id=engine.model_id, revision=engine.revision,
                        device=engine.device, settings=EngineSettings(beam_size=3), is_test_model=True)
    g = glossary_of("Moscow\tMoscou\tplace", "Vladimir Putin\tVladimir Poutine\tperson", "Ukraine\tUkraine\tplace")
    texts = ["Vladimir Putin returned to Moscow.", "The war in Ukraine goes on, Moscow says."]
    stats = LockStats()
    out = translate_locked(beam, texts, g, stats)
    for text, tr in zip(texts, out):
        assert missing_forms(tr.text, g.find(text)) == [], tr.text
    # The forms come from the processor steering the beams, not from repair afterwards (with the
    # processor off, repair would still put every form in and the check above would pass).
    assert stats.terms["forced"] > 0 and stats.terms["repaired"] == 0, stats


def test_locking_end_to_end_on_the_test_corpus(engine, tmp_path):
    """Every glossary hit of several articles is in its locked form in the drafts, and the pair
    files record the hits (marked in the glossary module) and notes on forced/repaired segments."""
    from translate.glossary.check import check_pair_files
    from translate.formats.schemas import validate_xliff21
    from translate.pipeline.workflow import run_articles
    from translate.formats.xliff import read_pair_file
    from translate.core.xmlsafe import read_xml_file

    glossary = load_glossary(DATA / "glossary.tsv")
    articles = sorted((DATA / "en").iterdir())
    report = run_articles(articles, engine, tmp_path, glossary=glossary)
    assert not report.failed, [r.error for r in report.failed]
    stats = report.locking
    total = sum(stats.terms.values())
    assert total >= 40
    # The random-weight model never writes these names by itself: the processor must steer them
    # in (forced observed), and nothing may be left for repair (a broken processor fails here).
    assert stats.terms["forced"] > 0 and stats.terms["repaired"] == 0, stats
    for result in report.results:
        root = read_xml_file(result.pair_file)
        assert validate_xliff21(root) == []
        article, stamp = read_pair_file(result.pair_file)
        assert stamp["glossary-sha256"] == glossary.sha256
        for seg in article.segments:
            hits = glossary.find(seg.source)
            assert missing_forms(seg.mt, hits) == [], (seg.source, seg.mt)
            # Exactly once per hit: no form beyond what the hits need (counted longest first).
            needed = Counter(h.target for h in hits)
            assert Counter(count_forms(seg.mt, list(needed))) == needed, seg.mt
            assert [(h.entry_id, h.start, h.end, h.target) for h in seg.terms] == [
                (h.entry_id, h.start, h.end, h.target) for h in hits]
            methods = {h.method for h in seg.terms}
            if "forced" in methods or "repaired" in methods:
                assert seg.notes and ({FLAG_FORCED, FLAG_REPAIRED} & set(seg.flags))
    check = check_pair_files([r.pair_file for r in report.results], glossary, entities=False)
    assert check.violations == [] and check.accuracy == 1.0 and check.terms == total


def test_backend_without_logits_processors_gets_placeholders_then_repair():
    class NoProcessors(ScriptedEngine):
        supports_logits_processors = False

        def translate(self, texts, logits_processors=None):
            assert logits_processors is None
            return super().translate(texts)

    g = glossary_of("Geneva\tGenève\tplace", "Moscow\tMoscou\tplace")
    engine = NoProcessors(lambda t: "Rencontre à Genève." if "Genève" in t else "Rencontre à Genf.")
    stats = LockStats()
    out = translate_locked(engine, ["They met in Geneva.", "They met in Moscow."], g, stats)
    assert [h.method for h in out[0].terms] == ["placeholder"]
    assert [(h.method, h.how) for h in out[1].terms] == [("repaired", "inserted")] and "Moscou" in out[1].text
    assert stats.segment_paths == {"placeholder": 1, "repaired": 1}
    assert stats.terms["forced"] == 0  # a backend that cannot force never labels a term forced
