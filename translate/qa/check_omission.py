"""Omission and addition: cheap alignment signals between the English and the French.

Figures are the number check's. Here: the sentence's final punctuation (a question that is no
longer one, a French with no end at all: a cut draft), quotation marks present on one side only,
and names of the source (capitalised runs not at the sentence start) that the French lacks. A
name counts as present when a French word shares its first four letters once case and accents are
folded ("Geneva"/"Genève", "Finland"/"Finlande"), or is close to it (rapidfuzz ratio 75), or is
its usual French form (translate/resources/qa_exonyms.tsv: Germany/Allemagne, NATO/OTAN...).
Days, months and locked glossary terms are left to their own checks.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz

from translate.qa.numbers import EN_MONTHS
from translate.qa.registry import register
from translate.qa.text import loose_key, source_names

register("end-punctuation", "omission", "warning", "the French ends unlike the English (question, exclamation, cut short)")
register("quotes-missing", "omission", "warning", "a quotation marked in one language only")
register("entity-missing", "omission", "warning", "a name of the source is not in the French")

_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_SKIP = _DAYS | set(EN_MONTHS) | {"i", "mr", "mrs", "ms", "dr", "st", "a", "an", "the", "it", "he", "she", "we",
                                  "they", "in", "on", "at", "but", "and", "or", "so", "if", "as", "this", "that",
                                  "his", "her", "their", "its", "our", "my", "some", "many", "no", "not", "one"}
_CONNECTORS = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "&"}
_CLOSERS = " \t\u00a0\u202f»”’\"')]"
_QUOTES_SRC = re.compile(r"[“”\"«»]|(?:(?<=\s)|^)‘|’(?=\s|$|[.,;:!?])")
_QUOTES_TGT = re.compile(r"[“”\"«»‘]")


@lru_cache(maxsize=1)
def exonyms() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    text = resources.files("translate.resources").joinpath("qa_exonyms.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        en, _, fr = line.partition("\t")
        out.setdefault(loose_key(en), set()).update(loose_key(f) for f in fr.split("|") if f.strip())
    return out


def _end(text: str) -> str:
    stripped = text.rstrip(_CLOSERS)
    return stripped[-1:] if stripped else ""


def _present(name: str, target_words: list[str], target_folded: str) -> bool:
    key = loose_key(name)
    if key in target_folded:
        return True
    for form in exonyms().get(key, ()):
        if form in target_folded:
            return True
    for part in name.split():
        p = loose_key(part)
        if not p or p in _CONNECTORS or p in _SKIP:
            continue
        for form in exonyms().get(p, ()):
            if form in target_folded:
                return True
        for w in target_words:
            if (len(p) >= 4 and w[:4] == p[:4]) or (len(p) < 4 and w == p) or fuzz.ratio(w, p) >= 75:
                return True
    return False


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    text = resources.files("translate.resources").joinpath("qa_generic_words.txt").read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _generic(name: str) -> bool:
    """A name made only of words French translates (the Government, World War II, New Year's Eve)."""
    parts = [loose_key(p) for p in re.split(r"[\s'’-]+", name) if p]
    parts = [p for p in parts if p and p not in _CONNECTORS and p != "s" and not re.fullmatch(r"[ivxlc]+", p)]
    return bool(parts) and all(p in generic_words() or p in _SKIP for p in parts)


def _names(source: str) -> list[str]:
    """The source's names as the check compares them. Acronyms of three letters or fewer are left
    out: time zones, states and currencies (EET, D.C., NZ$) are expanded or dropped in good French."""
    out = []
    for name in source_names(source):
        letters = re.sub(r"[^A-Za-z]", "", name)
        if " " not in name and name.replace(".", "").isupper() and len(letters) <= 3:
            continue
        words = name.split()
        while len(words) > 1 and loose_key(words[0]) in _SKIP:  # "On New Year's Eve": the sentence's first word
            words = words[1:]
        name = " ".join(words)
        if _generic(name):
            continue
        out.append(name)
    return out


def _term_spans(ctx) -> list[str]:
    return [t.source_text for t in ctx.segment.terms]


def check(ctx) -> list:
    findings = []
    src_end, tgt_end = _end(ctx.source), _end(ctx.target)
    if src_end in "?!" and src_end and tgt_end != src_end and not (src_end == "!" and tgt_end == "."):
        findings.append(ctx.finding("end-punctuation", f"the English ends with “{src_end}”, the French with "
                                    f"“{tgt_end or 'nothing'}”: check the sentence kept its force"))
    elif tgt_end in "?" and tgt_end and src_end != "?":
        findings.append(ctx.finding("end-punctuation", "the French is a question, the English is not: check the meaning"))
    elif src_end in ".…" and src_end and not tgt_end in ".…!?:;" and len(ctx.source) > 40:
        findings.append(ctx.finding("end-punctuation", "the French has no final punctuation where the English has: "
                                    "the draft may be cut short"))
    src_quotes = len(_QUOTES_SRC.findall(ctx.source))
    tgt_quotes = len(_QUOTES_TGT.findall(ctx.target))
    if src_quotes >= 2 and tgt_quotes == 0:
        findings.append(ctx.finding("quotes-missing", "the English quotes someone, the French has no quotation marks: "
                                    "mark the quotation « ... »"))
    elif tgt_quotes >= 2 and src_quotes == 0 and "’" not in ctx.source and "'" not in ctx.source:
        findings.append(ctx.finding("quotes-missing", "the French has quotation marks the English does not: check "
                                    "nothing was added"))
    terms = " ".join(_term_spans(ctx))
    target_folded = loose_key(ctx.target)
    target_words = target_folded.split()
    missing = []
    for name in dict.fromkeys(_names(ctx.source)):
        significant = [p for p in name.split() if loose_key(p) not in _SKIP and loose_key(p) not in _CONNECTORS]
        if not significant or (terms and name in terms):
            continue
        if len(name) < 2 or name.isdigit():
            continue
        if not _present(name, target_words, target_folded):
            missing.append(name)
    if missing:
        findings.append(ctx.finding("entity-missing", f"{', '.join(missing)} not found in the French: check nothing "
                                    "was left out"))
    return findings
