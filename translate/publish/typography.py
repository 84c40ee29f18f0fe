"""French typography, as French newsrooms publish it.

Machine output (and hurried post-editing) leaves English habits in French text: straight or
English quotes, no space before ``; : ! ?``, typewriter apostrophes, ``4.3`` for ``4,3``. Each fix
is a small pure function ``str -> str``; :func:`apply_typography` runs a chosen set of them.

Things that must come out untouched are masked first: URLs, e-mail addresses, times (``10:30``),
HTML entities, and the placeholders that stand for inline codes (characters of the Unicode
private-use area U+E000–U+F8FF, which the publisher uses for markup). Masked spans become
characters of the supplementary private-use plane and are restored after the rules ran, so a rule
cannot see inside them.

The rules are idempotent: applying them to their own output changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence
from translate.core.errors import ConfigError

NBSP = "\u00a0"  # espace insécable: inside « guillemets »
NNBSP = "\u202f"  # espace fine insécable: before ; : ! ? and %, between digit groups

# Inline-code placeholders (set by the publisher) and masks (set here). Both count as "part of
# a word" for the rules; a code placeholder is also skipped when a rule looks at its neighbours.
CODE_CHARS = "\ue000-\uf8ff"
_CODE = re.compile(f"[{CODE_CHARS}]")
_MASK_BASE = 0xF0000
_MASK_CHARS = "\U000f0000-\U000ffffd"
_WORDISH = f"[^\\W_]|[{CODE_CHARS}{_MASK_CHARS}]"

# What no rule may touch. Order matters: the longest constructs first.
_PROTECTED = re.compile(
    r"""
    (?:https?|ftp)://[^\s<>«»"“”]+[^\s<>«»"“”.,;:!?)\]’']   # URLs with a scheme
    | \bwww\.[^\s<>«»"“”]+[^\s<>«»"“”.,;:!?)\]’']           # www. addresses
    | \b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b                      # e-mail addresses
    | \b\d{1,2}:\d{2}(?::\d{2})?\b                          # times, and scores written 2:1
    | &(?:[a-zA-Z][a-zA-Z0-9]{1,31}|\#\d{1,7}|\#x[0-9a-fA-F]{1,6});  # entities typed as text
    | [\U000f0000-\U000ffffd]                               # our mask characters, if ever in text
    """,
    re.VERBOSE,
)


def mask(text: str) -> tuple[str, list[str]]:
    """Replace protected spans by single private-use characters; returns the text and the spans."""
    spans: list[str] = []

    def keep(match: re.Match) -> str:
        spans.append(match.group(0))
        return chr(_MASK_BASE + len(spans) - 1)

    return _PROTECTED.sub(keep, text), spans


def unmask(text: str, spans: Sequence[str]) -> str:
    return re.sub(f"[{_MASK_CHARS}]", lambda m: spans[ord(m.group(0)) - _MASK_BASE], text)


# ----------------------------------------------------------------------------------------------
# The rules. Each takes and returns masked text.

def apostrophes(text: str) -> str:
    """Typewriter apostrophes between letters become typographic ones: l'État → l’État."""
    return re.sub(f"(?<={_WORDISH})'(?={_WORDISH})", "’", text)


def ellipsis(text: str) -> str:
    """Three full stops become the ellipsis character; longer runs are left alone."""
    return re.sub(r"(?<!\.)\.\.\.(?!\.)", "…", text)


_OPENERS = "([{«“‘"
_SPACES = f" \t\n{NBSP}{NNBSP}\u2009\u2007"


def _next_real(text: str, i: int) -> str:
    """The character at or after position ``i``, skipping inline-code placeholders."""
    while i < len(text) and _CODE.match(text[i]):
        i += 1
    return text[i] if i < len(text) else ""


def _opens_here(done: list[str]) -> bool:
    """Whether a quote mark after the output so far (``done``) opens a quotation."""
    prev = ""
    for piece in reversed(done):
        real = _CODE.sub("", piece)
        if real:
            prev = real[-1]
            break
    return prev == "" or prev in _SPACES or prev in _OPENERS or prev in "—–-/"


def _is_word(ch: str) -> bool:
    return bool(ch) and re.match(_WORDISH, ch) is not None


def quotes(text: str) -> str:
    """Quotation marks become French guillemets with no-break spaces inside: « … ».

    Straight quotes are paired by context (an opening one follows a space, the start or an
    opening bracket); English “ ” and ‘ ’ are mapped by nesting: the outer level is « », the
    inner level “ ”, as French papers print. A ’ is a closing quote only when a ‘ is open and no
    letter follows it; otherwise it is an apostrophe. A stray closing straight quote (12" for
    inches) is left as written.
    """
    out: list[str] = []
    stack: list[str] = []  # what each open quote was opened with: '"' (any double) or "'"
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        action = None
        if ch in "«“":
            action = "open"
        elif ch == "»":
            action = "close"
        elif ch == "”":
            action = "close" if stack or not _opens_here(out) else "open"
        elif ch == '"':
            action = "open" if _opens_here(out) else ("close" if stack else None)
        elif ch == "‘":
            if _opens_here(out) and _closing_single(text, i + 1):
                action = "open"
        elif ch == "’" and stack and stack[-1] == "'" and not _is_word(_next_real(text, i + 1)):
            action = "close"
        if action is None:
            out.append(ch)
            i += 1
        elif action == "open":
            stack.append("'" if ch == "‘" else '"')
            i += 1
            if len(stack) == 1:
                out.append("«" + NBSP)
                while i < n and text[i] in _SPACES:
                    i += 1
            else:
                out.append("“")
        else:
            if stack:
                stack.pop()
            if not stack:
                while out and out[-1] in _SPACES:
                    out.pop()
                out.append(NBSP + "»")
            else:
                out.append("”")
            i += 1
    return "".join(out)


def _closing_single(text: str, start: int) -> bool:
    """Whether a ’ that is not an apostrophe (no letter after it) comes after ``start``."""
    for match in re.finditer("’", text[start:]):
        if not _is_word(_next_real(text, start + match.end())):
            return True
    return False


def punctuation_spaces(text: str) -> str:
    """A narrow no-break space before ``; : ! ?`` (replacing any space that was there).

    Not after an opening bracket or at the start, not inside ``?!`` runs, not in times or URLs
    (masked), not between digits (``3:1``).
    """

    def fix(match: re.Match) -> str:
        before, marks = match.group(1), match.group(3)
        if marks.startswith(":") and before.isdigit() and match.end() < len(text) and text[match.end()].isdigit():
            return match.group(0)
        return before + NNBSP + marks

    return re.sub(f"([^{_SPACES}{re.escape(_OPENERS)}])([{_SPACES}]*)([;:!?]+)", fix, text)


def percent(text: str) -> str:
    """A narrow no-break space between a number and ``%``: 50 % (written 50% in English)."""
    return re.sub(f"(\\d)[{_SPACES}]?%", "\\1" + NNBSP + "%", text)


_ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])([1-9]\d{0,2})((?:,\d{3})+)(\.\d+)?(?![\w]|[.,]\d)"
)


def numbers(text: str) -> str:
    """English number forms the MT left: 4.3 → 4,3; 4,300,000 → 4 300 000; 1,234.5 → 1 234,5.

    Only unambiguous forms are changed: ``2,500`` is also a French decimal (two and a half), so a
    single comma group without a decimal point is left as written. Versions (1.2.3), numbers
    glued to letters (v1.2) and dates with dots (4.5.2024) are left alone.
    """

    def english(match: re.Match) -> str:
        head, groups, decimals = match.group(1), match.group(2), match.group(3)
        if groups.count(",") < 2 and not decimals:
            return match.group(0)
        whole = head + groups.replace(",", NNBSP)
        return whole + ("," + decimals[1:] if decimals else "")

    text = _ENGLISH_NUMBER.sub(english, text)
    return re.sub(r"(?<![\w.,])(\d+)\.(\d+)(?![\w]|[.,]\d)", r"\1,\2", text)


@dataclass(frozen=True)
class TypographyRule:
    name: str
    apply: Callable[[str], str]


# The order matters: numbers before punctuation (a decimal point is not a full stop), quotes
# before the spaces before punctuation (so « … » is already in place).
RULES: tuple[TypographyRule, ...] = (
    TypographyRule("numbers", numbers),
    TypographyRule("percent", percent),
    TypographyRule("apostrophes", apostrophes),
    TypographyRule("ellipsis", ellipsis),
    TypographyRule("quotes", quotes),
    TypographyRule("punctuation-spaces", punctuation_spaces),
)
RULE_NAMES = tuple(rule.name for rule in RULES)


def select_rules(names: Iterable[str] | None) -> tuple[TypographyRule, ...]:
    """The rules named (all when ``names`` is None, none for an empty list), in canonical order."""
    if names is None:
        return RULES
    wanted = list(names)
    unknown = [n for n in wanted if n not in RULE_NAMES]
    if unknown:

        raise ConfigError(f"unknown typography rule(s) {', '.join(unknown)}. Known: {', '.join(RULE_NAMES)}.")
    return tuple(rule for rule in RULES if rule.name in wanted)


def apply_typography(text: str, rules: Sequence[TypographyRule] = RULES) -> str:
    """Apply ``rules`` to ``text``, leaving URLs, times, entities and inline codes untouched."""
    if not rules:
        return text
    masked, spans = mask(text)
    for rule in rules:
        masked = rule.apply(masked)
    return unmask(masked, spans)
