"""Number normalisation (translate/qa/numbers.py): examples, and properties over generated figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.qa.numbers import (NNBSP, Quantity, english_quantities, english_to_french_text, french_quantities,
                                  to_english, to_french)


def keys(quantities, soft=False):
    return [q.key for q in quantities if soft or not q.soft]


@pytest.mark.parametrize("english, french, key", [
    ("4.3", "4,3", "4.3"),
    ("$4.3 million", "4,3 millions de dollars", "4300000"),
    ("53%", f"53{NNBSP}%", "53"),
    ("53 percent", "53 pour cent", "53"),
    ("4,300,000", f"4{NNBSP}300{NNBSP}000", "4300000"),
    ("2,500", "2 500", "2500"),
    ("£140,000", "140 000 livres", "140000"),
    ("22nd", "22e", "ord:22"),
    ("1st", "1er", "ord:1"),
    ("June 16", "16 juin", "date:6-16"),
    ("16 June", "16 juin", "date:6-16"),
    ("June 1", "1er juin", "date:6-1"),
    ("10:30 a.m.", "10 h 30", "time:10:30"),
    ("3 p.m.", "15 h", "time:15:00"),
    ("18:00", "18 h", "time:18:00"),
    ("$3 trillion", "3 000 milliards de dollars", "3000000000000"),
    ("$3bn", "3 milliards de dollars", "3000000000"),
    ("$225m", "225 millions de dollars", "225000000"),
])
def test_english_and_french_forms_share_a_key(english, french, key):
    assert keys(english_quantities(english)) == [key]
    assert keys(french_quantities(french)) == [key]


def test_names_with_digits_are_not_figures():
    assert keys(english_quantities("The G-20 met on COVID-19 and the A4 road, in MP3 format, at UTC+2.")) == []
    assert keys(french_quantities("Le G20 s’est réuni sur la COVID-19 et l’A4, au format MP3, à UTC+2.")) == []


def test_french_text_with_english_forms_is_marked():
    found = {q.text: q.english_form for q in french_quantities("4.3 et 4,300,000 et 22nd et June 16 et 10:30 et 4,3")}
    assert found == {"4.3": True, "4,300,000": True, "22nd": True, "June 16": True, "10:30": True, "4,3": False}


def test_words_are_soft():
    assert [(q.key, q.soft) for q in english_quantities("Eight people and 12 cars")] == [("8", True), ("12", False)]
    assert [(q.key, q.soft) for q in french_quantities("Huit personnes et dix-neuf voitures")] == [("8", True), ("19", True)]


def test_whole_sentences():
    text = "Revenue rose to $4.3 million, up 53% from 2,500 on June 16 at 10:30 a.m."
    assert english_to_french_text(text) == (f"Revenue rose to 4,3 millions de dollars, up 53{NNBSP}% from 2{NNBSP}500 "
                                            "on 16 juin at 10 h 30")


# ---------------------------------------------------------------------------- properties
amounts = st.decimals(min_value=0, max_value=10 ** 13, places=2, allow_nan=False, allow_infinity=False)


def _figures():
    def q(kind, key):
        return Quantity(key, kind, "", 0, 0)

    from translate.qa.numbers import canonical

    return st.one_of(
        amounts.map(lambda v: q("number", canonical(v))),
        st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False, allow_infinity=False).map(
            lambda v: q("percent", canonical(v))),
        amounts.map(lambda v: q("money", canonical(v))),
        st.integers(1, 3000).map(lambda n: q("ordinal", f"ord:{n}")),
        st.tuples(st.integers(1, 12), st.integers(1, 28)).map(lambda md: q("date", f"date:{md[0]}-{md[1]}")),
        st.tuples(st.integers(0, 23), st.sampled_from([0, 5, 15, 30, 45, 59])).map(
            lambda hm: q("time", f"time:{hm[0]}:{hm[1]:02d}")),
    )


@settings(max_examples=300, deadline=None)
@given(_figures(), st.sampled_from(["$", "£", "€"]))
def test_english_form_to_french_form_and_back(figure, currency):
    english = to_english(figure, currency=currency)
    found = [q for q in english_quantities(english) if not q.soft]
    assert [q.key for q in found] == [figure.key], english
    french = to_french(found[0], currency=currency)
    back = [q for q in french_quantities(french) if not q.soft]
    assert [q.key for q in back] == [figure.key], french
    assert not back[0].english_form, french
    again = to_english(back[0], currency=currency)
    assert [q.key for q in english_quantities(again) if not q.soft] == [figure.key], again


@settings(max_examples=200, deadline=None)
@given(amounts)
def test_english_number_layouts(value):
    """Any English layout of a number (with or without thousands commas, in a sentence) has one key."""
    from translate.qa.numbers import canonical, format_english_number

    key = canonical(value)
    for text in (format_english_number(value), format_english_number(value, commas=False)):
        sentence = f"The bill came to {text} in all."
        assert keys(english_quantities(sentence)) == [key], sentence


@settings(max_examples=200, deadline=None)
@given(amounts)
def test_english_form_left_in_french_is_found_with_its_value(value):
    """A number the MT left in English form (4.3, 4,300,000) reads as itself in French text, marked."""
    from translate.qa.numbers import canonical, format_english_number

    text = format_english_number(value)
    found = [q for q in french_quantities(f"Le total atteint {text} au final.") if not q.soft]
    assert len(found) == 1
    unambiguous = "." in text or text.count(",") >= 2
    if unambiguous:
        assert found[0].key == canonical(value) and found[0].english_form
    elif "," not in text:
        assert found[0].key == canonical(value) and not found[0].english_form


def test_decimal_keys_ignore_trailing_zeros():
    assert keys(english_quantities("4.30")) == keys(french_quantities("4,3")) == ["4.3"]
    assert Decimal(keys(english_quantities("$1.50 billion"))[0]) == Decimal("1500000000")
