"""Long sentences split at the best clause boundary: ; : dashes, ", and"/", but", never inside brackets when avoidable."""

from __future__ import annotations

from translate.mt.longsplit import split_to_fit


def pieces(text: str, width: int) -> list[str]:
    return [text[a:b] for a, b in split_to_fit(text, lambda s: len(s) <= width)]


def test_semicolon_before_comma():
    text = "The minister said the budget would grow, slowly; the opposition disagreed, loudly"
    assert pieces(text, 50) == ["The minister said the budget would grow, slowly;", "the opposition disagreed, loudly"]


def test_conjunction_after_comma_before_a_bare_comma():
    text = "Prices rose in Paris, Lyon and Lille, but wages stayed flat in every region"
    assert pieces(text, 45)[0] == "Prices rose in Paris, Lyon and Lille,"


def test_dashes_spaced_and_unspaced():
    assert pieces("The talks — long and tense — ended at noon", 25) == ["The talks —", "long and tense", "— ended at noon"]
    dashed = "The talks—which were long—ended"
    out = pieces(dashed, 20)
    assert "".join(out) == dashed and len(out) > 1


def test_brackets_and_quotes_are_kept_whole_when_possible():
    text = "He said (first, second, third) that it was over, and then he left the room quietly"
    assert all("(" not in p or ")" in p for p in pieces(text, 50))
    quoted = "She called it “a mess, a scandal” and walked out, slamming the door behind her"
    assert pieces(quoted, 50) == ["She called it “a mess, a scandal” and walked out,", "slamming the door behind her"]
