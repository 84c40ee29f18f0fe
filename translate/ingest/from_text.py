"""Plain text and scrapes: paragraphs by blank lines, boilerplate left out, the title found.

A scrape holds the article between site chrome (a weather line, a date, "Download The App",
"Read in French", image placeholders), navigation ("Must Read", "Latest Articles"),
advertisements and a comment form. Lines matching the rules of :mod:`translate.ingest.boilerplate` are
left out and listed. The title is the first line of four words or more before the body (or,
failing that, the last short line before it); short lines before the title that match a
``header`` rule (a town name, a date) are left out too.
"""

from __future__ import annotations

import re

from translate.core.article import Dropped, Metadata
from translate.ingest.boilerplate import BoilerplateRule, default_boilerplate_rules, match
from translate.ingest.parsed import Parsed

def _is_body(text: str) -> bool:
    """A paragraph of running text: several words and a sentence end."""
    return len(text.split()) >= 8 and bool(re.search(r"[.!?…][\"'”’)\]]*(\s|$)", text))


def parse_text(text: str, origin: str, rules: tuple[BoilerplateRule, ...] | None = None):

    rules = default_boilerplate_rules() if rules is None else rules
    dropped: list[Dropped] = []
    # Paragraphs as lists of (line number, line); rule-matched lines are left out here.
    paragraphs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    ended: BoilerplateRule | None = None
    end_line = ""
    for number, line in enumerate(text.split("\n"), 1):
        if ended is not None:
            if line.strip():
                own = match(line, rules)
                reason = own.reason if own else f"after the end of the article ({ended.reason}: {end_line!r})"
                dropped.append(Dropped(line.strip(), reason, number))
            continue
        if not line.strip():
            if current:
                paragraphs.append(current)
                current = []
            continue
        rule = match(line, rules)
        if rule is None:
            current.append((number, line))
            continue
        dropped.append(Dropped(line.strip(), rule.reason, number))
        if current:  # a left-out line also ends a paragraph
            paragraphs.append(current)
            current = []
        if rule.action == "end":
            ended, end_line = rule, line.strip()
    if current:
        paragraphs.append(current)

    texts = ["\n".join(line for _, line in para).strip() for para in paragraphs]
    body = next((i for i, t in enumerate(texts) if _is_body(t)), len(texts))
    title_at = None
    for i in range(body):
        one_line = len(paragraphs[i]) == 1
        if one_line and len(texts[i].split()) >= 4 and not texts[i].endswith(":"):
            title_at = i
            break
    if title_at is None:
        for i in range(body - 1, -1, -1):
            if len(paragraphs[i]) == 1 and not match(texts[i], rules, ("header",)) and not texts[i].endswith(":"):
                title_at = i
                break
    blocks = []
    metadata = Metadata()
    for i, (para, body_text) in enumerate(zip(paragraphs, texts)):
        if title_at is not None and i < title_at:
            kept = []
            for number, line in para:
                rule = match(line, rules, ("header",))
                if rule is None:
                    kept.append(line)
                else:
                    dropped.append(Dropped(line.strip(), f"{rule.reason} (before the title)", number))
            body_text = "\n".join(kept).strip()
            if not body_text:
                continue
        if i == title_at:
            metadata.title = body_text
            blocks.append(("title", body_text, []))
        else:
            blocks.append(("paragraph", body_text, []))
    dropped.sort(key=lambda d: d.line or 0)
    return Parsed(blocks, metadata, dropped)

