"""Locking glossary terms through MT: every hit reaches the draft in exactly its locked form.

Layers, each tried only on the segments the one before left with a missing term, each verified on
the decoded text:

1. ``natural``: the plain machine draft already holds every locked form.
2. ``placeholder`` / ``forced``: the source is re-sent with each hit replaced by its locked French
   form ("Russian President Vladimir Poutine called..."; MT models copy names they cannot
   translate) and decoded under lexical constraints: :class:`ForceTerms` (a logits processor given
   to ``generate`` through the engine's ``logits_processors`` extension point) continues a locked token sequence once the
   model starts it, starts it itself when the model wants to stop or the length budget runs short,
   keeps the next token from gluing onto a finished form, and holds back end-of-sentence until
   every locked form is out. A segment whose decoding it never had to steer copied its forms
   unaided (``placeholder``); else ``forced``. One ``generate`` pass serves both.
3. ``repaired``: last resort, the draft is edited (an English leftover replaced, else the form
   inserted) and flagged for the post-editor.

French grammar next to a locked form is then tidied (:func:`fix_grammar`): elision ("de Ukraine"
→ "d'Ukraine"), contraction ("de le Kremlin" → "du Kremlin"), no doubled article.
The guarantee holds for any model output, which the tests check with a random-weight model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from translate.core.article import TermHit
from translate.glossary.entries import Glossary, core_length, find_form, missing_forms
from translate.mt.engine import clean_output

METHODS = ("natural", "placeholder", "forced", "repaired")
FLAG_FORCED = "term-forced"
FLAG_REPAIRED = "term-repaired"


@dataclass
class LockedTranslation:
    """What :func:`translate_locked` returns per text: a Translation plus its term hits and notes."""

    text: str
    flags: list[str] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    target_tokens: int = 0


@dataclass
class LockStats:
    """How each locking path was used: per term hit and per segment."""

    segments: int = 0  # segments translated
    segments_with_terms: int = 0
    terms: Counter = field(default_factory=Counter)  # method -> term hits
    segment_paths: Counter = field(default_factory=Counter)  # method -> segments that needed it

    def add(self, other: "LockStats") -> None:
        self.segments += other.segments
        self.segments_with_terms += other.segments_with_terms
        self.terms.update(other.terms)
        self.segment_paths.update(other.segment_paths)

    def summary(self) -> str:
        total = sum(self.terms.values())
        parts = ", ".join(f"{self.terms.get(m, 0)} {m}" for m in METHODS)
        return f"{total} locked terms ({parts})"


# ---------------------------------------------------------------------------- grammar
_VOWELS = set("aeiouyàâäéèêëîïôöùûüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ")
_ELIDING = {"de", "le", "la", "que", "ne", "je", "me", "te", "se", "jusque", "lorsque", "puisque"}
_CONTRACT = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
_ARTICLES = {"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'"}
_WORD_BEFORE = re.compile(r"(?:(?<=\W)|^)(\w+'?)(\s+)$")
_TWO_BEFORE = re.compile(r"(?:(?<=\W)|^)(\w+)\s+(\w+)(\s+)$")


def _match_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _fix_before(before: str, form: str) -> str:
    two = _TWO_BEFORE.search(before)
    if two:
        first, second = two.group(1), two.group(2)
        if first.lower() == second.lower() and first.lower() in _ARTICLES:
            # "le le Kremlin" → "le Kremlin"
            before = before[: two.start()] + first + two.group(3)
        else:
            joined = _CONTRACT.get((first.lower(), second.lower()))
            if joined:
                before = before[: two.start()] + _match_case(joined, first) + two.group(3)
    one = _WORD_BEFORE.search(before)
    if one and form[:1] in _VOWELS and one.group(1).lower() in _ELIDING:
        word = one.group(1)
        before = before[: one.start()] + word[:-1] + "'"
    return before


def longest_first(forms: Sequence[str]) -> list[str]:
    """Unique forms, longest first, ties in text order: the same order in every process (a set's
    order changes with the string hash seed, and the order decides which locked form is forced
    first, so drafts from two processes, or a Ray worker and a local run, would differ)."""
    return sorted(set(forms), key=lambda form: (-len(form), form))


def fix_grammar(text: str, forms: Sequence[str]) -> str:
    """Elision, contraction and doubled articles right before each locked form; the forms untouched."""
    for form in longest_first(forms):
        pos = find_form(text, form)
        while pos != -1:
            before = _fix_before(text[:pos], form)
            text = before + text[pos:]
            pos = find_form(text, form, len(before) + len(form))
    return text


# ---------------------------------------------------------------------------- sources
def substitute(text: str, hits: Sequence[TermHit]) -> str:
    """``text`` with each hit's English form replaced by its locked French form (possessives kept)."""
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        end = hit.start + core_length(hit)
        text = text[: hit.start] + hit.target + text[end:]
    return text


def _count_forms(text: str, forms: Sequence[str]) -> list[str]:
    """Occurrences of ``forms`` in ``text``, longest first, each span used once."""
    taken = [False] * len(text)
    found: list[str] = []
    for form in longest_first(forms):
        pos = find_form(text, form)
        while pos != -1:
            if not any(taken[pos:pos + len(form)]):
                for i in range(pos, pos + len(form)):
                    taken[i] = True
                found.append(form)
            pos = find_form(text, form, pos + len(form))
    return found


# ---------------------------------------------------------------------------- constrained decoding
class ForceTerms:
    """Logits processor: every row must output each of its constraints before end-of-sentence.

    Stateless between steps (it reads each row's tokens so far), so it works under beam search,
    where rows are reordered. ``constraints[i]`` holds (form, token ids) pairs for source row i.
    """

    def __init__(self, constraints: list[list[tuple[str, list[int]]]], beams: int, limits: list[int],
                 eos_id: int, decode, glue=None) -> None:
        self.constraints = constraints
        self.glue = glue  # bool mask of tokens that would glue onto the previous word
        self.beams = beams
        self.limits = limits
        self.eos_id = eos_id
        self.decode = decode
        self._start: int | None = None
        # Source rows where the processor changed the model's choice: their terms were forced;
        # the others reached their locked forms by copying the placeholder source.
        self.intervened: set[int] = set()

    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors
        if self._start is None:
            self._start = input_ids.shape[1]
        produced = input_ids.shape[1] - self._start
        for row in range(scores.shape[0]):
            source = row // self.beams
            wanted = self.constraints[source]
            if not wanted or produced >= self.limits[source]:
                continue  # at the limit the engine's length limiter ends the sentence
            top = int(scores[row].argmax())
            generated = input_ids[row, self._start:].tolist()
            if self.glue is not None and any(len(ids) <= len(generated) and generated[-len(ids):] == ids
                                             for _, ids in wanted):
                # A locked form just ended: the next token may not extend it ("Biden" + "ing").
                scores[row, self.glue] = -float("inf")
                if bool(self.glue[top]):
                    self.intervened.add(source)
            pending = self._pending(generated, wanted)
            if not pending:
                continue
            forced = None
            best = 0
            for _, ids in pending:  # a locked sequence under way is continued
                for k in range(min(len(ids) - 1, len(generated)), best, -1):
                    if generated[-k:] == ids[:k]:
                        best, forced = k, ids[k]
                        break
            if forced is None:
                need = sum(len(ids) for _, ids in pending)
                remaining = self.limits[source] - produced
                if remaining <= need + 1 or top == self.eos_id:
                    forced = pending[0][1][0]
            if forced is not None:
                keep = scores[row, forced].clone()
                scores[row, :] = -float("inf")
                scores[row, forced] = keep if bool(keep.isfinite()) else 0.0
                if forced != top:
                    self.intervened.add(source)
            else:
                scores[row, self.eos_id] = -float("inf")
                if top == self.eos_id:  # pragma: no cover - the branch above forces instead
                    self.intervened.add(source)
        return scores

    def _pending(self, generated: list[int], wanted: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
        have = Counter(_count_forms(self.decode(generated), [form for form, _ in wanted])) if generated else Counter()
        pending = []
        for form, ids in wanted:
            if have[form] > 0:
                have[form] -= 1
            else:
                pending.append((form, ids))
        return pending


_BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _glues(piece: str) -> bool:
    """Would this piece extend the word before it? Word pieces without the space mark, and byte
    pieces of letters, non-ASCII bytes or control characters (dropped from drafts, so the next
    piece would glue on)."""
    if not piece:
        return False
    byte = _BYTE_PIECE.fullmatch(piece)
    if byte:
        value = int(byte.group(1), 16)
        return value < 0x20 or value >= 0x7F or chr(value).isalnum()
    return piece[0] != "\u2581" and (piece[0].isalnum() or unicodedata.category(piece[0]) in ("Mn", "Mc"))


class _ConstraintHook:
    """The engine's ``logits_processors`` callable: constraints for each text of a batch, read from the text itself.

    The texts are placeholder sources, which carry the locked French forms; reading them per piece
    keeps constraints right when the engine splits a long text.
    """

    def __init__(self, engine: Any, forms: Sequence[str]) -> None:
        self.engine = engine
        # The whole constraint, as plain data: an engine that runs batches elsewhere (a Ray
        # worker, translate/pipeline/ray_batch.py) rebuilds the hook there from these forms.
        self.forms = longest_first(forms)
        self._ids: dict[str, list[int]] | None = None  # built on first use, by the engine's own tokenizer
        self._glue = None
        self.processors: list[tuple[list[str], ForceTerms]] = []
        self._forced_elsewhere: set[str] = set()

    def _prepare(self) -> None:
        import torch


        tokenizer = self.engine.tokenizer
        self._ids = {form: list(tokenizer(text_target=form, add_special_tokens=False)["input_ids"]) for form in self.forms}
        special = set(tokenizer.all_special_ids)
        # Decoded as the final draft will be, so "done" here means done in the pair file.
        self._decode = lambda ids: clean_output(tokenizer.decode([i for i in ids if i not in special],
                                                                 skip_special_tokens=True))
        glue = getattr(self.engine, "_term_glue_mask", None)
        if glue is None:  # the same for every hook of an engine: built once (a worker makes one hook per batch)
            pieces = tokenizer.convert_ids_to_tokens(list(range(self.engine.model.config.vocab_size)))
            glue = torch.tensor([_glues(p) for p in pieces])
            self.engine._term_glue_mask = glue
        self._glue = glue

    def __call__(self, texts: list[str], beams: int):
        if self._ids is None:
            self._prepare()
        # The engine's own per-row output limits (its length limiter forces end-of-sentence there).
        limits = [self.engine.output_limit(self.engine.count_tokens(text)) for text in texts]
        constraints = [[(form, self._ids[form]) for form in _count_forms(text, self.forms) if self._ids[form]]
                       for text in texts]
        eos = self.engine.model.config.eos_token_id
        processor = ForceTerms(constraints, beams, limits, eos, self._decode, self._glue.to(self.engine.device))
        self.processors.append((texts, processor))
        return [processor]

    def forced_texts(self) -> set[str]:
        """Texts (or pieces of long texts) whose decoding the processor had to steer."""
        return {texts[row] for texts, proc in self.processors for row in proc.intervened} | self._forced_elsewhere

    def add_forced(self, texts: Sequence[str]) -> None:
        """Record texts steered by this hook's copy in another process (a Ray worker)."""
        self._forced_elsewhere.update(texts)


# ---------------------------------------------------------------------------- repair
def _repair(text: str, source: str, missing: Sequence[TermHit]) -> str:
    for hit in missing:
        english = hit.source_text[: core_length(hit)]
        pos = find_form(text.lower(), english.lower())
        if pos != -1:  # an untranslated or half-translated English leftover takes the locked form
            text = text[:pos] + hit.target + text[pos + len(english):]
            continue
        # Otherwise insert it where it sits in the source, proportionally, at a word boundary.
        at = round(len(text) * hit.start / max(1, len(source)))
        while 0 < at < len(text) and not text[at - 1].isspace():
            at += 1
        left, right = text[:at].rstrip(), text[at:].lstrip()
        text = " ".join(part for part in (left, hit.target, right) if part)
    return text


# ---------------------------------------------------------------------------- the locking run
def _terms_with(hits: Sequence[TermHit], method: str) -> list[TermHit]:
    return [TermHit(h.entry_id, h.source_text, h.start, h.end, h.target, method) for h in hits]


def _finish(text: str, hits: Sequence[TermHit]) -> tuple[str, list[TermHit]]:

    text = clean_output(fix_grammar(text, [h.target for h in hits]))
    return text, missing_forms(text, list(hits))


def translate_locked(engine: Any, texts: Sequence[str], glossary: Glossary | None,
                     stats: LockStats | None = None) -> list[LockedTranslation]:
    """Translate ``texts`` with every glossary hit locked; one result per text, in order."""
    stats = stats if stats is not None else LockStats()
    texts = list(texts)
    hits = [glossary.find(t) if glossary is not None and len(glossary) else [] for t in texts]
    first = engine.translate(texts) if texts else []
    results = [LockedTranslation(text=tr.text, flags=list(tr.flags), target_tokens=tr.target_tokens) for tr in first]
    stats.segments += len(texts)
    todo: list[int] = []
    for i, seg_hits in enumerate(hits):
        if not seg_hits:
            continue
        stats.segments_with_terms += 1
        text, missing = _finish(results[i].text, seg_hits)
        if not missing:
            results[i].text, results[i].terms = text, _terms_with(seg_hits, "natural")
            stats.segment_paths["natural"] += 1
        else:
            todo.append(i)

    if todo:
        # Placeholder sources, decoded under the constraints: a segment whose decoding the
        # processor never had to steer copied its locked forms (placeholder); else forced.
        sources = [substitute(texts[i], hits[i]) for i in todo]
        if getattr(engine, "supports_logits_processors", True):
            hook = _ConstraintHook(engine, [h.target for i in todo for h in hits[i]])
            second = engine.translate(sources, logits_processors=hook)
            steered = hook.forced_texts()
        else:  # a backend without logits processors (CTranslate2): placeholders, then repair
            second = engine.translate(sources)
            steered = set()
        for i, source, tr in zip(todo, sources, second):
            text, missing = _finish(tr.text, hits[i])
            flags = list(tr.flags)
            notes: list[str] = []
            forms = ", ".join(dict.fromkeys(h.target for h in hits[i]))
            was_forced = source in steered or any(part in source for part in steered)
            if not missing and not was_forced:
                terms = _terms_with(hits[i], "placeholder")
                stats.segment_paths["placeholder"] += 1
            elif not missing:
                terms = _terms_with(hits[i], "forced")
                flags.append(FLAG_FORCED)
                notes.append(f"Locked term(s) {forms} were forced into the machine draft by constrained decoding; "
                             "check the sentence around them.")
                stats.segment_paths["forced"] += 1
            else:
                repaired = _repair(text, texts[i], missing)
                text, still = _finish(repaired, hits[i])
                if still:  # cannot happen short of a bug; never hand back a draft without its terms
                    text = text + " " + " ".join(h.target for h in still)
                missing_ids = {id(h) for h in missing}
                terms = [TermHit(h.entry_id, h.source_text, h.start, h.end, h.target,
                                 "repaired" if id(h) in missing_ids else "forced") for h in hits[i]]
                flags.append(FLAG_REPAIRED)
                fixed = ", ".join(dict.fromkeys(h.target for h in missing))
                notes.append(f"Locked term(s) {fixed} were missing from the machine draft and were inserted "
                             "by repair; rewrite the sentence around them.")
                stats.segment_paths["repaired"] += 1
            results[i] = LockedTranslation(text, flags, terms, notes, target_tokens=tr.target_tokens)

    for i, seg_hits in enumerate(hits):
        for hit in results[i].terms:
            stats.terms[hit.method] += 1
    return results
