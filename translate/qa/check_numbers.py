"""Numbers and amounts: every figure of the source in the French, in its French form.

Figures are compared by their canonical keys (translate/qa/numbers.py): a figure missing, added
or changed is an error; a figure present but written the English way (4.3, 4,300,000, 22nd,
June 16, 10:30 a.m.) is a warning naming the French form. Number words are soft: "eight" may be
"8" or "huit", and "huit" may stand for 8, but words are never required.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from translate.qa.numbers import Quantity, to_french
from translate.qa.registry import register
from translate.qa.numbers import format_french_number

register("number-missing", "numbers", "error", "a figure of the source is not in the French")
register("number-added", "numbers", "error", "the French has a figure the source does not")
register("number-changed", "numbers", "error", "a figure of the source has another value in the French")
register("number-format", "numbers", "warning", "a figure written the English way (4.3, 4,300,000, 22nd)")
register("date-format", "numbers", "warning", "a date written the English way (June 16)")
register("time-format", "numbers", "warning", "a time written the English way (10:30, 10:30 a.m.)")


def _english_reading(q: Quantity) -> str | None:
    """A French-parsed figure read the English way: 2,500 → 2500 (a leftover thousands comma)."""
    if q.kind not in ("number", "percent") or q.english_form:
        return None
    text = q.text.split()[0] if q.text else ""
    if "," in text and len(text.rsplit(",", 1)[1]) == 3:
        value = Decimal(text.replace(",", "").rstrip("%"))
        return format(value.normalize(), "f")
    return None


def check(ctx) -> list:
    src = ctx.source_quantities
    tgt = ctx.target_quantities
    findings = []
    need = Counter(q.key for q in src if not q.soft)
    soft_src = Counter(q.key for q in src if q.soft)
    have = Counter(q.key for q in tgt if not q.soft)
    soft_tgt = Counter(q.key for q in tgt if q.soft)
    # A source date may be rendered by its day alone ("le 16"); a source year-less date is fine.
    for q in src:
        if q.kind == "date" and have[q.key] < need[q.key]:
            day = q.key.split("-")[1]
            if have[day] > 0:
                have[day] -= 1
                have[q.key] += 1
    # Format problems: English forms left in the French.
    for q in tgt:
        if q.soft:
            continue
        if q.english_form:
            fix = _french_fix(q)
            check_id = {"date": "date-format", "time": "time-format"}.get(q.kind, "number-format")
            findings.append(ctx.finding(check_id, f"“{q.text}” is the English form: write “{fix}”"))
    # Figures read as French decimals that match the source only when read the English way.
    tgt_keys = [q for q in tgt if not q.soft]
    for q in tgt_keys:
        reading = _english_reading(q)
        if reading and need[reading] > have[reading] and have[q.key] > need[q.key]:
            have[q.key] -= 1
            have[reading] += 1
            findings.append(ctx.finding("number-format", f"“{q.text}” reads as a decimal in French: write "
                                        f"“{to_french(Quantity(reading, 'number', '', 0, 0))}” for {reading}"))
    missing = []
    for key, count in need.items():
        short = count - have[key] - soft_tgt[key]
        missing += [key] * max(0, short)
    added = []
    for key, count in have.items():
        extra = count - need[key] - soft_src[key]
        if extra > 0 and not key.startswith("date:"):
            added += [key] * extra
        elif extra > 0:
            day = key.split("-")[1]  # a French date whose day the source gave alone
            if need[day] + soft_src[day] < extra:
                added += [key] * extra
    shown = {q.key: q.text for q in src}
    shown_t = {q.key: q.text for q in tgt}
    while missing and added:
        a, b = missing.pop(0), added.pop(0)
        findings.append(ctx.finding("number-changed", f"“{shown.get(a, a)}” became “{shown_t.get(b, b)}”: "
                                    f"the French must say “{_french(a, src)}”"))
    for key in missing:
        findings.append(ctx.finding("number-missing", f"“{shown.get(key, key)}” is missing from the French "
                                    f"(write “{_french(key, src)}”)"))
    for key in added:
        findings.append(ctx.finding("number-added", f"“{shown_t.get(key, key)}” is in the French but not in the "
                                    "source: remove it or check the source"))
    return findings


def _french_fix(q: Quantity) -> str:
    """The French form of a figure left in English form, keeping the words around it
    ("2.3 millions de dollars" → "2,3 millions de dollars")."""
    if q.kind in ("number", "percent", "year"):
        m = re.match(r"\d[\d,.]*", q.text)
        if m:
            plain = m.group(0).rstrip(".,")
            value = Decimal(plain.replace(",", "")) if "." in plain or plain.count(",") != 1 or len(plain.rsplit(",", 1)[1]) == 3 \
                else Decimal(plain.replace(",", "."))
            return format_french_number(value) + q.text[len(plain):]
    return to_french(q)


def _french(key: str, quantities: list[Quantity]) -> str:
    for q in quantities:
        if q.key == key:
            return to_french(q)
    return key
