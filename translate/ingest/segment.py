"""Sentence segmentation with character offsets: nothing of the original is lost.

Each sentence is an exact substring of its text; the whitespace between sentences is kept by the
block (see :meth:`translate.core.article.Block.gaps`) so the article is rebuilt byte for byte.

The rules are written for news copy (see docs/segmentation.md):

* a blank line always ends a sentence; a single line break ends one after a headline, a byline,
  a list item or before one, not where a sentence is merely wrapped;
* ``. ! ? …`` (with any closing quotes and brackets) end a sentence before a plausible sentence
  start, with the exceptions news needs: titles before names (Gen., Sen.), abbreviations that end
  a sentence only before a usual sentence opener (U.S., D.C., Inc., a.m.), initials, numbered
  abbreviations (No. 5), list numbers, decimals, URLs and e-mails (no space after the dot),
  ``?"`` followed by an attribution ("asked one resident", "Smith asked."), elisions inside quotes;
* after an abbreviation, what kind it is ([title], [inner], [number], [time], [general], [prefix],
  a street after a name) and what follows (a capital, a bracket, a number, a quote, a usual
  sentence opener, a name that runs on after "the U.K.") decide;
* names holding ! or ? ("Yahoo! Research"), inline lists ("1. ... 2. ...", "a. ... b. ..."),
  spaced ellipses (". . . The practice"), citations after quotations ("..." (Smith 55).) and
  emoji after a terminator are handled as docs/segmentation.md describes.

The abbreviation and sentence-opener lists are data (``translate/resources``): a newsroom extends
them without touching code, or passes its own :class:`Rules`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

# A terminator: an ellipsis, or a run of . ! ? (so "?!" and "..." are one terminator).
_TERMINATOR = re.compile(r"…+[.!?…]*|\.(?:[ \u00a0]\.){2,}|[.!?][.!?…]*")
# Closing punctuation that belongs to the sentence before it; French-style "Oui ! »" included.
_CLOSERS = re.compile(r"(?:[\"'”’»)\]]|[ \u00a0\u202f](?=»))*")
_OPENERS = "\"'“‘«([¿¡"
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")
# Bullets and list numbers at the start of a line: "- ", "* ", "• ", "1. ", "2) ", "(a) ".
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*•·‣▪–—+]|\d{1,3}[.)]|\(?[a-zA-Z0-9]{1,3}\))[ \t\u00a0]+\S")
_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")
# A list marker inside a paragraph: "1. ", "2.) ", "b. ", "3) ", "• 9. ", "⁃10. ".
_INLINE_MARKER = re.compile(
    r"(?<![^\s:])(?:[•⁃‣▪◦*][ \t\u00a0]?)?(?P<label>\d{1,3}|[a-z])(?P<delim>\.\)|\.|\))(?=[ \t\u00a0]+\S)")
_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|io|co|uk|fr|de|info|news|ai)\b(?![.\w])")
_SPACED_FOUR = re.compile(r"\.(?:[ \u00a0]\.){3}")
# Words before an abbreviation that make it a modifier of the next noun: "the U.S. Government".
_DETERMINERS = frozenset("the a an its his her their our your my this that these those whose".split())
# A sentence opening with one of these and a time has no verb yet: "At 5 a.m. Mr. Smith went".
_INTRO_PREPOSITIONS = frozenset("at by before after until till from around about since on".split())
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# Verbs of an attribution after a quoted question or exclamation: "Why?" Smith asked.
_SPEECH_VERBS = frozenset(
    "said says asked asks added adds wondered wonders replied replies shouted shouts yelled yells "
    "cried demanded demands exclaimed quipped joked insisted answered responded".split()
)
# Words a wrapped line may end with: the sentence certainly goes on.
_CONTINUING = frozenset(
    "a an the of to and or but nor in on at for with by from that as than into onto over under about "
    "after before between his her its their our my your this these those is are was were be been has "
    "have had will would can could should may might must who which whose whom where when while".split()
)
# Openers that are capitalised inside a sentence too ("and then I said", "Will Smith").
_NAME_LIKE_STARTERS = frozenset({"I", "I'm", "I’m", "I've", "I’ve", "I'll", "I’ll", "I'd", "I’d", "Will"})
_SMALL = frozenset("a an the and or but nor of in on at to for with by from as vs via up into over off per".split())


@dataclass(frozen=True)
class Rules:
    """The data the segmenter decides with (see translate/resources/abbreviations.txt)."""

    titles: frozenset[str]  # never end a sentence: a name follows
    numbered: frozenset[str]  # abbreviations only before a number
    general: frozenset[str]  # may end a sentence, unless a name goes on
    prefixes: frozenset[str]  # usually before a capitalised name: end only before a usual opener
    starters: frozenset[str]  # usual sentence openers
    name_words: frozenset[str]  # words that continue a name (titles, institutions, days, months)
    times: frozenset[str] = frozenset()  # "a.m.", "P.M.": may end a sentence, even before a title
    names: frozenset[str] = frozenset()  # names holding ! or ? ("Yahoo!"): no sentence end inside
    inner: frozenset[str] = frozenset()  # "e.g.", "i.e.", "cf.", "Re.": never end a sentence
    streets: frozenset[str] = frozenset()  # "St.", "Dr.": a title before a name, a street after one


def _read_sections(text: str, default: str) -> dict[str, set[str]]:
    sections: dict[str, set[str]] = {}
    current = default
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip().lower()
            continue
        sections.setdefault(current, set()).add(line)
    return sections


def load_segment_rules(abbreviations: Path | str | None = None, words: Path | str | None = None,
               extra: list[Path] | None = None) -> Rules:
    """Rules from the packaged lists, or from the files given; ``extra`` files (in the
    abbreviations.txt format; [starters] and [name words] sections allowed) add to them."""

    def read(path: Path | str | None, name: str) -> str:
        if path is None:
            return resources.files("translate.resources").joinpath(name).read_text("utf-8")
        return Path(path).read_text("utf-8")

    found = _read_sections(read(abbreviations, "abbreviations.txt"), "general")
    for key, values in _read_sections(read(words, "sentence_starters.txt"), "starters").items():
        found.setdefault(key, set()).update(values)
    for path in extra or []:
        for key, values in _read_sections(Path(path).read_text("utf-8"), "general").items():
            found.setdefault(key, set()).update(values)

    def kind(name: str, strip: bool = True) -> set[str]:
        return {v.rstrip(".") if strip else v for v in found.get(name, ())}

    titles = kind("title")
    titles |= {t.upper() for t in titles if len(t) > 1}
    return Rules(
        titles=frozenset(titles),
        numbered=frozenset(kind("number") | {n.lower() for n in kind("number")}),
        general=frozenset(kind("general")),
        prefixes=frozenset(kind("prefix")),
        starters=frozenset(kind("starters", strip=False)),
        name_words=frozenset(kind("name words", strip=False)),
        times=frozenset(kind("time")),
        names=frozenset(kind("name", strip=False)),
        inner=frozenset(kind("inner")),
        streets=frozenset(kind("street")),
    )


@lru_cache(maxsize=1)
def default_segment_rules() -> Rules:
    return load_segment_rules()


def default_abbreviations() -> frozenset[str]:
    """Every abbreviation the default rules know (all kinds)."""
    rules = default_segment_rules()
    return rules.titles | rules.numbered | rules.general | rules.prefixes | rules.times | rules.inner


def split_sentences(text: str, rules: Rules | None = None) -> list[str]:
    """The sentences of ``text``: exact substrings, in order, covering every non-space character."""
    return [text[start:end] for start, end in sentence_spans(text, rules)]


def sentence_spans(text: str, rules: Rules | None = None) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of the sentences of ``text``, in order, without surrounding space."""
    if not isinstance(rules, Rules):  # None, or the old frozenset-of-abbreviations argument
        rules = default_segment_rules()
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        spans.extend(_split_paragraph(text, para_start, para_end, rules))
    return spans


# --------------------------------------------------------------------------- paragraphs and lines
def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], line breaks excluded."""
    out, pos = [], start
    for match in _LINE_BREAK.finditer(text, start, end):
        out.append((pos, match.start()))
        pos = match.end()
    out.append((pos, end))
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Runs of non-blank lines, trimmed of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    para: list[tuple[int, int]] = []
    for a, b in _lines(text, 0, len(text)):
        if text[a:b].strip():
            para.append((a, b))
        elif para:
            spans.append(_trim(text, para[0][0], para[-1][1]))
            para = []
    if para:
        spans.append(_trim(text, para[0][0], para[-1][1]))
    return [s for s in spans if s[0] < s[1]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


# --------------------------------------------------------------------------- splitting
def _split_paragraph(text: str, start: int, end: int, rules: Rules) -> list[tuple[int, int]]:
    cuts: dict[int, int] = {}  # end of a sentence -> start of the next
    markers = _inline_list(text, start, end)
    in_marker = {pos for a, b in markers for pos in range(a, b)}
    for match in _TERMINATOR.finditer(text, start, end):
        if match.start() in in_marker:
            continue  # the dot of a list number: "1. The first item 2. The second item"
        closers = _CLOSERS.match(text, match.end(), end)
        stop = closers.end() if closers else match.end()
        if stop >= end or not text[stop].isspace():
            continue  # inside a token (3.5, U.S.-based, example.com) or the paragraph's end
        follow = _skip_space(text, stop, end)
        if follow >= end:
            continue
        closed = stop > match.end()
        emoji_end = _emoji_run(text, follow, end)
        if emoji_end > follow:
            # "Great job! 🎉 See you soon.": the emoji closes the sentence before it.
            after = _skip_space(text, emoji_end, end)
            if after >= end:
                continue
            if after > emoji_end:
                stop, follow = emoji_end, after
        term = match.group()
        if (_SPACED_FOUR.fullmatch(term) and match.start() > 0 and not text[match.start() - 1].isspace()
                and _plausible_start(text, follow, end) and text[follow] not in ".!?…"):
            # "compounds. . . . The practice": a full stop, then an ellipsis opening the next sentence.
            cuts[match.start() + 1] = match.start() + 2
            continue
        if _ends_sentence(text, match.start(), term, closed, follow, end, rules):
            cuts[stop] = follow
    for a, _ in markers:
        if a > start:
            stop = _trim(text, start, a)[1]
            if stop > start:
                cuts.setdefault(stop, a)
    _line_cuts(text, start, end, cuts, rules)
    spans, pos = [], start
    for stop in sorted(cuts):
        if stop <= pos:
            continue
        piece = _trim(text, pos, stop)
        if piece[0] < piece[1]:
            spans.append(piece)
        pos = cuts[stop]
    piece = _trim(text, pos, end)
    if piece[0] < piece[1]:
        spans.append(piece)
    return spans


def _emoji_run(text: str, pos: int, end: int) -> int:
    """End of a run of emoji (symbols, their modifiers and joiners) starting at ``pos``."""
    # Emoji live from U+2600 (weather, dingbats) and U+1F000 on; "©", "°" and "`" are not emoji.
    while pos < end and ((ord(text[pos]) >= 0x2600 and unicodedata.category(text[pos]) in ("So", "Sk"))
                         or text[pos] in "\u200d\ufe0f"):
        pos += 1
    return pos


def _inline_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The markers of a list run into one paragraph ("1. The first item 2. The second item",
    "a. ... b. ...", "1) ... 2) ..."): numbered in sequence, the first at the start of the paragraph,
    of a line or after a colon. Each marker starts an item; its dot ends nothing."""
    found: list[tuple[int, int]] = []
    chain: list[tuple[int, int]] = []
    last: tuple[str, int, str] | None = None  # kind, value, delimiter of the chain's last marker
    for match in _INLINE_MARKER.finditer(text, start, end):
        label, delim = match.group("label"), match.group("delim")
        kind, value = ("n", int(label)) if label.isdigit() else ("a", ord(label) - ord("a") + 1)
        at_line_start = match.start() == start or _at_line_start(text, match.start())
        after = _skip_space(text, match.end(), end)
        # An item starts like a sentence; lower-case only on a line of its own ("a) the ambassadors").
        item_starts = _plausible_start(text, after, end) or (text[after].islower() and at_line_start)
        if last and (kind, value - 1, delim) == last and item_starts:
            chain.append((match.start(), match.end()))
            last = (kind, value, delim)
            continue
        if len(chain) > 1:
            found.extend(chain)
        chain, last = [], None
        after_colon = text[start:match.start()].rstrip(" \t\u00a0").endswith(":")
        if at_line_start or (after_colon and value == 1):
            chain, last = [(match.start(), match.end())], (kind, value, delim)
    if len(chain) > 1:
        found.extend(chain)
    return found


def _ends_sentence(text: str, term_start: int, term: str, closed: bool, follow: int, end: int, rules: Rules) -> bool:
    """Does the terminator ``term`` at ``term_start`` end a sentence whose successor starts at ``follow``?"""
    nxt = text[follow]
    word = _next_word(text, follow, end)
    if nxt in ".!?" and not (follow + 1 < end and text[follow + 1].isalnum()):
        return False  # no sentence starts with a full stop or a mark: "Fig. ??", "! ! !"
    if nxt == "(" and _citation_follows(text, follow, end):
        return False  # "... stairways [...]" (Smith 55).  A reference closes the sentence before it.
    if term[0] in "!?" or term[-1] in "!?":
        if not _plausible_start(text, follow, end):
            return False
        inside, last = _in_name(text, term_start, rules)
        if inside:
            # "Yahoo! Research", "Choir! Choir! Choir!": a name goes on, unless a usual opener follows.
            return last and (nxt in _OPENERS or _opener(word, rules)) and not closed
        # "Why now?" Smith asked.  /  "Really?!" said the minister.  The attribution goes on.
        return not (closed and _attribution_follows(text, follow, end, rules))
    if "…" in term or ".." in term or ". ." in term:
        if term_start > 0 and text[term_start - 1].isspace():
            # An elision inside a quotation ("we will ... defend"): only a clear opener starts anew.
            return word in rules.starters and word not in _NAME_LIKE_STARTERS
        return (nxt.isupper() or nxt in _OPENERS) and not nxt.isdigit()
    # A single period.
    token = _token_before(text, term_start)
    core = token.lstrip(_OPENERS + "-—–/")
    if not core:
        return _plausible_start(text, follow, end)
    if core.isdigit() and _at_line_start(text, term_start - len(token)):
        return False  # a list number: "1. The first point"
    if closed:
        # The period sits inside quotes or brackets: the writer closed the sentence there.
        return _plausible_start(text, follow, end)
    start = term_start - len(token)
    kind = _kind(core, text, start, rules)
    if kind in ("title", "inner"):
        return False
    if kind == "number":
        # "No. 5", "no. 5", "Rs. 1000", "N°. 1026", "ext. 5": before a number the abbreviation goes on.
        return not nxt.isdigit() and _plausible_start(text, follow, end)
    if nxt == "(" and kind in ("general", "time", "prefix"):
        # "Acme Co. (NYSE: ACM)", "2 p.m. (1400 GMT)": the bracket qualifies the abbreviation,
        # unless it holds a sentence of its own ("(It closed.)").
        return _bracket_is_sentence(text, follow, end)
    if kind == "time":
        if nxt.isupper() and (word in rules.titles or word.upper() in rules.titles) and text.startswith(".", follow + len(word)):
            # "He left at 6 P.M. Mr. Smith then ..." ends; "At 5 a.m. Mr. Smith went ..." opens a sentence.
            return not _introductory(text, start)
        return _general_ends(text, follow, end, word, rules, token_start=start)
    if kind == "general":
        return _general_ends(text, follow, end, word, rules, token_start=start)
    if kind == "prefix":
        return nxt in _OPENERS or (word in rules.starters and not _is_initial(text, follow, end))
    if len(core) == 1 and core.isupper():
        # An initial ("John F. Kennedy"), unless a usual opener follows ("Plan B. The ...").
        return word in rules.starters and not _is_initial(text, follow, end)
    return _plausible_start(text, follow, end)


def _kind(core: str, text: str, start: int, rules: Rules) -> str | None:
    """Which list the word before a period belongs to. Lists are case-sensitive, but a word
    capitalised at a sentence start ("Approx. 50", "E.g.") is also looked up in lower case.
    "St." and "Dr." after a name are a street ("Downing St.", "Mulholland Dr."), not a title."""
    if core in rules.streets and _after_a_name(text, start, rules):
        return "general"
    # Not for a single letter: "John P. Smith" is an initial, not "p. 5".
    for form in (core, core.lower()) if len(core) > 1 else (core,):
        if form in rules.titles:
            return "title"
        if form in rules.inner:
            return "inner"
        if form in rules.numbered:
            return "number"
        if form in rules.times:
            return "time"
        if form in rules.general:
            return "general"
        if form in rules.prefixes:
            return "prefix"
    if core.endswith(("°", "º")):
        return "number"
    if _DOTTED.fullmatch(core):
        return "prefix"
    return None


def _after_a_name(text: str, start: int, rules: Rules) -> bool:
    """Is the word before ``start`` a capitalised name (not a title, nor a sentence opener)?"""
    pos = start
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    if re.search(r"[.!?…:;,][\"'”’)\]]*$", _token_before(text, pos)):
        return False  # "... Space Studies. Dr. Hansen": a sentence (or a list) starts with the title
    before = _word_before(text, start)
    if not before[:1].isupper() or before in rules.titles or before in rules.name_words:
        return False
    return pos - len(before) > 0 and not re.search(r"[.!?]\W*\s*$", text[:pos - len(before)])


def _general_ends(text: str, follow: int, end: int, word: str, rules: Rules, token_start: int) -> bool:
    """After an abbreviation that may end a sentence ("Inc.", "D.C.", "p.m.")."""
    nxt = text[follow]
    if nxt in _OPENERS or word in rules.starters:
        return True
    if word in rules.general and text.startswith(".", follow + len(word)):
        return False  # one abbreviation after another: "Holdings Ltd. Co., ..."
    # "D.C. Thousands attended" ends; "D.C. Mayor", "8 p.m. Saturday", "p.m. EDT" go on.
    head = re.sub(r"['’]s$", "", word.split("-", 1)[0])  # "U.N. Secretary-General", "the U.S. Army's"
    if not nxt.isupper() or _is_initial(text, follow, end) or head in rules.name_words or head in rules.titles \
            or (len(word) > 1 and word.isupper()):
        return False
    # "the U.K. Panel on Climate Change", "its U.S. Winter Olympics team": after a determiner the
    # abbreviation modifies the name that follows, when that name runs on ("the U.K. Officials
    # from both sides" does not: a sentence starts there).
    # Without a determiner, a longer run of capitalised words is a name too: "Last week, U.S.
    # Consumer Product Safety Commission (CPSC) held ...".
    if _word_before(text, token_start).lower() in _DETERMINERS:
        return not _name_runs_on(text, follow, end, word)
    return not _name_runs_on(text, follow, end, word, words=2)


def _name_runs_on(text: str, follow: int, end: int, word: str, words: int = 1) -> bool:
    """Is the capitalised ``word`` at ``follow`` followed by ``words`` more capitalised words, perhaps
    after a joining "of", "on", "for", "and" ("Panel on Climate Change", "Winter Olympics")?"""
    rest = text[follow + len(word):min(end, follow + len(word) + 80)].split()[:words + 1]
    if rest and rest[0] in ("of", "on", "for", "and", "&"):
        rest = rest[1:]
    rest = rest[:words]
    return len(rest) == words and all(w[:1].isupper() and w.strip(".,;:") == w and w not in _NAME_LIKE_STARTERS
                                      for w in rest)


def _opener(word: str, rules: Rules) -> bool:
    return word in rules.starters and word not in _NAME_LIKE_STARTERS


def _word_before(text: str, pos: int) -> str:
    end = pos
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return _token_before(text, end).strip(_OPENERS + ",;:")


def _introductory(text: str, pos: int) -> bool:
    """Is text before ``pos`` (back to the last sentence end) a short opening phrase with no verb,
    "At 5", "By 8:30"? Then a time abbreviation there cannot end the sentence."""
    head = text[max(0, pos - 40):pos]
    head = re.split(r"[.!?…][\"'”’)\]]*\s+|\n", head)[-1].split()
    return 0 < len(head) <= 3 and head[0].lower() in _INTRO_PREPOSITIONS


def _in_name(text: str, term_start: int, rules: Rules) -> tuple[bool, bool]:
    """Is the ! or ? at ``term_start`` part of a listed name, and is it the name's last character?"""
    for name in rules.names:
        for i, char in enumerate(name):
            if char in "!?" and text.startswith(name, term_start - i) and (
                    term_start - i == 0 or not text[term_start - i - 1].isalnum()):
                return True, i == len(name) - 1
    return False, False


def _citation_follows(text: str, pos: int, end: int) -> bool:
    """A short bracket directly followed by the sentence's own terminator: "(Smith 55)."."""
    close = text.find(")", pos, min(end, pos + 80))
    return close != -1 and "(" not in text[pos + 1:close] and text[close - 1] not in ".!?…" \
        and text.startswith((".", "!", "?"), close + 1)


def _bracket_is_sentence(text: str, pos: int, end: int) -> bool:
    """Does the bracket at ``pos`` hold a sentence of its own: "(It had been Initrode.)"?"""
    close = text.find(")", pos, end)
    return close != -1 and text[close - 1] in ".!?…" and text[pos + 1:pos + 2].isupper()


def _token_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:pos]


def _at_line_start(text: str, pos: int) -> bool:
    before = text[:pos].rsplit("\n", 1)[-1].rsplit("\r", 1)[-1]
    return not before.strip(" \t\u00a0-*•(")


def _next_word(text: str, pos: int, end: int) -> str:
    match = _WORD.match(text, pos, end)
    return match.group() if match else ""


def _is_initial(text: str, pos: int, end: int) -> bool:
    return pos + 1 < end and text[pos].isupper() and text[pos + 1] == "."


def _plausible_start(text: str, pos: int, end: int) -> bool:
    """Can a sentence begin at ``pos``? Capitals, digits, opening quotes and brackets, dashes of a
    list, and lower-case brand names with a capital inside ("iPhone", "eBay")."""
    char = text[pos]
    if char.isupper() or char.isdigit() or char in _OPENERS or char in "-—–•*#@$€£":
        return True
    if char.islower():
        word = _WORD.match(text, pos, end)
        if word and any(c.isupper() for c in word.group()[1:]):
            return True
        # A domain name opens a sentence lower-case: "example.com said ...".
        return bool(_DOMAIN.match(text, pos, end))
    return not char.isalnum()


def _attribution_follows(text: str, pos: int, end: int, rules: Rules) -> bool:
    """After a closing quote: "Smith asked." / "Mr. Smith said," / "President Joe Biden asked."."""
    tail = text[pos:min(end, pos + 120)]
    for i, match in enumerate(re.finditer(r"\S+", tail)):
        if i > 4:
            return False
        raw = match.group()
        bare = raw.strip(".,;:!?\"'”’)")
        if bare.lower() in _SPEECH_VERBS:
            return i > 0
        if not bare or not bare[0].isupper():
            return False
        if raw.endswith((".", ",", ";", ":")) and bare not in rules.titles and not _DOTTED.fullmatch(bare) and len(bare) > 1:
            return False
    return False


# --------------------------------------------------------------------------- line breaks
def _line_cuts(text: str, start: int, end: int, cuts: dict[int, int], rules: Rules) -> None:
    """Add the line breaks that end a sentence: after a headline, byline or list item, before a list item."""
    lines = [_trim(text, a, b) for a, b in _lines(text, start, end)]
    lines = [(a, b) for a, b in lines if a < b]
    if len(lines) < 2:
        return
    widest = max(b - a for a, b in lines)
    # Lines that never reach a sentence end are stacked headlines (a headline and its standfirst,
    # a byline, a date), not a wrapped sentence, which would end with a full stop.
    stacked = not _ends_in_terminator(text[lines[-1][0]:lines[-1][1]])
    starts_sentence = True  # does the current line begin a sentence?
    for (a, b), (na, nb) in zip(lines, lines[1:]):
        line, following = text[a:b], text[na:nb]
        cut = False
        if b in cuts:
            cut = True  # a terminator already ended the sentence at the line's end
        elif _LIST_MARKER.match(following):
            cut = True
        elif _ends_open(line):
            cut = False
        elif not _plausible_line_start(following):
            cut = False
        elif _LIST_MARKER.match(line) and not _indented(text, na):
            cut = True
        elif starts_sentence and not _ends_in_terminator(line):
            cut = (
                stacked
                or (_title_like(line) and b - a < widest)  # the widest line of a paragraph is a wrapped one
                or line.startswith(("By ", "BY "))
                or (line.isupper() and any(c.isalpha() for c in line))
                or _not_a_wrap(line, following, widest)
                # Inside a wrapped sentence "The", "He", "It" are lower-case: capitalised, they start one.
                or (_next_word(following, 0, len(following)) in rules.starters
                    and _next_word(following, 0, len(following)) not in _NAME_LIKE_STARTERS)
            )
        if cut and b not in cuts:
            cuts[b] = na
        starts_sentence = cut


def _not_a_wrap(line: str, following: str, widest: int) -> bool:
    """A wrapped line breaks only where the next word would not fit: if it would have fitted
    (the widest line, at least 40 characters, gives the width), the break was deliberate."""
    first_word = following.split(None, 1)[0]
    return len(line) + 1 + len(first_word) <= max(widest, 40)


def _ends_open(line: str) -> bool:
    """A line that plainly continues: ends in a comma, a dash, an open bracket or a small word."""
    if line[-1] in ",;:–—-(/&+=":
        return True
    last = line.rsplit(None, 1)[-1].lower()
    return last in _CONTINUING


def _ends_in_terminator(line: str) -> bool:
    return bool(re.search(r"[.!?…][\"'”’»)\]]*$", line))


def _plausible_line_start(line: str) -> bool:
    char = line[0]
    if char.islower():
        word = _WORD.match(line)
        return bool(word) and any(c.isupper() for c in word.group()[1:])
    return True


def _indented(text: str, pos: int) -> bool:
    return pos > 0 and text[pos - 1] in " \t\u00a0"


def _title_like(line: str) -> bool:
    words = [w for w in _WORD.findall(line) if w.lower() not in _SMALL]
    if len(words) < 2:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.75
