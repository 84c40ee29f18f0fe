"""Small text helpers the checks share: words, names kept from the source, normalisation."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
# A run of capitalised words, joined by the small words names contain ("Bank of India").
NAME_RUN = re.compile(r"(?:[A-Z][\w.’'&-]*)(?:\s+(?:(?:of|the|and|for|de|du|des|la|le|&)\s+)?[A-Z][\w.’'&-]*)*")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def loose_key(text: str) -> str:
    """Case, accents and spacing folded: for comparing texts loosely."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def source_names(source: str) -> list[str]:
    """Capitalised runs of the source that are names (not only a capitalised first word)."""
    out = []
    for m in NAME_RUN.finditer(source):
        run = m.group(0).rstrip(".")
        at_start = m.start() == 0 or source[:m.start()].rstrip()[-1:] in ".!?:\"“«‘("
        if at_start and " " not in run:
            continue
        run = re.sub(r"^(?:The|A|An)\s+", "", run)  # "The Tullamarine Freeway": the name is what follows
        run = re.sub(r"['’]s$", "", run)  # a possessive belongs to the name
        if run:
            out.append(run)
    return out


def mask_kept(target: str, source: str, extra: list[str] = ()) -> str:
    """The target with URLs, the source's names copied verbatim and ``extra`` forms blanked out."""
    masked = URL.sub(" ", target)
    for form in sorted(set(source_names(source)) | set(f for f in extra if f), key=lambda f: (-len(f), f)):
        if len(form) > 1:
            masked = masked.replace(form, " ")
    return masked
