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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from translate.core.article import TermHit
from translate.core.errors import InputError
from translate.glossary.tbx import read_tbx_file
from translate.glossary.terms import GlossaryEntry, entry_from_row, nfc

COLUMNS = ("en", "fr", "type", "note", "case", "variants", "plural", "fr_plural")
REQUIRED = ("en", "fr")
MAX_GLOSSARY_BYTES = 64 * 1024 * 1024
_APOSTROPHES = "'\u2019"


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
    return nfc(form).casefold()


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
            exact_other = seen_exact.get(nfc(form))
            # Case-exact entries may differ only in case ("US" the country, "us" the pronoun).
            if other.fr != entry.fr and (exact_other is not None or (entry.case != "exact" and other.case != "exact")):
                clash = (form, other)
                break
            if other.fr == entry.fr:
                duplicate = other
        if clash:
            form, other = clash
            raise InputError(
                f"conflicting glossary entries for {form!r}: {other.origin} says {other.fr!r}, "
                f"{entry.origin} says {entry.fr!r}. Keep one French form."
            )
        if duplicate is not None and duplicate.en == entry.en:
            warnings.append(f"{entry.origin}: duplicate of {duplicate.origin} ({entry.en!r} -> {entry.fr!r}); ignored.")
            continue
        for form in entry.forms:
            seen.setdefault(_key(form), entry)
            seen_exact.setdefault(nfc(form), entry)
        out.append(entry)
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
def _lower_same_length(text: str) -> str:
    """Lower case and one apostrophe, character by character, so offsets stay the same."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("\u2019", "'")


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc")


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


def _case_allows(rule: str, form: str, seen: str) -> bool:
    if rule == "ignore" or seen == form:
        return True
    if rule == "exact":
        return False
    if seen == form.upper() and any(c.isalpha() for c in form):
        return True  # a headline in capitals
    if seen == form[:1].upper() + form[1:]:
        return True  # sentence start
    return seen == " ".join(w[:1].upper() + w[1:] for w in form.split(" "))  # headline Title Case


class Matcher:
    """Finds glossary entries in text: Aho-Corasick over lower-cased text, then the rules."""

    def __init__(self, entries: Iterable[GlossaryEntry]) -> None:
        import ahocorasick

        self.entries = list(entries)
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, str, bool]]] = {}
        for index, entry in enumerate(self.entries):
            for form in entry.forms:
                table.setdefault(_lower_same_length(form), []).append((index, form, False))
                if entry.allows_plural and entry.plural_target:
                    for plural in _english_plurals(form):
                        table.setdefault(_lower_same_length(plural), []).append((index, plural, True))
        for key, values in table.items():
            self._automaton.add_word(key, values)
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[TermHit]:
        """Hits in ``text``: whole words, allowed case, leftmost-longest, not overlapping."""
        if self._empty or not text:
            return []
        low = _lower_same_length(text)
        candidates: list[tuple[int, int, int, int, bool]] = []  # start, end, core_end, index, plural
        n = len(text)
        for last, values in self._automaton.iter(low):
            for index, form, plural in values:
                start = last - len(form) + 1
                end = last + 1
                if start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
                    continue
                if end < n and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
                    continue
                entry = self.entries[index]
                if not _case_allows(entry.case, form, text[start:end]):
                    continue
                core_end = end
                # Possessives belong to the hit: "Putin's", "Reuters'".
                if end + 1 < n + 1 and text[end:end + 1] in _APOSTROPHES:
                    after = text[end + 1:end + 2]
                    if after in ("s", "S") and (end + 2 >= n or not _is_word_char(text[end + 2])):
                        end += 2
                    elif text[end - 1] in "sS" and (not after or not _is_word_char(after)):
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
                                target=target or entry.fr))
            taken_until = end
        return hits


def core_length(hit: TermHit) -> int:
    """Length of the hit without a possessive ending."""
    text = hit.source_text
    if len(text) > 2 and text[-2] in _APOSTROPHES and text[-1] in "sS":
        return len(text) - 2
    if len(text) > 1 and text[-1] in _APOSTROPHES:
        return len(text) - 1
    return len(text)


# ---------------------------------------------------------------------------- targets
def find_form(text: str, form: str, start: int = 0) -> int:
    """Index of ``form`` as a whole word in ``text`` (exact case), or -1."""
    pos = text.find(form, start)
    while pos != -1:
        before = text[pos - 1] if pos > 0 else ""
        after = text[pos + len(form)] if pos + len(form) < len(text) else ""
        if not (before and _is_word_char(before) and _is_word_char(form[0])) and not (
            after and _is_word_char(after) and _is_word_char(form[-1])
        ):
            return pos
        pos = text.find(form, pos + 1)
    return -1


def missing_forms(target: str, hits: list[TermHit]) -> list[TermHit]:
    """The hits whose locked form ``target`` lacks (each hit needs its own occurrence).

    Longer forms are matched first and their spans consumed, so "Vladimir Poutine" does not
    also count as the "Poutine" of a second hit.
    """
    if not hits:
        return []
    taken = [False] * len(target)
    missing: list[TermHit] = []
    for hit in sorted(hits, key=lambda h: -len(h.target)):
        pos = find_form(target, hit.target)
        while pos != -1 and any(taken[pos:pos + len(hit.target)]):
            pos = find_form(target, hit.target, pos + 1)
        if pos == -1:
            missing.append(hit)
            continue
        for i in range(pos, pos + len(hit.target)):
            taken[i] = True
    order = {id(h): i for i, h in enumerate(hits)}
    return sorted(missing, key=lambda h: order[id(h)])
