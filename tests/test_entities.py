"""Entity candidates for `glossary suggest` and the check's uncovered list."""

from __future__ import annotations

from types import SimpleNamespace

from translate.glossary import entities
from translate.glossary.entities import candidates, heuristic_spans, suggestions_tsv
from translate.glossary.entries import Glossary, merge_entries, parse_tsv


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[a:b], kind) for a, b, kind in heuristic_spans(text)]


def test_heuristic_finds_names_camelcase_acronyms_not_sentence_capitals():
    assert spans("Officials at the Bank of England met DarkSide and NATO chiefs in the U.S. on Monday.") == [
        ("Bank of England", "name"), ("DarkSide", "camelcase"), ("NATO", "acronym"), ("U.S.", "acronym")]
    # A single capitalised word at the start may be the sentence's capital only.
    assert spans("Officials said so.") == []
    assert spans("The Kremlin said so.") == [("Kremlin", "name")]
    assert spans("“Putin's aides left,” he said.") == []
    assert spans("He met Sergey Lavrov's deputy.") == [("Sergey Lavrov", "name")]


def test_candidates_skip_covered_spans_and_count():
    entries, _ = merge_entries(parse_tsv("en\tfr\nVladimir Putin\tVladimir Poutine\n", "g.tsv"))
    g = Glossary(entries=entries)
    items = [("a", "He met Vladimir Putin and Xi Jinping."), ("b", "Later, Xi Jinping left.")]
    found = candidates(items, g)
    assert [(c.text, c.count, c.first_ref) for c in found] == [("Xi Jinping", 2, "a")]
    tsv = suggestions_tsv(found)
    assert tsv.splitlines()[0] == "en\tfr\ttype\tnote" and "Xi Jinping\t\t\t" in tsv and "# 2x:" in tsv


def test_spacy_entities_add_types(monkeypatch):
    """spaCy itself is an optional extra; a small fake pipeline stands in for it here, to test how
    its entities are merged with the heuristic's (labels become glossary types)."""

    def fake_nlp(text):
        ents = []
        for name, label in (("Xi Jinping", "PERSON"), ("Beijing", "GPE"), ("ransomware", "PRODUCT")):
            at = text.find(name)
            if at != -1:
                ents.append(SimpleNamespace(text=name, start_char=at, label_=label))
        return SimpleNamespace(ents=ents)

    monkeypatch.setattr(entities, "_spacy_pipeline", lambda: fake_nlp)
    found = {c.text: c for c in candidates([("a", "Today Xi Jinping flew to Beijing.")], None, use_spacy=True)}
    assert found["Xi Jinping"].type_guess == "person" and found["Beijing"].type_guess == "place"
