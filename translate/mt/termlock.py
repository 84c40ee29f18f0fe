"""Locking glossary terms through MT: every hit reaches the draft in exactly its locked form.

Layers, each tried only on the segments the one before left with a missing term, each verified on
the decoded text (:func:`translate.glossary.textmatch.locate_forms`, the comparison the check,
the review and the publish gate share):

1. ``natural``: the plain machine draft already holds every locked form.
2. ``placeholder`` / ``forced``: the source is re-sent with each hit replaced by its locked French
   form ("Russian President Vladimir Poutine called..."; MT models copy names they cannot
   translate) and decoded under lexical constraints: :class:`ForceTerms` (a logits processor given
   to ``generate`` through the engine's ``logits_processors`` extension point) continues a locked
   token sequence once the model starts it, starts it itself when the model wants to stop or the
   length budget runs short, keeps the next token from gluing onto a finished form, and holds back
   end-of-sentence until every locked form is out. It records each step where it changed the
   model's choice, with the row's tokens so far; once ``generate`` is done, only the steps on the
   path of the hypothesis it kept count (under beam search a steered beam may be dropped). A term
   is ``forced`` when such a step concerned that form in that row, else ``placeholder`` (copied
   unaided). A backend without logits processors (CTranslate2) sends the segments its placeholder
   pass left incomplete through its constrained fallback engine (``constrained_engine()``) when
   it has one.
3. ``repaired``: last resort, the draft is edited and flagged, and the term says how
   (:data:`REPAIRS`): a look-alike of the form normalised in place ("Geneve", "etats-unis"), else
   an English leftover replaced, else the form inserted. Never a second copy.

Drafts that MT did not make go through :func:`verify_draft`: a memory match is ``memory`` when it
holds every form (typographic variants normalised), else the caller re-translates it; a human
target is never edited, its terms are ``human`` and a missing one is flagged for the translator.

French grammar next to a locked form is then tidied (:func:`fix_grammar`): elision ("de Ukraine"
→ "d'Ukraine"), contraction ("de le Kremlin" → "du Kremlin"), no doubled article.
The guarantee holds for any model output, which the tests check with a random-weight model.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from translate.core.article import TermHit
from translate.glossary.entries import Glossary, core_length
from translate.glossary.textmatch import Finder, count_forms, key, locate_forms, longest_first
from translate.mt.engine import Engine, Translation, clean_output

METHODS = ("natural", "placeholder", "forced", "repaired", "memory", "human")
REPAIRS = ("normalised", "replaced-english", "inserted")
FLAG_FORCED = "term-forced"
FLAG_REPAIRED = "term-repaired"
FLAG_TERM_MISSING = "term-missing"  # a human target lacks a locked form: flagged, never edited


@dataclass
class LockedTranslation:
    """What :func:`translate_locked` returns per text: a Translation plus its term hits and notes."""

    text: str
    flags: list[str] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    target_tokens: int = 0
    logprob: float | None = None  # the model's confidence in the draft kept (translate/mt/confidence.py)


@dataclass
class LockStats:
    """How each locking path was used: per term hit and per segment."""

    segments: int = 0  # segments translated
    segments_with_terms: int = 0
    terms: Counter = field(default_factory=Counter)  # method -> term hits
    segment_paths: Counter = field(default_factory=Counter)  # method -> segments that needed it
    repairs: Counter = field(default_factory=Counter)  # how -> repaired term hits
    fallback_segments: int = 0  # segments sent to the constrained fallback engine (CTranslate2)
    memory_rejected: int = 0  # memory matches not reused because they lack a locked form

    def add(self, other: "LockStats") -> None:
        self.segments += other.segments
        self.segments_with_terms += other.segments_with_terms
        self.terms.update(other.terms)
        self.segment_paths.update(other.segment_paths)
        self.repairs.update(other.repairs)
        self.fallback_segments += other.fallback_segments
        self.memory_rejected += other.memory_rejected

    def summary(self) -> str:
        total = sum(self.terms.values())
        parts = ", ".join(f"{self.terms.get(m, 0)} {m}" for m in METHODS if self.terms.get(m) or m in METHODS[:4])
        how = f"; repairs: {', '.join(f'{n} {h}' for h, n in sorted(self.repairs.items()))}" if self.repairs else ""
        return f"{total} locked terms ({parts}{how})"


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


def fix_grammar(text: str, forms: Sequence[str]) -> str:
    """Elision, contraction and doubled articles right before each locked form; the forms untouched."""
    for form in longest_first(forms):
        done = 0
        while True:
            spans = [(a, b) for a, b in Finder(text).spans(form) if a >= done]
            if not spans:
                break
            pos, end = spans[0]
            before = _fix_before(text[:pos], form)
            text = before + text[pos:]
            done = len(before) + (end - pos)
    return text


# ---------------------------------------------------------------------------- sources
def substitute(text: str, hits: Sequence[TermHit]) -> str:
    """``text`` with each hit's English form replaced by its locked French form (possessives kept)."""
    for hit in sorted(hits, key=lambda h: h.start, reverse=True):
        end = hit.start + core_length(hit)
        text = text[: hit.start] + hit.target + text[end:]
    return text


# ---------------------------------------------------------------------------- constrained decoding
class ForceTerms:
    """Logits processor: every row must output each of its constraints before end-of-sentence.

    Stateless between steps (it reads each row's tokens so far), so it works under beam search,
    where rows are reordered. ``constraints[i]`` holds (form, token ids) pairs for source row i.

    Each step where it changes the model's choice is recorded with the row's tokens so far;
    :meth:`finished` (called by the engine with the rows ``generate`` kept) keeps the steps on
    the kept hypothesis' path: ``steered[i]`` is the set of (form, occurrence) it steered in row i.
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
        # (source row, form, occurrence, tokens so far, token chosen or None for "not glued on")
        self._events: list[tuple[int, str, int, tuple[int, ...], int | None]] = []
        self.steered: dict[int, set[tuple[str, int]]] = {}

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
            have = Counter(count_forms(self.decode(generated), [form for form, _ in wanted])) if generated else Counter()
            ended = [form for form, ids in wanted if len(ids) <= len(generated) and generated[-len(ids):] == ids]
            if self.glue is not None and ended:
                # A locked form just ended: the next token may not extend it ("Biden" + "ing").
                scores[row, self.glue] = -float("inf")
                if bool(self.glue[top]):
                    self._events.append((source, ended[0], max(0, have[ended[0]] - 1), tuple(generated), None))
            pending = self._pending(have, wanted)
            if not pending:
                continue
            forced = None
            form = ""
            best = 0
            for name, ids in pending:  # a locked sequence under way is continued
                for k in range(min(len(ids) - 1, len(generated)), best, -1):
                    if generated[-k:] == ids[:k]:
                        best, forced, form = k, ids[k], name
                        break
            if forced is None:
                need = sum(len(ids) for _, ids in pending)
                remaining = self.limits[source] - produced
                if remaining <= need + 1 or top == self.eos_id:
                    form, forced = pending[0][0], pending[0][1][0]
            if forced is not None:
                keep = scores[row, forced].clone()
                scores[row, :] = -float("inf")
                scores[row, forced] = keep if bool(keep.isfinite()) else 0.0
                if forced != top:
                    self._events.append((source, form, have[form], tuple(generated), forced))
            else:
                scores[row, self.eos_id] = -float("inf")
        return scores

    @staticmethod
    def _pending(have: Counter, wanted: list[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
        have = Counter(have)
        pending = []
        for form, ids in wanted:
            if have[form] > 0:
                have[form] -= 1
            else:
                pending.append((form, ids))
        return pending

    def finished(self, rows: list[list[int]]) -> None:
        """The rows ``generate`` returned (decoder start included): keep the steps on their path."""
        start = self._start or 1
        for source, form, occurrence, prefix, token in self._events:
            if source >= len(rows):
                continue
            final = rows[source][start:]
            n = len(prefix)
            if tuple(final[:n]) != prefix or len(final) <= n:
                continue  # a beam that was dropped: its steering did not make the draft
            if token is None or final[n] == token:
                self.steered.setdefault(source, set()).add((form, occurrence))


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

    def __init__(self, engine: Engine, forms: Sequence[str]) -> None:
        self.engine = engine
        # The whole constraint, as plain data: an engine that runs batches elsewhere (a Ray
        # worker, translate/pipeline/ray_batch.py) rebuilds the hook there from these forms.
        self.forms = longest_first(forms)
        self._ids: dict[str, list[int]] | None = None  # built on first use, by the engine's own tokenizer
        self._glue = None
        self.processors: list[tuple[list[str], ForceTerms]] = []
        self._steered_elsewhere: dict[str, Counter] = {}  # piece -> form -> count, from other processes

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
        constraints = [[(form, self._ids[form]) for form in count_forms(text, self.forms) if self._ids[form]]
                       for text in texts]
        eos = self.engine.model.config.eos_token_id
        processor = ForceTerms(constraints, beams, limits, eos, self._decode, self._glue.to(self.engine.device))
        self.processors.append((texts, processor))
        return [processor]

    def steered(self, piece: str) -> Counter:
        """Per locked form, how many of its occurrences the processor steered in ``piece``'s draft
        (here, or in this hook's copy in another process: :meth:`add_steered`)."""
        out: Counter = Counter(self._steered_elsewhere.get(piece, {}))
        for texts, proc in self.processors:
            for row, text in enumerate(texts):
                if text == piece:
                    out.update(form for form, _ in proc.steered.get(row, ()))
        return out

    def steered_pieces(self) -> dict[str, dict[str, int]]:
        """Every piece this hook steered, with its per-form counts: what a worker sends back."""
        pieces = dict.fromkeys(text for texts, _ in self.processors for text in texts)
        return {piece: dict(counts) for piece in pieces if (counts := self.steered(piece))}

    def add_steered(self, pieces: dict[str, dict[str, int]]) -> None:
        """Record what this hook's copy in another process (a Ray worker) steered, per piece and form."""
        for piece, counts in pieces.items():
            self._steered_elsewhere.setdefault(piece, Counter()).update(counts)


# ---------------------------------------------------------------------------- verification and repair
def normalise_forms(text: str, hits: Sequence[TermHit]) -> str:
    """Each locked form the draft holds as a typographic variant (’ for ', a no-break space,
    decomposed accents) written exactly as locked; allowed case variants ("Le" at a sentence
    start) are kept."""
    found, _ = locate_forms(text, hits)
    targets = {id(h): h.target for h in hits}
    for hit_id, (start, end) in sorted(found.items(), key=lambda kv: -kv[1][0]):
        seen = text[start:end]
        if seen != targets[hit_id] and key(seen) == key(targets[hit_id]):
            text = text[:start] + targets[hit_id] + text[end:]
    return text


def _free(spans: list[tuple[int, int]], taken: list[bool]) -> tuple[int, int] | None:
    for start, end in spans:
        if not any(taken[start:end]):
            return start, end
    return None


def repair(text: str, source: str, hits: Sequence[TermHit]) -> tuple[str, dict[int, str]]:
    """Put every locked form of ``hits`` that ``text`` lacks into it, once each.

    ``hits`` are all the segment's: those already present keep their spans. Returns the text and,
    per repaired hit (by ``id``), how: ``normalised`` (a look-alike of the form, with other
    accents, case or hyphens, written as locked), ``replaced-english`` (an English leftover
    replaced) or ``inserted``.

    Forms already there (modulo :func:`translate.glossary.textmatch.fold`) are never touched and
    their spans are never used again, so no repair duplicates a form or eats another hit's.
    """
    hows: dict[int, str] = {}
    for _ in range(len(hits) + 1):
        taken = [False] * len(text)
        _, missing = locate_forms(text, hits, taken=taken)
        if not missing:
            break
        hit = missing[0]
        english = hit.source_text[: core_length(hit)]
        span = _free(Finder(text, loose=True).spans(hit.target, "ignore"), taken)
        how = "normalised"
        if span is None:
            span = _free(Finder(text).spans(english, "ignore"), taken) or _free(
                Finder(text, loose=True).spans(english, "ignore"), taken)
            how = "replaced-english"
        if span is not None:
            text = text[:span[0]] + hit.target + text[span[1]:]
        else:
            how = "inserted"
            # Where it sits in the source, proportionally, at a word boundary outside other forms.
            at = round(len(text) * hit.start / max(1, len(source)))
            while 0 < at < len(text) and (not text[at - 1].isspace() or taken[at - 1] or taken[at]):
                at += 1
            left, right = text[:at].rstrip(), text[at:].lstrip()
            text = " ".join(part for part in (left, hit.target, right) if part)
        hows[id(hit)] = how
    return text, hows


def _with(hit: TermHit, method: str, how: str = "") -> TermHit:
    return TermHit(hit.entry_id, hit.source_text, hit.start, hit.end, hit.target, method, how, hit.case)


def _finish(text: str, hits: Sequence[TermHit]) -> tuple[str, list[TermHit]]:
    text = clean_output(fix_grammar(normalise_forms(text, hits), [h.target for h in hits]))
    return text, locate_forms(text, hits)[1]


@dataclass
class DraftCheck:
    """What :func:`verify_draft` found in a draft that MT did not make."""

    text: str
    terms: list[TermHit]
    missing: list[TermHit]
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


MISSING_NOTE = "Locked glossary term(s) missing from this translation: "


def verify_draft(text: str, hits: Sequence[TermHit], *, origin: str) -> DraftCheck:
    """The term check for a draft made elsewhere than MT: ``origin`` ``memory`` or ``human``.

    A memory match holding every form is reused (typographic variants normalised, terms
    ``memory``); one lacking a form comes back with ``missing`` set and the caller re-translates
    it. A human target is never edited: its terms are ``human``, a missing one (``how`` =
    ``missing``) is flagged with a note for the translator.
    """
    if origin == "memory":
        fixed = normalise_forms(text, hits)
        found, missing = locate_forms(fixed, hits)
        return DraftCheck(fixed if not missing else text, [_with(h, "memory") for h in hits], missing)
    _, missing = locate_forms(text, hits)
    gone = {id(h) for h in missing}
    terms = [_with(h, "human", "missing" if id(h) in gone else "") for h in hits]
    check = DraftCheck(text, terms, missing)
    if missing:
        check.flags.append(FLAG_TERM_MISSING)
        forms = ", ".join(dict.fromkeys(f"{h.target} (for {h.source_text})" for h in missing))
        check.notes.append(MISSING_NOTE + forms + ". The glossary may have changed since this was written; "
                           "correct it, or keep it and tell the glossary's keepers.")
    return check


# ---------------------------------------------------------------------------- the locking run
def _constrained(engine: Engine, sources: list[str], forms: list[str]) -> tuple[list[Translation], list[Counter]]:
    """The placeholder sources decoded under the constraints: drafts, and per source the forms
    the processor steered (summed over the pieces of a long text)."""
    hook = _ConstraintHook(engine, forms)
    out = engine.translate(sources, logits_processors=hook)
    pieces_of = getattr(engine, "pieces_of", lambda text: [text])
    steered = []
    for text in sources:
        total: Counter = Counter()
        for piece in dict.fromkeys(pieces_of(text)):
            total.update(hook.steered(piece))
        steered.append(total)
    return out, steered


def translate_locked(engine: Engine, texts: Sequence[str], glossary: Glossary | None,
                     stats: LockStats | None = None) -> list[LockedTranslation]:
    """Translate ``texts`` with every glossary hit locked; one result per text, in order."""
    stats = stats if stats is not None else LockStats()
    texts = list(texts)
    hits = [glossary.find(t) if glossary is not None and len(glossary) else [] for t in texts]
    first = engine.translate(texts) if texts else []
    results = [LockedTranslation(text=tr.text, flags=list(tr.flags), target_tokens=tr.target_tokens,
                                 logprob=getattr(tr, "logprob", None)) for tr in first]
    stats.segments += len(texts)
    todo: list[int] = []
    for i, seg_hits in enumerate(hits):
        if not seg_hits:
            continue
        stats.segments_with_terms += 1
        text, missing = _finish(results[i].text, seg_hits)
        if not missing:
            results[i].text, results[i].terms = text, [_with(h, "natural") for h in seg_hits]
            stats.segment_paths["natural"] += 1
        else:
            todo.append(i)

    drafts: dict[int, tuple[Translation, Counter]] = {}
    by_fallback: set[int] = set()
    if todo:
        sources = {i: substitute(texts[i], hits[i]) for i in todo}
        forms = [h.target for i in todo for h in hits[i]]
        if getattr(engine, "supports_logits_processors", True):
            out, steered = _constrained(engine, [sources[i] for i in todo], forms)
            drafts.update({i: (tr, st) for i, tr, st in zip(todo, out, steered)})
        else:
            # A backend without logits processors (CTranslate2): placeholders first; what they
            # leave incomplete goes to the backend's constrained fallback engine, if it has one.
            plain = engine.translate([sources[i] for i in todo])
            drafts.update({i: (tr, Counter()) for i, tr in zip(todo, plain)})
            left = [i for i, tr in zip(todo, plain) if _finish(tr.text, hits[i])[1]]
            fallback = engine.constrained_engine() if left and hasattr(engine, "constrained_engine") else None
            if fallback is not None:
                out, steered = _constrained(fallback, [sources[i] for i in left], forms)
                drafts.update({i: (tr, st) for i, tr, st in zip(left, out, steered)})
                stats.fallback_segments += len(left)
                by_fallback.update(left)

    for i in todo:
        tr, steered = drafts[i]
        seg_hits = hits[i]
        text, missing = _finish(tr.text, seg_hits)
        hows: dict[int, str] = {}
        if missing:
            repaired, hows = repair(text, texts[i], seg_hits)
            text, still = _finish(repaired, seg_hits)
            if still:  # pragma: no cover - cannot happen short of a bug; never hand back a draft without its terms
                text = text + " " + " ".join(h.target for h in still)
                hows.update({id(h): "inserted" for h in still})
        left = Counter(steered)
        terms = []
        for hit in seg_hits:
            if id(hit) in hows:
                terms.append(_with(hit, "repaired", hows[id(hit)]))
            elif left[hit.target] > 0:
                left[hit.target] -= 1
                terms.append(_with(hit, "forced"))
            else:
                terms.append(_with(hit, "placeholder"))
        flags = list(tr.flags)
        notes: list[str] = []
        forced = [h.target for h in terms if h.method == "forced"]
        if forced:
            flags.append(FLAG_FORCED)
            by = " (the transformers engine's pass: this backend cannot constrain)" if i in by_fallback else ""
            notes.append(f"Locked term(s) {', '.join(dict.fromkeys(forced))} were forced into the machine draft by "
                         f"constrained decoding{by}; check the sentence around them.")
        if hows:
            flags.append(FLAG_REPAIRED)
            said = {"normalised": "written as locked where the draft had a variant",
                    "replaced-english": "put in place of the English left in the draft",
                    "inserted": "inserted where the draft lacked them"}
            parts = []
            for how in REPAIRS:
                forms = [h.target for h in terms if h.how == how and h.method == "repaired"]
                if forms:
                    parts.append(f"{', '.join(dict.fromkeys(forms))} {said[how]}")
                    stats.repairs[how] += len(forms)
            notes.append("Locked term(s) repaired after MT: " + "; ".join(parts) + ". Rewrite the sentence around them.")
            stats.segment_paths["repaired"] += 1
        elif forced:
            stats.segment_paths["forced"] += 1
        else:
            stats.segment_paths["placeholder"] += 1
        results[i] = LockedTranslation(text, flags, terms, notes, target_tokens=tr.target_tokens,
                                       logprob=getattr(tr, "logprob", None))

    for result in results:
        for hit in result.terms:
            stats.terms[hit.method] += 1
    return results
