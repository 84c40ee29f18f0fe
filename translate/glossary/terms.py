"""Glossary entries: one locked term, and the checks every row passes, whatever file it came from (TSV or TBX)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from translate.core.article import text_hash
from translate.core.errors import InputError

TYPES = ("person", "org", "place", "title", "dnt", "term")
CASE_RULES = ("auto", "exact", "ignore")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class GlossaryEntry:
    """One locked term: English form(s) and the one French form a draft must contain."""

    en: str
    fr: str
    type: str = "term"
    note: str = ""
    case: str = "auto"  # auto: as written, ALL CAPS, or capitalised; exact; ignore
    variants: tuple[str, ...] = ()
    plural: bool | None = None  # None: by type (only ``term`` entries take plurals)
    fr_plural: str = ""
    origin: str = ""  # "file:line", for messages

    @property
    def id(self) -> str:
        # Derived from the English form, so an entry keeps its id when files are reordered.
        return "g" + text_hash(nfc(self.en).casefold(), 10)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.en, *self.variants)

    @property
    def allows_plural(self) -> bool:
        if self.plural is not None:
            return self.plural
        return self.type == "term"

    @property
    def plural_target(self) -> str | None:
        """The French plural, or None when it cannot be derived (a multi-word form without ``fr_plural``)."""
        if self.fr_plural:
            return self.fr_plural
        if self.type == "dnt":
            return None
        if " " in self.fr or "-" in self.fr:
            return None
        return self.fr if self.fr[-1:] in ("s", "x", "z") else self.fr + "s"


def entry_from_row(row: dict[str, str], where: str) -> GlossaryEntry:
    """One glossary row (a TSV line or a TBX concept) as a checked entry; :class:`InputError` names ``where``."""
    kind = (row.get("type") or "term").lower()
    if kind not in TYPES:
        raise InputError(f"{where}: type {kind!r} is not one of {', '.join(TYPES)}.")
    en, fr = row.get("en", ""), row.get("fr", "")
    if not en:
        raise InputError(f"{where}: the en cell is empty. Every entry needs its English form.")
    if not fr:
        if kind != "dnt":
            raise InputError(f"{where}: the fr cell is empty. Give the French form (only type dnt may leave it empty).")
        fr = en
    if kind == "dnt" and fr != en:
        raise InputError(f"{where}: type dnt (do not translate) but fr {fr!r} differs from en {en!r}.")
    case = (row.get("case") or ("ignore" if kind == "term" else "auto")).lower()
    if case not in CASE_RULES:
        raise InputError(f"{where}: case {case!r} is not one of {', '.join(CASE_RULES)}.")
    plural_cell = (row.get("plural") or "").lower()
    if plural_cell in _YES:
        plural: bool | None = True
    elif plural_cell in _NO:
        plural = None if plural_cell == "" else False
    else:
        raise InputError(f"{where}: plural {row.get('plural')!r} must be yes or no.")
    variants = tuple(v.strip() for v in (row.get("variants") or "").split("|") if v.strip())
    for text in (en, fr, *variants, row.get("fr_plural", "")):
        if any(ch in text for ch in "\n\t") or any(unicodedata.category(ch) == "Cc" for ch in text):
            raise InputError(f"{where}: {text!r} contains control characters.")
        if text and not any(ch.isalnum() for ch in text):
            raise InputError(f"{where}: {text!r} has no letter or digit; it cannot be matched as a word.")
    return GlossaryEntry(en=en, fr=fr, type=kind, note=row.get("note", ""), case=case, variants=variants,
                         plural=plural, fr_plural=row.get("fr_plural", ""), origin=where.replace(": line ", ":"))
