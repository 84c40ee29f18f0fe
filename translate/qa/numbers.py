"""Numbers, amounts, percentages, ordinals, dates and times in English and French text.

Each figure found is a :class:`Quantity` with a canonical ``key`` that is the same for the
English form and its French form: ``4.3`` and ``4,3`` → ``4.3``; ``$4.3 million`` and
``4,3 millions de dollars`` → ``4300000``; ``53%`` and ``53 %`` → ``53``; ``22nd`` and ``22e``
→ ``ord:22``; ``June 16`` and ``16 juin`` → ``date:6-16``; ``10:30 a.m.`` and ``10 h 30`` →
``time:10:30``. The number check compares the keys of source and target as multisets.

Figures written with digits must match; number words ("eight", "huit") are *soft*: they satisfy
a figure on the other side but are never required. Digits glued to letters (G-20, COVID-19, A4,
MP3) are names, not quantities, on both sides.

:func:`to_french` and :func:`to_english` turn one figure into the other language's form, the
way a French newsroom writes it (narrow no-break spaces between digit groups and before ``%``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NNBSP = "\u202f"
NBSP = "\u00a0"
_SP = f" {NBSP}{NNBSP}\u2009\u2007"  # spaces French uses between digit groups

# ------------------------------------------------------------------------------- vocabulary
EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")
_EN_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                  "oct": 10, "nov": 11, "dec": 12}
_EN_MONTH = {m: i for i, m in enumerate(EN_MONTHS, 1)} | _EN_MONTH_ABBR
_FR_MONTH = {m: i for i, m in enumerate(FR_MONTHS, 1)} | {"fevrier": 2, "aout": 8, "decembre": 12}

EN_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "m": 6, "mn": 6, "bn": 9, "b": 9,
             "k": 3, "tn": 12}
# French "billion" is 10^12 (long scale); "milliard" is 10^9.
FR_SCALES = {"mille": 3, "million": 6, "millions": 6, "milliard": 9, "milliards": 9, "billion": 12,
             "billions": 12, "md": 9, "mds": 9, "mrd": 9, "mrds": 9}

CURRENCIES = {  # symbol or code -> (French name singular, plural, English symbol)
    "$": ("dollar", "dollars", "$"), "us$": ("dollar américain", "dollars américains", "US$"),
    "£": ("livre", "livres", "£"), "€": ("euro", "euros", "€"), "¥": ("yen", "yens", "¥"),
    "nz$": ("dollar néo-zélandais", "dollars néo-zélandais", "NZ$"),
    "a$": ("dollar australien", "dollars australiens", "A$"), "c$": ("dollar canadien", "dollars canadiens", "C$"),
}
_FR_CURRENCY_WORDS = {"dollar": "$", "dollars": "$", "livre": "£", "livres": "£", "euro": "€", "euros": "€",
                      "yen": "¥", "yens": "¥", "francs": "CHF", "franc": "CHF"}

EN_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
            "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
            "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
            "dozen": 12, "first": "ord:1", "second": "ord:2", "third": "ord:3", "fourth": "ord:4", "fifth": "ord:5",
            "sixth": "ord:6", "seventh": "ord:7", "eighth": "ord:8", "ninth": "ord:9", "tenth": "ord:10",
            "half": "0.5", "noon": "time:12:00", "midnight": "time:0:00"}
FR_WORDS = {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
            "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
            "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20, "trente": 30,
            "quarante": 40, "cinquante": 50, "soixante": 60, "soixante-dix": 70, "quatre-vingt": 80,
            "quatre-vingts": 80, "quatre-vingt-dix": 90, "cent": 100, "douzaine": 12, "premier": "ord:1",
            "première": "ord:1", "deuxième": "ord:2", "second": "ord:2", "seconde": "ord:2", "troisième": "ord:3",
            "quatrième": "ord:4", "cinquième": "ord:5", "sixième": "ord:6", "septième": "ord:7",
            "huitième": "ord:8", "neuvième": "ord:9", "dixième": "ord:10", "demi": "0.5", "demie": "0.5",
            "moitié": "0.5", "midi": "time:12:00", "minuit": "time:0:00"}

# Units that may be glued to a figure without making it a name (10km, 5bn, 3m).
_UNITS = {"km", "m", "cm", "mm", "kg", "g", "mg", "t", "l", "ml", "h", "s", "mph", "kmh", "gb", "mb", "tb", "kb",
          "mw", "gw", "kw", "kwh", "ft", "in", "lb", "lbs", "oz", "bn", "mn", "k", "b", "tn", "md", "mds",
          "ha", "km2", "m2", "x", "pm", "am", "st", "nd", "rd", "th", "er", "re", "e", "ème", "eme", "es", "ers",
          "res"}


@dataclass(frozen=True)
class Quantity:
    """A figure found in text: ``key`` compares across languages; ``soft`` for number words."""

    key: str
    kind: str  # number, percent, money, ordinal, date, time, year
    text: str
    start: int
    end: int
    soft: bool = False
    english_form: bool = False  # a French text holding the figure in its English form (4.3, 22nd, 10:30)


def canonical(value: Decimal) -> str:
    """A decimal as its shortest exact string: 4.30 → 4.3, 4.3E+6 → 4300000."""
    value = abs(value)
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# ------------------------------------------------------------------------------- English
_EN_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_EN_CUR = r"(?:US\$|NZ\$|A\$|C\$|\$|£|€|¥)"
_EN_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|m|tn|k)\b"
_EN_MONTH_RE = r"(?:" + "|".join(sorted((m.capitalize() for m in _EN_MONTH), key=len, reverse=True)) + r")\.?"

_EN_PATTERNS = [
    # time: 10:30 a.m., 10 a.m., 3:30pm, 18:00
    ("time", re.compile(r"(?<![\w.:,])(\d{1,2})(?::(\d{2}))?\s?(a\.m\.|p\.m\.|am\b|pm\b|a\.m\b|p\.m\b)", re.I)),
    ("time24", re.compile(r"(?<![\w.:,])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")),
    # dates: June 16, 2021 / June 16 / 16 June 2021
    ("date_md", re.compile(r"\b(" + _EN_MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!:)(?:,?\s+(\d{4})\b)?")),
    ("date_dm", re.compile(r"(?<![\w.,])(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _EN_MONTH_RE + r")(?:,?\s+(\d{4})\b)?")),
    ("ordinal", re.compile(r"(?<![\w.,])(\d+)(st|nd|rd|th)\b")),
    # money: $4.3 million, £140,000, US$5bn, 5 million dollars
    ("money", re.compile(r"(" + _EN_CUR + r")\s?(" + _EN_NUM + r")(?:[\s-]?(" + _EN_SCALE + r"))?", re.I)),
    ("percent", re.compile(r"(?<![\w.,])(" + _EN_NUM + r")\s?(%|percent\b|per\s+cent\b|pc\b)", re.I)),
    ("number", re.compile(r"(?<![\w.,])(" + _EN_NUM + r")(?:[\s-]?(" + _EN_SCALE + r"))?", re.I)),
]


def _glued(text: str, start: int, end: int) -> bool:
    """Digits that belong to a name or code: G-20, COVID-19, A4, MP3, UTC+2, 5G, 3D."""
    before = text[max(0, start - 2):start]
    if before[-1:].isalpha() or (before[-1:] in "-+/_" and before[:1].isalpha()):
        return True
    if before[-1:] in "-+/_" and len(before) == 2 and before[0] == "-":
        return False
    after = re.match(r"[^\W\d_]+", text[end:])
    if after and after.group(0).lower() not in _UNITS:
        return True
    return False


def english_quantities(text: str) -> list[Quantity]:
    """Every figure in English ``text`` (digits strict, number words soft), in text order."""
    found: list[Quantity] = []
    taken = [False] * len(text)

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def add(q: Quantity) -> None:
        for i in range(q.start, q.end):
            taken[i] = True
        found.append(q)

    for kind, pattern in _EN_PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if not free(a, b):
                continue
            if kind == "time":
                hour, minute, mer = int(m.group(1)), int(m.group(2) or 0), m.group(3).lower()
                if not 1 <= hour <= 12 or minute > 59:
                    continue
                hour = hour % 12 + (12 if mer.startswith("p") else 0)
                add(Quantity(f"time:{hour}:{minute:02d}", "time", m.group(0), a, b))
            elif kind == "time24":
                if _glued(text, a, b):
                    continue
                add(Quantity(f"time:{int(m.group(1))}:{m.group(2)}", "time", m.group(0), a, b))
            elif kind in ("date_md", "date_dm"):
                month_text, day_text = (m.group(1), m.group(2)) if kind == "date_md" else (m.group(2), m.group(1))
                month = _EN_MONTH.get(month_text.rstrip(".").lower())
                day = int(day_text)
                if month is None or not 1 <= day <= 31:
                    continue
                end_date = m.start(3) if m.group(3) else b
                shown = text[a:end_date].rstrip(", ")
                add(Quantity(f"date:{month}-{day}", "date", shown, a, a + len(shown)))
                if m.group(3):
                    add(Quantity(m.group(3), "year", m.group(3), m.start(3), m.end(3)))
            elif kind == "ordinal":
                if _glued(text, a, a):
                    continue
                add(Quantity(f"ord:{int(m.group(1))}", "ordinal", m.group(0), a, b))
            else:
                if kind == "money":
                    num, scale = m.group(2), m.group(3)
                elif kind == "percent":
                    num, scale = m.group(1), None
                else:
                    num, scale = m.group(1), m.group(2)
                    if _glued(text, a, m.end(1)) and not scale:
                        continue
                    if scale and scale.lower() in ("m", "k", "b") and re.match(r"[^\W\d_]", text[m.end():m.end() + 1] or " "):
                        continue
                value = _dec(num.replace(",", ""))
                if value is None:
                    continue
                if scale:
                    value = value.scaleb(EN_SCALES[scale.lower()])
                kind_out = "year" if kind == "number" and re.fullmatch(r"1\d{3}|20\d{2}", num) else kind
                add(Quantity(canonical(value), kind_out, m.group(0), a, b))
    for m in re.finditer(r"\b[A-Za-z]+(?:-[A-Za-z]+)?\b", text):
        word = m.group(0).lower()
        if word in EN_WORDS and free(m.start(), m.end()):
            value = EN_WORDS[word]
            add(Quantity(str(value), "word", m.group(0), m.start(), m.end(), soft=True))
        elif "-" in word:
            parts = word.split("-")
            if all(p in EN_WORDS for p in parts) and isinstance(EN_WORDS[parts[0]], int) and isinstance(EN_WORDS[parts[1]], int):
                add(Quantity(str(EN_WORDS[parts[0]] + EN_WORDS[parts[1]]), "word", m.group(0), m.start(), m.end(), soft=True))
            else:
                for p in re.finditer(r"[A-Za-z]+", m.group(0)):
                    if p.group(0).lower() in EN_WORDS:
                        s, e = m.start() + p.start(), m.start() + p.end()
                        if free(s, e):
                            add(Quantity(str(EN_WORDS[p.group(0).lower()]), "word", p.group(0), s, e, soft=True))
    return sorted(found, key=lambda q: q.start)


# ------------------------------------------------------------------------------- French
_FR_INT = r"(?:\d{1,3}(?:[" + _SP + r"]\d{3})+|\d+)"
_FR_NUM = _FR_INT + r"(?:,\d+)?"
_FR_SCALE = r"(?:mille|millions?|milliards?|billions?|Mds?|Mrds?)\b"
_FR_MONTH_RE = r"(?:" + "|".join(sorted(_FR_MONTH, key=len, reverse=True)) + r")\b"
_FR_CUR_WORDS = r"(?:de\s+|d['’])?(?:dollars?|livres?|euros?|yens?|francs?)(?:\s+(?:américains?|néo-zélandais|australiens?|canadiens?|sterling|suisses?|US))?"

_FR_PATTERNS = [
    ("time", re.compile(r"(?<![\w,])([01]?\d|2[0-3])\s?h(?:eures?)?(?:\s?([0-5]\d))?(?![\w])")),
    ("time_en", re.compile(r"(?<![\w.:,])(\d{1,2})(?::(\d{2}))?\s?(a\.m\.|p\.m\.|am\b|pm\b)", re.I)),
    ("time24", re.compile(r"(?<![\w.:,])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")),
    ("date", re.compile(r"(?<![\w.,])(1er|\d{1,2})\s+(" + _FR_MONTH_RE + r")(?:\s+(\d{4})\b)?", re.I)),
    ("date_en", re.compile(r"\b(" + _EN_MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?")),
    ("ordinal", re.compile(r"(?<![\w.,])(\d+)(er|re|ère|e|ème|eme|es|ers|res|nd|nde|st|rd|th)\b")),
    ("money_pre", re.compile(r"(" + _EN_CUR + r")\s?(" + _FR_NUM + r")(?:\s?(" + _FR_SCALE + r"))?")),
    ("number", re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:\.\d{3}){2,}"
                          r"|\d+\.\d+|" + _FR_NUM + r")(?![.,]?\d)(?:\s?(" + _FR_SCALE
                          + r"))?(?:\s?" + _FR_CUR_WORDS + r"|\s?(%|pour\s?cent\b|€|\$|£))?", re.I)),
]


def _fr_value(num: str) -> tuple[Decimal | None, bool]:
    """A French number's value, and whether it was written the English way (4.3, 4,300,000)."""
    plain = re.sub(f"[{_SP}]", "", num)
    if re.fullmatch(r"\d+(,\d+)?", plain):
        return _dec(plain.replace(",", ".")), False
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", plain):  # 4,300,000 or 1,234.5: English groups
        return _dec(plain.replace(",", "")), True
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", plain):  # 4.300.000: thousands with dots (German/Italian habit)
        return _dec(plain.replace(".", "")), True
    if re.fullmatch(r"\d+\.\d+", plain):  # 4.3: an English decimal point
        return _dec(plain), True
    return None, False


def french_quantities(text: str) -> list[Quantity]:
    """Every figure in French ``text``; figures in their English form are found too, marked."""
    found: list[Quantity] = []
    taken = [False] * len(text)

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def add(q: Quantity) -> None:
        for i in range(q.start, q.end):
            taken[i] = True
        found.append(q)

    for kind, pattern in _FR_PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if not free(a, b):
                continue
            if kind == "time":
                if m.group(2) is None and not re.search(r"h(eures?)?$", m.group(0)):
                    continue
                if _glued(text, a, a):
                    continue
                add(Quantity(f"time:{int(m.group(1))}:{m.group(2) or '00'}", "time", m.group(0), a, b))
            elif kind == "time_en":
                hour, minute, mer = int(m.group(1)), int(m.group(2) or 0), m.group(3).lower()
                if not 1 <= hour <= 12:
                    continue
                hour = hour % 12 + (12 if mer.startswith("p") else 0)
                add(Quantity(f"time:{hour}:{minute:02d}", "time", m.group(0), a, b, english_form=True))
            elif kind == "time24":
                if _glued(text, a, b):
                    continue
                add(Quantity(f"time:{int(m.group(1))}:{m.group(2)}", "time", m.group(0), a, b, english_form=True))
            elif kind == "date":
                day = 1 if m.group(1).lower() == "1er" else int(m.group(1))
                month = _FR_MONTH.get(m.group(2).lower())
                if month is None or not 1 <= day <= 31:
                    continue
                end_date = m.start(3) if m.group(3) else b
                shown = text[a:end_date].rstrip()
                add(Quantity(f"date:{month}-{day}", "date", shown, a, a + len(shown)))
                if m.group(3):
                    add(Quantity(m.group(3), "year", m.group(3), m.start(3), m.end(3)))
            elif kind == "date_en":
                month = _EN_MONTH.get(m.group(1).rstrip(".").lower())
                day = int(m.group(2))
                if month is None or not 1 <= day <= 31 or m.group(1).lower() in ("mars", "mai"):
                    continue
                end_date = m.start(3) if m.group(3) else b
                shown = text[a:end_date].rstrip(", ")
                add(Quantity(f"date:{month}-{day}", "date", shown, a, a + len(shown), english_form=True))
                if m.group(3):
                    add(Quantity(m.group(3), "year", m.group(3), m.start(3), m.end(3)))
            elif kind == "ordinal":
                if _glued(text, a, a):
                    continue
                suffix = m.group(2).lower()
                english = suffix in ("st", "nd", "rd", "th") or suffix in ("ème", "eme")
                add(Quantity(f"ord:{int(m.group(1))}", "ordinal", m.group(0), a, b, english_form=english))
            else:
                num_group = 2 if kind == "money_pre" else 1
                num = m.group(num_group)
                scale = m.group(num_group + 1)
                if _glued(text, a if kind != "money_pre" else m.start(2), m.end(num_group)) and not scale:
                    continue
                value, english = _fr_value(num)
                if value is None:
                    continue
                if scale:
                    value = value.scaleb(FR_SCALES[scale.lower()])
                out_kind = "money" if kind == "money_pre" else "number"
                if kind == "number" and m.group(3) and ("%" in m.group(3) or "cent" in m.group(3).lower()):
                    out_kind = "percent"
                if kind == "money_pre":
                    english = True  # $5 in French text: the currency goes after the figure
                if out_kind == "number" and re.fullmatch(r"1\d{3}|20\d{2}", num):
                    out_kind = "year"
                add(Quantity(canonical(value), out_kind, m.group(0), a, b, english_form=english))
    for m in re.finditer(r"\b[^\W\d_]+(?:-[^\W\d_]+)*\b", text):
        word = m.group(0).lower()
        if word in FR_WORDS and free(m.start(), m.end()):
            add(Quantity(str(FR_WORDS[word]), "word", m.group(0), m.start(), m.end(), soft=True))
    return sorted(found, key=lambda q: q.start)


# ------------------------------------------------------------------------------- forms
def _group_fr(digits: str) -> str:
    """Digit groups of three, separated by narrow no-break spaces (four digits too: 2 500)."""
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return NNBSP.join(out)


def format_french_number(value: Decimal) -> str:
    text = canonical(value)
    whole, _, frac = text.partition(".")
    return _group_fr(whole) + ("," + frac if frac else "")


def format_english_number(value: Decimal, *, commas: bool = True) -> str:
    text = canonical(value)
    whole, _, frac = text.partition(".")
    if commas:
        whole = f"{int(whole):,}"
    return whole + ("." + frac if frac else "")


_FR_SCALE_NAMES = {12: ("billion", "billions"), 9: ("milliard", "milliards"), 6: ("million", "millions")}
_EN_SCALE_NAMES = {12: "trillion", 9: "billion", 6: "million"}


def _split_scale(value: Decimal) -> tuple[Decimal, int]:
    """4300000 → (4.3, 6): the form with a scale word, for round amounts of a million or more."""
    for exp in (12, 9, 6):
        unit = Decimal(10) ** exp
        if abs(value) >= unit:
            mantissa = value / unit
            if len(canonical(mantissa).replace(".", "")) <= 4:
                return mantissa, exp
    return value, 0


def to_french(q: Quantity, *, currency: str | None = None) -> str:
    """The French form of a figure: 4,3 ; 53 % ; 4,3 millions de dollars ; 22e ; 16 juin ; 10 h 30."""
    if q.kind == "time":
        hour, minute = q.key[5:].split(":")
        return f"{int(hour)} h" + ("" if minute == "00" else f" {minute}")
    if q.kind == "date":
        month, day = (int(x) for x in q.key[5:].split("-"))
        return f"{'1er' if day == 1 else day} {FR_MONTHS[month - 1]}"
    if q.kind == "ordinal":
        n = int(q.key[4:])
        return "1er" if n == 1 else f"{n}e"
    value = Decimal(q.key)
    if q.kind == "percent":
        return format_french_number(value) + NNBSP + "%"
    if q.kind == "year":
        return q.key
    mantissa, exp = _split_scale(value)
    if q.kind == "money":
        names = CURRENCIES.get((currency or "$").lower(), CURRENCIES["$"])
        if exp:
            word = _FR_SCALE_NAMES[exp][0 if mantissa < 2 else 1]
            return f"{format_french_number(mantissa)} {word} de {names[1]}"
        return f"{format_french_number(value)} {names[0] if value < 2 else names[1]}"
    if exp:
        word = _FR_SCALE_NAMES[exp][0 if mantissa < 2 else 1]
        return f"{format_french_number(mantissa)} {word}"
    return format_french_number(value)


def to_english(q: Quantity, *, currency: str | None = None) -> str:
    """The English form of a figure: 4.3 ; 53% ; $4.3 million ; 22nd ; June 16 ; 10:30 a.m."""
    if q.kind == "time":
        hour, minute = (int(x) for x in q.key[5:].split(":"))
        mer = "a.m." if hour < 12 else "p.m."
        h12 = hour % 12 or 12
        return f"{h12}:{minute:02d} {mer}" if minute else f"{h12} {mer}"
    if q.kind == "date":
        month, day = (int(x) for x in q.key[5:].split("-"))
        return f"{EN_MONTHS[month - 1].capitalize()} {day}"
    if q.kind == "ordinal":
        n = int(q.key[4:])
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    value = Decimal(q.key)
    if q.kind == "percent":
        return format_english_number(value) + "%"
    if q.kind == "year":
        return q.key
    mantissa, exp = _split_scale(value)
    if q.kind == "money":
        symbol = CURRENCIES.get((currency or "$").lower(), CURRENCIES["$"])[2]
        if exp:
            return f"{symbol}{format_english_number(mantissa)} {_EN_SCALE_NAMES[exp]}"
        return f"{symbol}{format_english_number(value)}"
    if exp:
        return f"{format_english_number(mantissa)} {_EN_SCALE_NAMES[exp]}"
    return format_english_number(value)


def english_to_french_text(text: str) -> str:
    """Every digit figure of an English text put in its French form (for suggestions and tests)."""
    out, pos = [], 0
    for q in english_quantities(text):
        if q.soft:
            continue
        currency = None
        if q.kind == "money":
            m = re.match(_EN_CUR, q.text, re.I)
            currency = m.group(0) if m else None
        out.append(text[pos:q.start])
        out.append(to_french(q, currency=currency))
        pos = q.end
    out.append(text[pos:])
    return "".join(out)
