"""French typography: each rule on a table of cases, and properties of the whole rule set."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings, strategies as st

from translate.publish.typography import (
    NBSP,
    NNBSP,
    RULE_NAMES,
    RULES,
    apply_typography,
    apostrophes,
    ellipsis,
    numbers,
    percent,
    punctuation_spaces,
    quotes,
    select_rules,
)

N, F = NBSP, NNBSP


@pytest.mark.parametrize("text, expected", [
    ('Il a dit "bonjour" hier.', f"Il a dit «{N}bonjour{N}» hier."),
    ("“There was no hostility,” he said.", f"«{N}There was no hostility,{N}» he said."),
    ("« mal espacé »", f"«{N}mal espacé{N}»"),
    ("«déjà collé»", f"«{N}déjà collé{N}»"),
    ('"Il a dit "oui" puis non"', f"«{N}Il a dit “oui” puis non{N}»"),
    ("« Il a dit “oui” »", f"«{N}Il a dit “oui”{N}»"),
    ("Le sommet ‘plutôt constructif’ de Genève", f"Le sommet «{N}plutôt constructif{N}» de Genève"),
    ("l’État et l’homme", "l’État et l’homme"),  # apostrophes are not quotes
    ('un écran de 12" seulement', 'un écran de 12" seulement'),  # a stray closing mark is inches
    ('("entre parenthèses")', f"(«{N}entre parenthèses{N}»)"),
])
def test_quotes(text, expected):
    assert quotes(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Quoi? Vraiment!", f"Quoi{F}? Vraiment{F}!"),
    ("Note: ceci ; cela", f"Note{F}: ceci{F}; cela"),
    ("Hein ?!", f"Hein{F}?!"),
    (f"Déjà{F}? Oui{N}!", f"Déjà{F}? Oui{F}!"),
    ("le score est de 3:1", "le score est de 3:1"),
    ("(?) et (!)", "(?) et (!)"),
    ("?début", "?début"),
    (f"«{N}Vraiment{N}»?", f"«{N}Vraiment{N}»{F}?"),
])
def test_punctuation_spaces(text, expected):
    assert punctuation_spaces(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("4.3 millions", "4,3 millions"),
    ("4,300,000 dollars", f"4{F}300{F}000 dollars"),
    ("1,234.5 km", f"1{F}234,5 km"),
    ("2,500 manifestants", "2,500 manifestants"),  # also a French decimal: left as written
    ("4,3 millions", "4,3 millions"),
    ("version 1.2.3", "version 1.2.3"),
    ("le 4.5.2024", "le 4.5.2024"),
    ("v1.2 et A4.3", "v1.2 et A4.3"),
    ("Il fait 25.2 degrés.", "Il fait 25,2 degrés."),
    ("en 2024.", "en 2024."),
])
def test_numbers(text, expected):
    assert numbers(text) == expected


@pytest.mark.parametrize("rule, text, expected", [
    (apostrophes, "l'homme d'État aujourd'hui", "l’homme d’État aujourd’hui"),
    (apostrophes, "'citation'", "'citation'"),  # not between letters: quotes are another rule
    (ellipsis, "Et puis...", "Et puis…"),
    (ellipsis, "Et puis....", "Et puis...."),
    (percent, "53% des voix", f"53{F}% des voix"),
    (percent, "53 % des voix", f"53{F}% des voix"),
])
def test_small_rules(rule, text, expected):
    assert rule(text) == expected


@pytest.mark.parametrize("text", [
    "https://news.example.org/a?b=1:2&c='x' !",
    "écrire à redaction@example.org ; merci",
    "rendez-vous à 10:30 ou 9:05:59",
    "le code &amp; et &#233;",
    "www.example.com/x?y=4.3",
])
def test_protected_spans_survive(text):
    out = apply_typography(text)
    for span in re.findall(r"https?://\S+[^\s!;]|[\w.]+@[\w.]+\w|\d+:\d\d(?::\d\d)?|&#?\w+;|www\.\S+", text):
        assert span in out, (span, out)


def test_the_seed_sentence_reads_french():
    out = apply_typography('"Il n\'y avait aucune hostilité. Bien au contraire", a dit Poutine: 4.3 millions?')
    assert out == f"«{N}Il n’y avait aucune hostilité. Bien au contraire{N}», a dit Poutine{F}: 4,3 millions{F}?"


def test_rules_can_be_switched_off_and_chosen():
    text = 'Il a dit "oui": 4.3%'
    assert apply_typography(text, ()) == text
    assert apply_typography(text, select_rules(["numbers"])) == "Il a dit \"oui\": 4,3%"
    assert select_rules(None) == RULES
    with pytest.raises(Exception, match="unknown typography rule"):
        select_rules(["guillemets"])
    assert set(RULE_NAMES) == {"numbers", "percent", "apostrophes", "ellipsis", "quotes", "punctuation-spaces"}


def test_inline_code_placeholders_are_kept_and_transparent():
    # \ue000 / \ue001 stand for <em> and </em>: the quote after </em> closes, the ! gets its space.
    text = '"\ue000oui\ue001"! l\'\ue000État\ue001'
    out = apply_typography(text)
    assert out == f"«{N}\ue000oui\ue001{N}»{F}! l’\ue000État\ue001"


# Text as MT and translators produce it: letters, digits, the punctuation the rules care about.
typo_text = st.text(
    st.sampled_from(list("abcdeéÉ 0123456789.,;:!?'\"“”‘’«»()%-\n") + [NBSP, NNBSP, "\ue000", "\ue001"]),
    max_size=60,
) | st.builds(lambda a, b: a + " https://ex.org/p?q=1:2 " + b, st.text("ab ,.:?!\"'", max_size=10),
              st.text("ab ,.:?!\"'", max_size=10))


def _skeleton(text: str) -> str:
    """What the rules may not change: the text without spaces, quotes, separators made uniform."""
    text = re.sub(f"[\\s{NBSP}{NNBSP}]", "", text)
    text = re.sub("[\"“”‘’'«»]", "Q", text).replace("…", "...")
    return re.sub(r"(?<=\d)[.,](?=\d)", "", text)


@settings(max_examples=200, deadline=None)
@given(typo_text)
@example("‘ab’ c ‘d")
@example('"a "b" c"! 4,300,000.5 " ?')
def test_rules_are_idempotent(text):
    once = apply_typography(text)
    assert apply_typography(once) == once


@settings(max_examples=200, deadline=None)
@given(typo_text)
@example("‘ab’ c")
@example('"a "b" c"! 4,300,000.5')
def test_rules_change_only_typography(text):
    out = apply_typography(text)
    assert _skeleton(out) == _skeleton(text)
    # Inline-code placeholders are never dropped, duplicated or reordered.
    assert re.findall("[\ue000-\uf8ff]", out) == re.findall("[\ue000-\uf8ff]", text)
    if "https://ex.org/p?q=1:2" in text:
        assert "https://ex.org/p?q=1:2" in out
