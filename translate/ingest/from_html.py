"""Web pages: the main content and its metadata, extracted with trafilatura.

trafilatura (the reference in published main-content extraction benchmarks) leaves out the page
furniture and hands back the article as XML (``<head>``, ``<p>``, ``<quote>``, ``<list>/<item>``,
``<table>``...) with inline formatting and links kept (``<hi rend>``, ``<ref target>``,
``<code>``, ``<lb/>``). Blocks keep their kind; inline markup becomes inline codes holding the
equivalent HTML. Text of the page that the extractor left out is listed as dropped.
"""

from __future__ import annotations

import re
from html import escape

from translate.core.article import Dropped, InlineCode, Metadata, heading_kind
from translate.core.errors import InputError
from translate.core.inline import InlineBuilder
from translate.ingest.parsed import Parsed
from translate.core.inline import visible_text

_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sup": "sup", "#sub": "sub", "#s": "s"}
MIN_WORDS = 5  # below this the "main content" is a menu entry or a button, not an article
_LEFT_OUT = "left out by the main-content extractor (page furniture)"
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "figcaption", "dd", "dt",
               "pre", "address", "caption", "summary", "div", "section", "article",
               "header", "footer", "nav", "aside", "main", "form", "ul", "ol", "table", "tr", "figure"}


def parse_html(text: str, origin: str):

    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - broken install
        raise InputError(f"{origin}: HTML articles need trafilatura ({exc}). Run: pip install -e .") from None
    try:
        doc = trafilatura.bare_extraction(text, include_formatting=True, include_links=True, include_tables=True,
                                          include_comments=False, with_metadata=True, deduplicate=False)
    except Exception as exc:  # noqa: BLE001 - the extractor's failures on broken pages vary
        raise InputError(f"{origin}: the page could not be read as HTML ({type(exc).__name__}: {exc}).") from None
    body = getattr(doc, "body", None) if doc is not None else None
    found = " ".join("".join(body.itertext()).split()) if body is not None else ""
    if len(found.split()) < MIN_WORDS:
        what = f"only {found[:60]!r}" if found else "no article text"
        raise InputError(f"{origin}: no main content found in the page (the extractor found {what}). "
                         "Check that the file is the article's page, not an index or an error page.")
    metadata = Metadata(
        title=_clean(getattr(doc, "title", None)),
        author=_clean(getattr(doc, "author", None)),
        date=_clean(getattr(doc, "date", None)),
        url=_clean(getattr(doc, "url", None)),
        language=None,
    )
    declared = _declared_language(text)
    if declared:
        metadata.extra["declared-language"] = declared
    if getattr(doc, "sitename", None):
        metadata.extra["site"] = str(doc.sitename)

    blocks: list[tuple[str, str, list[InlineCode]]] = []
    dropped: list[Dropped] = []
    _walk(body, blocks, dropped, context="paragraph")
    # The title: a first-level heading equal to the page's title, else the page's title itself.
    title = metadata.title
    if blocks and blocks[0][0].startswith("heading") and (title is None or _same(blocks[0][1], title)):
        blocks[0] = ("title", blocks[0][1], blocks[0][2])
        metadata.title = blocks[0][1]
    elif title and not any(_same(b[1], title) for b in blocks):
        blocks.insert(0, ("title", title, []))
    dropped.extend(_left_out(text, blocks))
    return Parsed(blocks, metadata, dropped)


def _clean(value) -> str | None:
    if value is None:
        return None
    value = re.sub(r"\s+", " ", str(value)).strip()
    return value or None


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", "", s).lower()  # noqa: E731
    return norm(a) == norm(b)


def _declared_language(text: str) -> str | None:
    match = re.search(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", text[:5000], re.IGNORECASE)
    return match.group(1) if match else None


def _walk(el, blocks, dropped, context: str) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "head":
            _add(blocks, heading_kind(child.get("rend", "")), child)
        elif tag == "p":
            _add(blocks, context, child)
        elif tag == "quote":
            if any(isinstance(c.tag, str) and c.tag in ("p", "list", "head", "quote") for c in child):
                _walk(child, blocks, dropped, context="quote")
            else:
                _add(blocks, "quote", child)
        elif tag == "list":
            for item in child:
                if item.tag == "item":
                    nested = [c for c in item if c.tag == "list"]
                    for n in nested:
                        item.remove(n)
                    _add(blocks, "list_item", item)
                    holder = item.makeelement("div", {})
                    holder.extend(nested)
                    _walk(holder, blocks, dropped, context=context)
        elif tag == "table":
            for row in child:
                for cell in row:
                    _add(blocks, "table_cell", cell)
        elif tag == "code":
            code = "".join(child.itertext())
            if code.strip():
                dropped.append(Dropped(code.strip()[:300], "code block: not translated (kept as is)"))
        elif tag == "graphic":
            alt = child.get("alt") or child.get("title") or child.get("src") or ""
            dropped.append(Dropped(alt[:300] or "(image)", "image: not translated"))
        elif tag in ("div", "section"):
            _walk(child, blocks, dropped, context)
        elif tag:
            _add(blocks, context, child)


def _add(blocks, kind: str, el) -> None:
    builder = InlineBuilder()
    _inline(el, builder, top=True)
    text, codes = builder.result()
    if text.strip():
        blocks.append((kind, text, codes))


def _inline(el, builder: InlineBuilder, top: bool = False) -> None:
    builder.text(el.text or "")
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "hi":
            name = _HI_TAGS.get(child.get("rend", ""), "span")
            code = builder.open(f"<{name}>", f"</{name}>", "fmt")
            _inline(child, builder)
            builder.close(code)
        elif tag == "ref":
            target = child.get("target", "")
            code = builder.open(f'<a href="{escape(target, quote=True)}">', "</a>", "link")
            _inline(child, builder)
            builder.close(code)
        elif tag == "del":
            code = builder.open("<del>", "</del>", "fmt")
            _inline(child, builder)
            builder.close(code)
        elif tag == "code":
            inner = "".join(child.itertext())
            builder.point(f"<code>{escape(inner, quote=False)}</code>", "fmt", equiv=inner)
        elif tag == "lb":
            builder.point("<br/>", "fmt")
            builder.text("\n")
        elif tag == "graphic":
            alt = child.get("alt") or ""
            builder.point(f'<img src="{escape(child.get("src", ""), quote=True)}" alt="{escape(alt, quote=True)}"/>',
                          "image", equiv=alt)
        elif tag in ("list", "quote", "p", "head"):
            builder.text("\n")
            _inline(child, builder)
        elif tag:
            _inline(child, builder)
        builder.text(child.tail or "")


def _left_out(html_text: str, blocks) -> list[Dropped]:
    """Text of the page the extractor did not keep: each leaf block of the page, once."""
    try:
        import lxml.html
    except ImportError:  # pragma: no cover
        return []
    try:
        root = lxml.html.fromstring(html_text)
    except Exception:  # noqa: BLE001 - an unparseable page: the extraction said enough
        return []

    kept = re.sub(r"\s+", "", "".join(visible_text(b[1], b[2]) for b in blocks)).lower()
    out, seen = [], set()
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "noscript", "template", "head", "title", "meta"):
            continue
        if el.tag not in _BLOCK_TAGS:
            continue
        if any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants()):
            continue  # not a leaf block: its children are looked at
        words = " ".join("".join(el.itertext()).split())
        if not words or words in seen:
            continue
        seen.add(words)
        if re.sub(r"\s+", "", words).lower() not in kept:
            out.append(Dropped(words[:300], _LEFT_OUT))
    return out
