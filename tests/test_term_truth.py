"""Locked terms right in every draft, however it was made, and labels that say truly how.

Unicode look-alikes on both sides, repair that never duplicates (with a property test), one label
per path (scripted engines for the path logic; the real generate of the test model for forced),
memory and human drafts, the CI check and the publish gate, and the bad inputs of the issue.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from translate.core.article import TermHit
from translate.glossary.entries import Glossary, merge_entries, missing_forms, parse_tsv
from translate.glossary.textmatch import Finder, count_forms, fold, key, locate_forms
from translate.mt.engine import Translation
from translate.mt.termlock import (FLAG_FORCED, FLAG_REPAIRED, FLAG_TERM_MISSING, LockStats, repair,
                                   translate_locked, verify_draft)

DATA = Path(__file__).resolve().parent / "data" / "glossary-corpus"


def glossary_of(*rows: str, header: str = "en\tfr\ttype") -> Glossary:
    entries, warnings = merge_entries(parse_tsv(header + "\n" + "\n".join(rows) + "\n", "t.tsv"))
    return Glossary(entries=entries, warnings=warnings)


# ------------------------------------------------------------------ one comparison, both sides
@given(st.text(alphabet=st.sampled_from(list("aeE ’'«»\u00a0\u202f\u200d\u0301\u0300ﬁ-\u2011Ö\t")), max_size=40))
def test_fold_offsets_map_back_to_the_original(text):
    folded = fold(text, casefold=True)
    assert len(folded.starts) == len(folded.ends) == len(folded.text)
    for a in range(len(folded.text)):
        start, end = folded.span(a, a + 1)
        assert 0 <= start < end <= len(text)
    # A span of the key is a span of the original whose own key holds that piece.
    if folded.text:
        start, end = folded.span(0, len(folded.text))
        assert folded.text.strip() in key(text[start:end], casefold=True)


@pytest.mark.parametrize("draft, form", [
    ("Le Département d’État a parlé.", "Département d'État"),
    ("À Gene\u0300ve hier.", "Genève"),  # NFD
    ("Sergueï\u00a0Lavrov arrive.", "Sergueï Lavrov"),
    ("Sergueï\u202fLavrov arrive.", "Sergueï Lavrov"),
    ("Vladimir Pou\u200dtine parle.", "Vladimir Poutine"),
    ("la «\u00a0Maison Blanche\u00a0» dit", "« Maison Blanche »"),
    ("la «Maison Blanche» dit", "« Maison Blanche »"),
    ("Le Kremlin dit.", "le Kremlin"),  # sentence-start capital, case auto
    ("LE KREMLIN DIT", "le Kremlin"),  # headline capitals
    ("la ﬁnance", "finance"),  # ligature
])
def test_target_forms_match_modulo_typography(draft, form):
    hit = TermHit("g1", "x", 0, 1, form)
    assert missing_forms(draft, [hit]) == []
    [(start, end)] = Finder(draft).spans(form)
    assert key(draft[start:end]) in (key(form), key(form[:1].upper() + form[1:]), key(form.upper()))


def test_case_rules_apply_on_the_target_side():
    exact = TermHit("g1", "NATO", 0, 4, "OTAN", case="exact")
    assert missing_forms("l'Otan a dit", [exact]) == [exact]
    assert missing_forms("l'OTAN a dit", [exact]) == []
    auto = TermHit("g2", "European Union", 0, 4, "Union européenne")
    assert missing_forms("l'union européenne", [auto]) == [auto]
    ignore = TermHit("g3", "pipeline", 0, 4, "oléoduc", case="ignore")
    assert missing_forms("OLÉODUC et Oléoduc", [ignore]) == []


def test_source_matching_sees_through_unicode():
    g = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson", "Vladimir Putin\tVladimir Poutine\tperson",
                    "Zürich\tZurich\tplace", "ﬁnance ministry\tministère des Finances\tterm",
                    "State Department\tDépartement d'État\torg")
    text = ("Sergey\u00a0Lavrov and Vladimir Pu\u200dtin flew to " + unicodedata.normalize("NFD", "Zürich")
            + " to see the finance ministry and the State\u202fDepartment's staff.")
    hits = g.find(text)
    assert [h.target for h in hits] == ["Sergueï Lavrov", "Vladimir Poutine", "Zurich", "ministère des Finances",
                                        "Département d'État"]
    for hit in hits:  # offsets are in the original text; the possessive stays with the hit
        assert text[hit.start:hit.end] == hit.source_text
    assert hits[-1].source_text == "State\u202fDepartment's"


def test_forms_that_differ_only_by_apostrophe_or_case_are_one_form():
    g = glossary_of("Cote d'Ivoire\tCôte d'Ivoire\tplace", "Cote d\u2019Ivoire\tCôte d\u2019Ivoire\tplace")
    assert len(g) == 1 and "duplicate" in g.warnings[0]
    g = glossary_of("US\tÉtats-Unis\tplace\texact", "us\tnous\tterm\texact", header="en\tfr\ttype\tcase")
    assert [h.target for h in g.find("US and us")] == ["États-Unis", "nous"]


def test_a_french_form_with_its_article_gets_a_warning():
    g = glossary_of("Kremlin\tle Kremlin\torg", "La Paz\tLa Paz\tplace")
    assert len(g.warnings) == 1 and "'le Kremlin' starts with an article" in g.warnings[0]


# ------------------------------------------------------------------ repair
def test_repair_says_how_and_never_duplicates():
    g = glossary_of("State Department\tDépartement d'État\torg", "Pentagon\tPentagone\torg",
                    "Geneva\tGenève\tplace", "Kremlin\tKremlin\torg")
    source = "The State Department, the Pentagon and the Kremlin met in Geneva."
    hits = g.find(source)
    # d’État is the form already (typography): not touched; "Pentagon" is English; "Geneve" a look-alike.
    draft = "Le Département d’État, le Pentagon et la Russie à Geneve."
    _, missing = locate_forms(draft, hits)
    assert [h.target for h in missing] == ["Pentagone", "Kremlin", "Genève"]
    text, hows = repair(draft, source, hits)
    assert sorted(hows.values()) == ["inserted", "normalised", "replaced-english"]
    assert text.count("Département d") == 1 and "Pentagone" in text and " Pentagon " not in text
    assert text.count("Kremlin") == 1 and "Genève" in text and "Geneve" not in text
    assert missing_forms(text, hits) == []


_FORMS = {"Département d'État": "State Department", "Pentagone": "Pentagon", "Genève": "Geneva",
          "Vladimir Poutine": "Vladimir Putin", "Poutine": "Putin", "le Kremlin": "Kremlin"}
_PIECES = ["Le", "la", "de", "a", "dit", ".", ",", "Département", "d’État", "d'État", "Geneve", "GENÈVE",
           "Pentagon", "Pentagone", "Poutine", "Vladimir", "Putin", "State", "Department", "Kremlin",
           "le\u00a0Kremlin", "Poutines", "l'", "«", "»"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14), st.lists(st.sampled_from(sorted(_FORMS)), min_size=1, max_size=4))
def test_repair_property_every_form_exactly_once_per_hit(pieces, targets):
    """For arbitrary drafts (partial, differently punctuated or English forms), the repaired draft
    holds each hit's form, never more copies of a form than the draft had or the hits need, and
    no more English than the draft had."""
    draft = " ".join(pieces)
    hits = [TermHit(f"g{n}", _FORMS[t], n, n + 1, t) for n, t in enumerate(targets)]
    source = " ".join(_FORMS[t] for t in targets)
    _, missing = locate_forms(draft, hits)
    text, hows = repair(draft, source, hits)
    assert missing_forms(text, hits) == []
    assert set(hows) == {id(h) for h in missing}
    forms = sorted(set(targets))
    before, after = Counter(count_forms(draft, forms)), Counter(count_forms(text, forms))
    for form in forms:
        assert after[form] <= max(before[form], targets.count(form)), (draft, text)
    english = sorted({_FORMS[t] for t in targets})
    en_before, en_after = Counter(count_forms(draft, english, "ignore")), Counter(count_forms(text, english, "ignore"))
    for form in english:
        inside = sum(targets.count(t) for t in forms if _FORMS[t] == form and form in t)  # "Kremlin" in "le Kremlin"
        assert en_after[form] <= en_before[form] + inside, (draft, text)


# ------------------------------------------------------------------ labels, with scripted engines
class ScriptedEngine:
    """A fake engine for the path logic only (no model): answers each text with a scripted
    function of it. ``steer`` marks, like the real processor's record, which forms the
    constrained pass steered in which text. The real generate is tested further down."""

    supports_logits_processors = True

    def __init__(self, answer, steer=None):
        self.answer = answer
        self.steer = steer or {}
        self.calls: list[list[str]] = []

    def translate(self, texts, logits_processors=None):
        self.calls.append(list(texts))
        if logits_processors is not None:
            record = type("Record", (), {})()
            record.steered = {row: {(form, 0) for form in self.steer.get(text, ())} for row, text in enumerate(texts)}
            logits_processors.processors.append((list(texts), record))
        return [Translation(text=self.answer(t)) for t in texts]


def test_label_natural():
    g = glossary_of("Geneva\tGenève\tplace")
    [out] = translate_locked(ScriptedEngine(lambda t: "À Genève."), ["In Geneva."], g)
    assert [(h.method, h.how) for h in out.terms] == [("natural", "")] and not out.flags


def test_label_placeholder_and_forced_per_term_not_per_segment():
    g = glossary_of("Geneva\tGenève\tplace", "Moscow\tMoscou\tplace")
    placeholder_source = "From Moscou to Genève."
    engine = ScriptedEngine(lambda t: "De Moscou à Genève." if "Genève" in t else "De Moskva à Genf.",
                            steer={placeholder_source: {"Genève"}})
    stats = LockStats()
    [out] = translate_locked(engine, ["From Moscow to Geneva."], g, stats)
    assert [(h.target, h.method) for h in out.terms] == [("Moscou", "placeholder"), ("Genève", "forced")]
    assert FLAG_FORCED in out.flags and "Genève" in out.notes[0] and "Moscou" not in out.notes[0]
    assert stats.terms == {"placeholder": 1, "forced": 1} and stats.segment_paths == {"forced": 1}


def test_forced_is_not_inherited_from_another_segment_holding_a_substring():
    """The old record marked a segment forced when another segment's steered text was a
    substring of it; steering is now kept per text and per form."""
    g = glossary_of("Putin\tPoutine\tperson")
    engine = ScriptedEngine(lambda t: "Poutine a parlé." if "Poutine" in t else "Rien.",
                            steer={"Poutine spoke.": {"Poutine"}})
    out = translate_locked(engine, ["Putin spoke.", "Putin spoke. He said so."], g)
    assert [h.method for h in out[0].terms] == ["forced"]
    assert [h.method for h in out[1].terms] == ["placeholder"] and FLAG_FORCED not in out[1].flags


def test_label_repaired_says_how():
    g = glossary_of("Geneva\tGenève\tplace", "Moscow\tMoscou\tplace", "Ukraine\tUkraine\tplace")
    engine = ScriptedEngine(lambda t: "De Moskau à Geneva, la guerre de.")
    [out] = translate_locked(engine, ["From Moscow to Geneva, the war in Ukraine."], g)
    hows = {h.target: (h.method, h.how) for h in out.terms}
    assert hows["Genève"] == ("repaired", "replaced-english")
    assert hows["Ukraine"] == ("repaired", "inserted")
    assert hows["Moscou"] == ("repaired", "inserted")
    assert FLAG_REPAIRED in out.flags and "in place of the English" in out.notes[0] and "inserted" in out.notes[0]
    assert missing_forms(out.text, g.find("From Moscow to Geneva, the war in Ukraine.")) == []


def test_label_memory_and_human_through_verify_draft():
    g = glossary_of("State Department\tDépartement d'État\torg", "Putin\tPoutine\tperson")
    hits = g.find("The State Department and Putin.")
    ok = verify_draft("Le Département d’État et Poutine.", hits, origin="memory")
    assert not ok.missing and [h.method for h in ok.terms] == ["memory", "memory"]
    assert ok.text == "Le Département d'État et Poutine."  # typographic variant written as locked
    stale = verify_draft("Le Département d'État et Putin.", hits, origin="memory")
    assert [h.target for h in stale.missing] == ["Poutine"]
    human = verify_draft("Le Département d'État et Putin.", hits, origin="human")
    assert human.text == "Le Département d'État et Putin."  # never edited
    assert [(h.method, h.how) for h in human.terms] == [("human", ""), ("human", "missing")]
    assert human.flags == [FLAG_TERM_MISSING] and "Poutine" in human.notes[0]


def test_backend_that_cannot_force_sends_incomplete_segments_to_its_constrained_fallback():
    g = glossary_of("Geneva\tGenève\tplace", "Moscow\tMoscou\tplace")
    fallback = ScriptedEngine(lambda t: "Rencontre à Moscou.", steer={"They met in Moscou.": {"Moscou"}})

    class NoProcessors(ScriptedEngine):
        supports_logits_processors = False

        def constrained_engine(self):
            return fallback

    engine = NoProcessors(lambda t: "Rencontre à Genève." if "Genève" in t else "Rencontre à Genf.")
    stats = LockStats()
    out = translate_locked(engine, ["They met in Geneva.", "They met in Moscow."], g, stats)
    assert [h.method for h in out[0].terms] == ["placeholder"]
    assert [h.method for h in out[1].terms] == ["forced"] and "this backend cannot constrain" in out[1].notes[0]
    assert fallback.calls == [["They met in Moscou."]] and stats.fallback_segments == 1
    assert stats.terms["repaired"] == 0


# ------------------------------------------------------------------ the real generate
# The real generate on the whole test corpus (forced observed, repaired 0, every form once per hit)
# is tests/test_lock.py::test_locking_end_to_end_on_the_test_corpus; here, that a broken processor
# would fail it.
def test_a_processor_that_does_not_steer_shows_as_repairs(engine, monkeypatch):
    from translate.mt import termlock

    monkeypatch.setattr(termlock.ForceTerms, "__call__", lambda self, input_ids, scores: scores)
    g = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson", "Geneva\tGenève\tplace")
    stats = LockStats()
    translate_locked(engine, ["Sergey Lavrov arrived in Geneva on Tuesday for talks."], g, stats)
    assert stats.terms["forced"] == 0 and stats.terms["repaired"] > 0


def test_beam_search_labels_only_what_the_kept_hypothesis_was_steered_into(engine):
    from translate.mt.engine import EngineSettings, MarianEngine

    beam = MarianEngine(engine.model, engine.tokenizer, model_id=engine.model_id, revision=engine.revision,
                        device=engine.device, settings=EngineSettings(beam_size=3), is_test_model=True)
    g = glossary_of("Moscow\tMoscou\tplace", "Vladimir Putin\tVladimir Poutine\tperson")
    texts = ["Vladimir Putin returned to Moscow.", "Moscow says so."]
    stats = LockStats()
    out = translate_locked(beam, texts, g, stats)
    for text, tr in zip(texts, out):
        assert missing_forms(tr.text, g.find(text)) == [], tr.text
    assert stats.terms["repaired"] == 0 and stats.terms["forced"] > 0


@pytest.fixture(scope="module")
def ct2_dir(test_model_dir, tmp_path_factory):
    pytest.importorskip("ctranslate2", reason="the optional extra ctranslate2 is not installed")
    from translate.mt.backends.ctranslate2 import convert_model

    return convert_model(str(test_model_dir), tmp_path_factory.mktemp("ct2") / "tiny-ct2", quantization="int8")


def test_ctranslate2_locking_goes_through_the_transformers_constrained_pass(ct2_dir):
    from translate.mt.backends import load_backend
    from translate.mt.engine import EngineSettings

    ct2 = load_backend("ctranslate2", str(ct2_dir), device="cpu", settings=EngineSettings(beam_size=1))
    g = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson", "Geneva\tGenève\tplace")
    texts = ["Sergey Lavrov arrived in Geneva on Tuesday.", "Talks in Geneva went on."]
    stats = LockStats()
    out = translate_locked(ct2, texts, g, stats)
    assert stats.fallback_segments > 0 and ct2.stats.fallback_load_seconds > 0
    assert stats.terms["repaired"] == 0
    for text, tr in zip(texts, out):
        assert missing_forms(tr.text, g.find(text)) == []


def test_ctranslate2_without_the_original_model_repairs_and_says_why(ct2_dir, tmp_path):
    import shutil

    from translate.mt.backends import load_backend
    from translate.mt.engine import EngineSettings

    moved = tmp_path / "ct2"
    shutil.copytree(ct2_dir, moved)
    meta = json.loads((moved / "translate-convert.json").read_text("utf-8"))
    meta["model"] = meta["source-path"] = str(tmp_path / "gone")  # the original model moved away
    (moved / "translate-convert.json").write_text(json.dumps(meta), "utf-8")
    ct2 = load_backend("ctranslate2", str(moved), device="cpu", settings=EngineSettings(beam_size=1))
    g = glossary_of("Sergey Lavrov\tSergueï Lavrov\tperson")
    stats = LockStats()
    [out] = translate_locked(ct2, ["Sergey Lavrov arrived."], g, stats)
    assert stats.terms["forced"] == 0 and "Sergueï Lavrov" in out.text
    assert ct2.constrained_engine() is None and "not available" in ct2.fallback_error


# ------------------------------------------------------------------ bad input
def test_zero_width_characters_are_removed_at_ingestion_and_listed():
    from translate.ingest.reader import ingest_string

    article = ingest_string("Vladimir Pu\u200dtin and Sergey\u200b Lavrov met. Family: \U0001F468\u200d\U0001F469.\n",
                            slug="zw")
    [seg] = article.segments[:1]
    assert "Vladimir Putin" in seg.source and "\u200d\U0001F469" in article.blocks[0].text
    g = glossary_of("Vladimir Putin\tVladimir Poutine\tperson")
    assert [h.source_text for h in g.find(seg.source)] == ["Vladimir Putin"]


@pytest.mark.parametrize("draft, expected", [
    ("Le Kremlin a dit.", "Le Kremlin a dit."),  # there, capitalised at the sentence start
    ("Kremlin a dit.", "le Kremlin a dit."),  # the English replaced, once
    ("Il a dit.", None),  # inserted
])
def test_a_french_form_holding_its_english_form_is_repaired_once(draft, expected):
    g = glossary_of("Kremlin\tle Kremlin\torg", "Pentagon\tPentagone\torg")
    source = "The Kremlin said."
    hits = g.find(source)
    text, hows = repair(draft, source, hits)
    if expected is not None:
        assert text == expected
    assert count_forms(text, ["le Kremlin"]) == ["le Kremlin"] and count_forms(text, ["Kremlin"]) == ["Kremlin"]
    text, _ = repair("le Pentagon et le Pentagone", "The Pentagon and the Pentagon.", g.find("The Pentagon and the Pentagon."))
    assert text == "le Pentagone et le Pentagone"
