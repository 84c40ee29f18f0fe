"""Markdown from the CMS: parsed with markdown-it-py (CommonMark, plus tables and strikethrough).

Front matter (a YAML block between ``---`` lines at the top) is kept as metadata. Headings,
paragraphs, block quotes, list items and table cells become blocks; text only is translated:
links, emphasis, code spans, images and inline HTML are inline codes holding their exact Markdown,
so they come back in the right place in the French. Code blocks and raw HTML blocks are not
translated and are listed as dropped.
"""

from __future__ import annotations

import re

from translate.core.article import Dropped, InlineCode, Metadata, heading_kind
from translate.core.errors import InputError
from translate.core.inline import InlineBuilder
from translate.ingest.parsed import Parsed

_FRONT_OPEN = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n")
_META_KEYS = {"title": "title", "author": "author", "authors": "author", "byline": "author", "date": "date",
              "published": "date", "url": "url", "canonical": "url", "canonical_url": "url", "lang": "language",
              "language": "language"}


def split_front_matter(text: str, origin: str) -> tuple[dict, str, int]:
    """(front matter, the rest, lines taken by the front matter). Only YAML (``---``) is read."""
    if not text.startswith("---"):
        return {}, text, 0
    if not _FRONT_OPEN.match(text):
        return {}, text, 0
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            block = "\n".join(lines[1:i])
            rest = "\n".join(lines[i + 1:])
            break
    else:
        raise InputError(f"{origin}: line 1: the front matter opened with '---' is never closed. "
                         "Add a line '---' after the metadata.")
    import yaml  # lazy: only Markdown front matter needs it

    try:
        data = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{origin}: {where}the front matter is not valid YAML ({problem}). Fix it or remove it.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"{origin}: line 2: the front matter must be 'key: value' lines, not a {type(data).__name__}.")
    return data, rest, i + 1


def parse_markdown(text: str, origin: str):
    from markdown_it import MarkdownIt  # lazy: ~0.1 s to import; only Markdown articles need it


    front, body, offset = split_front_matter(text, origin)
    metadata = Metadata(language=None)
    for key, value in front.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        field = _META_KEYS.get(str(key).lower())
        if field and getattr(metadata, field) is None:
            setattr(metadata, field, str(value))
        else:
            metadata.extra[str(key)] = str(value)

    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = md.parse(body)
    blocks: list[tuple[str, str, list[InlineCode]]] = []
    dropped: list[Dropped] = []
    containers: list[str] = []  # enclosing blockquote / list item / table cell
    lines = body.split("\n")
    for i, tok in enumerate(tokens):
        line = tok.map[0] + 1 + offset if tok.map else None
        if tok.type in ("blockquote_open", "list_item_open", "th_open", "td_open"):
            containers.append(tok.type)
        elif tok.type in ("blockquote_close", "list_item_close", "th_close", "td_close"):
            if containers:
                containers.pop()
        elif tok.type == "inline":
            prev = tokens[i - 1].type if i else ""
            if prev == "heading_open":
                kind = "title" if tokens[i - 1].tag == "h1" and not any(b[0] == "title" for b in blocks) and (
                    not blocks) else heading_kind(tokens[i - 1].tag)
            elif containers and containers[-1] in ("th_open", "td_open"):
                kind = "table_cell"
            elif "list_item_open" in containers:
                kind = "list_item"
            elif "blockquote_open" in containers:
                kind = "quote"
            else:
                kind = "paragraph"
            builder = InlineBuilder()
            _inline(tok.children or [], builder)
            block_text, codes = builder.result()
            if block_text.strip() or codes:
                if block_text.strip():
                    blocks.append((kind, block_text, codes))
                else:
                    dropped.append(Dropped(tok.content.strip()[:300], "no text to translate (markup only)", line))
        elif tok.type in ("fence", "code_block"):
            if tok.type == "fence" and not _fence_closed(tok, lines):
                raise InputError(f"{origin}: line {line}: the code fence {tok.markup!r} opened here is never closed, "
                                 "so everything after it would be left untranslated. Close it with "
                                 f"{tok.markup!r} on its own line.")
            dropped.append(Dropped(tok.content.strip()[:300], "code block: not translated (kept as is)", line))
        elif tok.type == "html_block":
            dropped.append(Dropped(tok.content.strip()[:300], "raw HTML block: not translated (kept as is)", line))
    if metadata.title and not any(b[0] == "title" for b in blocks):
        blocks.insert(0, ("title", metadata.title, []))
    elif not metadata.title:
        title = next((b for b in blocks if b[0] == "title"), None)
        if title:
            metadata.title = title[1]
    return Parsed(blocks, metadata, dropped)


def _fence_closed(tok, lines: list[str]) -> bool:
    if not tok.map:
        return True
    last = lines[tok.map[1] - 1].strip() if tok.map[1] - 1 < len(lines) else ""
    return tok.map[1] - tok.map[0] >= 2 and last.startswith(tok.markup[0] * len(tok.markup)) and not last.strip(tok.markup[0])


def _inline(children, builder: InlineBuilder) -> None:
    open_codes: list[InlineCode] = []
    skip_until_close = False
    for tok in children:
        if skip_until_close:
            if tok.type == "link_close":
                skip_until_close = False
            continue
        t = tok.type
        if t == "text":
            builder.text(tok.content)
        elif t == "softbreak":
            builder.text("\n")
        elif t == "hardbreak":
            builder.point("\\" if tok.markup == "\\" else "  ", "fmt")
            builder.text("\n")
        elif t == "link_open":
            href = tok.attrs.get("href", "")
            if tok.markup == "autolink" or tok.info == "auto":
                shown = href.removeprefix("mailto:") if tok.info != "auto" else href
                builder.point(f"<{shown}>", "link", equiv=shown)
                skip_until_close = True
                continue
            title = tok.attrs.get("title")
            end = f"]({href}" + (f' "{title}"' if title else "") + ")"
            open_codes.append(builder.open("[", end, "link"))
        elif t in ("em_open", "strong_open", "s_open"):
            open_codes.append(builder.open(tok.markup, tok.markup, "fmt"))
        elif t in ("link_close", "em_close", "strong_close", "s_close"):
            if open_codes:
                builder.close(open_codes.pop())
        elif t == "code_inline":
            fence = tok.markup or "`"
            pad = " " if tok.content.startswith("`") or tok.content.endswith("`") else ""
            builder.point(f"{fence}{pad}{tok.content}{pad}{fence}", "fmt", equiv=tok.content)
        elif t == "image":
            alt = tok.content
            src = tok.attrs.get("src", "")
            title = tok.attrs.get("title")
            builder.point(f"![{alt}]({src}" + (f' "{title}"' if title else "") + ")", "image", equiv=alt)
        elif t == "html_inline":
            builder.point(tok.content, "fmt")
        else:
            builder.text(tok.content or "")
