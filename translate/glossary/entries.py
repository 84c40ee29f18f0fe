"""The newsroom glossary: TSV files in, merged entries, and fast matching in source segments.

A glossary file is UTF-8 TSV with a header row. Required columns: ``en`` and ``fr``. Optional:
``type`` (person, org, place, title, dnt, term), ``note``, ``case`` (auto, exact, ignore),
``variants`` (extra English forms, separated by ``|``), ``plural`` (yes/no) and ``fr_plural``.
Lines starting with ``#`` and blank lines are skipped. Several files are merged; one English
form with two French forms is an error that names both files and lines.

Matching (:class:`Matcher`) runs an Aho-Corasick automaton over the segment (pyahocorasick), then
keeps candidates that are whole words, in an allowed case variant, leftmost-longest and not
overlapping. Patterns are plain strings, never regular expressions, so "C++" or "AT&T" are terms
like any other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import ahocorasick

from translate.core.article import TermHit
from translate.core.errors import InputError
from translate.glossary.tbx import read_tbx_file
from translate.glossary.terms import GlossaryEntry, entry_from_row, nfc
from translate.glossary.textmatch import APOSTROPHES, case_allows, fold, is_word_char, key, missing_forms, whole_word

__all__ = ["Glossary", "GlossaryEntry", "Matcher", "load_glossary", "missing_forms", "core_length", "parse_tsv",
           "merge_entries", "entry_from_row", "entries_to_tsv", "glossary_files", "read_tsv_file"]

COLUMNS = ("en", "fr", "type", "note", "case", "variants", "plural", "fr_plural")
REQUIRED = ("en", "fr")
MAX_GLOSSARY_BYTES = 64 * 1024 * 1024


@dataclass
class Glossary:
    entries: list[GlossaryEntry] = field(default_factory=list)
    sources: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _matcher: "Matcher | None" = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def sha256(self) -> str:
        """A digest of the entries' content (not of file names or order): the pair-file stamp."""
        rows = sorted(
            json.dumps([e.en, e.fr, e.type, e.case, list(e.variants), e.plural, e.fr_plural], ensure_ascii=False)
            for e in self.entries
        )
        return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()

    @property
    def matcher(self) -> "Matcher":
        if self._matcher is None:
            self._matcher = Matcher(self.entries)
        return self._matcher

    def find(self, text: str) -> list[TermHit]:
        return self.matcher.find(text)

    def by_id(self) -> dict[str, GlossaryEntry]:
        return {e.id: e for e in self.entries}


# ---------------------------------------------------------------------------- reading TSV
def parse_tsv(text: str, origin: str) -> list[GlossaryEntry]:
    """Entries of one TSV file (already decoded); :class:`InputError` names ``origin`` and the line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header_at = None
    for number, line in enumerate(lines, 1):
        if line.strip() and not line.lstrip().startswith("#"):
            header_at = number
            break
    if header_at is None:
        raise InputError(f"{origin}: no header row. The first line must name the columns, e.g. 'en<TAB>fr<TAB>type'.")
    header_line = lines[header_at - 1]
    header = [cell.strip().lower() for cell in header_line.split("\t")]
    if len(header) == 1:
        for sep, name in ((",", "commas"), (";", "semicolons"), ("|", "bars")):
            if sep in header_line:
                raise InputError(
                    f"{origin}: line {header_at}: the columns are separated by {name}, not tabs. "
                    "Glossary files are TSV: save them with tab separators."
                )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{origin}: line {header_at}: missing column(s) {', '.join(missing)} in the header "
            f"({' | '.join(header) or 'empty'}). Required: en, fr; optional: {', '.join(COLUMNS[2:])}."
        )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise InputError(f"{origin}: line {header_at}: unknown column(s) {', '.join(unknown)}. Known: {', '.join(COLUMNS)}.")
    dupes = {c for c in header if header.count(c) > 1}
    if dupes:
        raise InputError(f"{origin}: line {header_at}: column(s) {', '.join(sorted(dupes))} appear twice in the header.")

    entries: list[GlossaryEntry] = []
    for number in range(header_at + 1, len(lines) + 1):
        line = lines[number - 1]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        where = f"{origin}: line {number}"
        if len(cells) > len(header):
            raise InputError(f"{where}: {len(cells)} cells but the header has {len(header)} columns. Check for stray tabs.")
        cells += [""] * (len(header) - len(cells))
        row = {name: nfc(value.strip()) for name, value in zip(header, cells)}
        entries.append(entry_from_row(row, where))
    return entries


def read_tsv_file(path: Path) -> list[GlossaryEntry]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such glossary file.")
    data = path.read_bytes()
    if len(data) > MAX_GLOSSARY_BYTES:
        raise InputError(f"{path}: over the {MAX_GLOSSARY_BYTES:,}-byte limit for a glossary file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not valid UTF-8. Save the glossary as UTF-8.") from None
    return parse_tsv(text, str(path))


def glossary_files(path: Path) -> list[Path]:
    """The files a glossary path stands for: the file itself, or a folder's *.tsv and *.tbx."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such glossary file or folder. Pass --glossary FILE|DIR.")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".tsv", ".tbx"))
    if not files:
        raise InputError(f"{path}: the folder holds no glossary files (*.tsv or *.tbx).")
    return files


def load_glossary(path: Path | Iterable[Path]) -> Glossary:
    """Load and merge one file, a folder, or several paths. Nothing is returned half-loaded."""
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    files = [f for p in paths for f in glossary_files(p)]
    entries: list[GlossaryEntry] = []
    for file in files:
        if file.suffix.lower() == ".tbx":

            entries.extend(read_tbx_file(file))
        else:
            entries.extend(read_tsv_file(file))
    merged, warnings = merge_entries(entries)
    return Glossary(entries=merged, sources=files, warnings=warnings)


def _key(form: str) -> str:
    # Forms a reader cannot tell apart (’ and ', no-break spaces, NFD, ligatures) are one form.
    return key(form, casefold=True)


def merge_entries(entries: Iterable[GlossaryEntry]) -> tuple[list[GlossaryEntry], list[str]]:
    """Drop exact duplicates (with a warning); a form with two French targets is an error."""
    seen: dict[str, GlossaryEntry] = {}
    seen_exact: dict[str, GlossaryEntry] = {}
    out: list[GlossaryEntry] = []
    warnings: list[str] = []
    for entry in entries:
        clash = None
        duplicate = None
        for form in entry.forms:
            other = seen.get(_key(form))
            if other is None:
                continue
            exact_other = seen_exact.get(key(form))
            same_fr = key(other.fr) == key(entry.fr)
            # Case-exact entries may differ only in case ("US" the country, "us" the pronoun).
            if not same_fr and (exact_other is not None or (entry.case != "exact" and other.case != "exact")):
                clash = (form, other)
                break
            if same_fr:
                duplicate = other
        if clash:
            form, other = clash
            raise InputError(
                f"conflicting glossary entries for {form!r}: {other.origin} says {other.fr!r}, "
                f"{entry.origin} says {entry.fr!r}. Keep one French form."
            )
        if duplicate is not None and key(duplicate.en) == key(entry.en):
            warnings.append(f"{entry.origin}: duplicate of {duplicate.origin} ({entry.en!r} -> {entry.fr!r}); ignored.")
            continue
        for form in entry.forms:
            seen.setdefault(_key(form), entry)
            seen_exact.setdefault(key(form), entry)
        out.append(entry)
    for entry in out:
        article = entry.fr.split(" ", 1)[0] if " " in entry.fr else ""  # lower case: "La Paz" is a name
        if article in ("le", "la", "les") or entry.fr.startswith(("l'", "l\u2019")):
            # Locked with its article, the form cannot contract: "du Kremlin" becomes "du le Kremlin".
            warnings.append(f"{entry.origin}: the French form {entry.fr!r} starts with an article, which is locked "
                            "too (drafts may read 'de le', 'à le'); consider the form without it.")
    ids: dict[str, GlossaryEntry] = {}
    for entry in out:
        if entry.id in ids and _key(ids[entry.id].en) != _key(entry.en):  # pragma: no cover - hash clash
            raise InputError(f"{entry.origin}: entry id clash with {ids[entry.id].origin}.")
        ids[entry.id] = entry
    return out, warnings


def entries_to_tsv(entries: Iterable[GlossaryEntry]) -> str:
    """TSV text for ``entries`` (the inverse of :func:`parse_tsv`)."""
    rows = ["\t".join(COLUMNS)]
    for e in entries:
        plural = "" if e.plural is None else ("yes" if e.plural else "no")
        default_case = "ignore" if e.type == "term" else "auto"
        rows.append("\t".join([
            e.en, "" if e.type == "dnt" else e.fr, e.type, e.note, "" if e.case == default_case else e.case,
            "|".join(e.variants), plural, e.fr_plural,
        ]))
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------------------- matching
_is_word_char = is_word_char


def _english_plurals(form: str) -> list[str]:
    head, _, last = form.rpartition(" ")
    prefix = head + " " if head else ""
    if not last or not last[-1].isalpha():
        return []
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return [prefix + last + "es"]
    if last.endswith("y") and len(last) > 1 and last[-2].lower() not in "aeiou":
        return [prefix + last[:-1] + "ies"]
    return [prefix + last + "s"]


class Matcher:
    """Finds glossary entries in text: Aho-Corasick over the folded text (translate/glossary/textmatch.py:
    NFC and compatibility forms, any space, ’ as ', case folded), then the rules on the original."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        self.entries = list(entries)
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, str, bool, int]]] = {}
        for index, entry in enumerate(self.entries):
            for form in entry.forms:
                word = key(form, casefold=True)
                table.setdefault(word, []).append((index, key(form), False, len(word)))
                if entry.allows_plural and entry.plural_target:
                    for plural in _english_plurals(form):
                        word = key(plural, casefold=True)
                        table.setdefault(word, []).append((index, key(plural), True, len(word)))
        table.pop("", None)
        for word, values in table.items():
            self._automaton.add_word(word, values)
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[TermHit]:
        """Hits in ``text``: whole words, allowed case, leftmost-longest, not overlapping.

        Offsets are in ``text`` as given, whatever its Unicode form; ``source_text`` is the
        original span (it may hold a no-break space or decomposed accents)."""
        if self._empty or not text:
            return []
        folded = fold(text, casefold=True)
        candidates: list[tuple[int, int, int, int, bool]] = []  # start, end, core_end, index, plural
        n = len(text)
        for last, values in self._automaton.iter(folded.text):
            for index, form, plural, length in values:
                start, end = folded.span(last - length + 1, last + 1)
                if not whole_word(text, start, end):
                    continue
                entry = self.entries[index]
                if entry.case != "ignore" and not case_allows(entry.case, form, key(text[start:end])):
                    continue
                core_end = end
                # Possessives belong to the hit: "Putin's", "Reuters'".
                if end < n and text[end] in APOSTROPHES:
                    after = text[end + 1:end + 2]
                    if after in ("s", "S") and (end + 2 >= n or not is_word_char(text[end + 2])):
                        end += 2
                    elif text[end - 1] in "sS" and (not after or not is_word_char(after)):
                        end += 1
                candidates.append((start, end, core_end, index, plural))
        candidates.sort(key=lambda c: (c[0], -(c[2] - c[0]), c[3]))
        hits: list[TermHit] = []
        taken_until = -1
        for start, end, core_end, index, plural in candidates:
            if start < taken_until:
                continue
            entry = self.entries[index]
            target = entry.plural_target if plural else entry.fr
            hits.append(TermHit(entry_id=entry.id, source_text=text[start:end], start=start, end=end,
                                target=target or entry.fr, case=_target_case(entry)))
            taken_until = end
        return hits


def _target_case(entry: GlossaryEntry) -> str:
    """The case rule for finding the French form in a draft: the entry's, as for its English."""
    return entry.case


def core_length(hit: TermHit) -> int:
    """Length of the hit without a possessive ending."""
    text = hit.source_text
    if len(text) > 2 and text[-2] in APOSTROPHES and text[-1] in "sS":
        return len(text) - 2
    if len(text) > 1 and text[-1] in APOSTROPHES:
        return len(text) - 1
    return len(text)


# ---------------------------------------------------------------------------- targets
# Whether a draft holds a locked form: translate.glossary.textmatch.missing_forms (re-exported here),
# the one comparison term locking, the glossary check, the review and the publish gate share.
