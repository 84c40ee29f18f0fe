"""Web pages: the main content and its metadata, extracted with trafilatura.

trafilatura (the reference in published main-content extraction benchmarks) leaves out the page
furniture and hands back the article as XML (``<head>``, ``<p>``, ``<quote>``, ``<list>/<item>``,
``<table>``...) with inline formatting and links kept (``<hi rend>``, ``<ref target>``,
``<code>``, ``<lb/>``). Blocks keep their kind; inline markup becomes inline codes holding the
equivalent HTML. Text of the page that the extractor left out is listed as dropped.

Repairs for what extraction does to real pages (docs/segmentation.md, "Ingestion"):

* a ``<br/>`` followed by the page's own line break is one line break, not a blank line (which
  would cut a heading into two segments);
* code highlighted by Pygments (``div.codehilite``, ``div.highlight``), highlight.js (``hljs``),
  Prism (``language-*``) or GitHub (``div.highlight-source-*``) is left out like plain
  ``<pre><code>``, never sent to translation as a quotation;
* a space lost before or after a link or an inline code ("document</a>for") is put back;
* a sentence cut across two blocks (no end punctuation, the next block starts lower-case) is
  rejoined;
* a body implausibly short for the page (a photo caption only) is reported with the page's name
  (``Article.warnings``: ``translate segment`` and ``translate run`` print it);
* reader comments are left out unless translate.toml names the site under ``[ingest] comments``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape
from urllib.parse import urlsplit

import lxml.html

from translate.core.article import Dropped, InlineCode, Metadata, heading_kind
from translate.core.errors import InputError
from translate.core.inline import InlineBuilder
from translate.ingest.parsed import Parsed
from translate.core.inline import visible_text

_HI_TAGS = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sup": "sup", "#sub": "sub", "#s": "s"}
# A body under this share of the page's words (on a page of at least SHORT_PAGE_WORDS words) is
# implausibly short: the extractor probably kept a caption or a teaser, not the article.
SHORT_SHARE = 0.15
SHORT_PAGE_WORDS = 150
# Classes of highlighted code: Pygments, GitHub, highlight.js, Prism, google-code-prettify, Pandoc.
_CODE_CLASS = re.compile(r"(?:^|\s)(?:codehilite|highlight(?:-source-\S+)?|hljs|language-\S+|lang-\S+|prettyprint"
                         r"|sourceCode|syntaxhighlighter|chroma|rouge-code)(?:\s|$)")
MIN_WORDS = 5  # below this the "main content" is a menu entry or a button, not an article
_LEFT_OUT = "left out by the main-content extractor (page furniture)"
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "figcaption", "dd", "dt",
               "pre", "address", "caption", "summary", "div", "section", "article",
               "header", "footer", "nav", "aside", "main", "form", "ul", "ol", "table", "tr", "figure"}


def parse_html(text: str, origin: str, comment_sites: frozenset[str] = frozenset()):
    """The article of a web page. ``comment_sites``: sites (host names, "example.com" also
    covering "www.example.com") whose reader comments are kept (``[ingest] comments`` in
    translate.toml, read by :func:`translate.core.config.comment_sites`)."""

    try:
        import trafilatura  # lazy: ~0.4 s to import; only HTML articles need it
    except ImportError as exc:  # pragma: no cover - broken install
        raise InputError(f"{origin}: HTML articles need trafilatura ({exc}). Run: pip install -e .") from None
    source = _mark_code_blocks(text)
    try:
        doc = trafilatura.bare_extraction(source, include_formatting=True, include_links=True, include_tables=True,
                                          include_comments=True, with_metadata=True, deduplicate=False)
    except Exception as exc:  # noqa: BLE001 - the extractor's failures on broken pages vary
        raise InputError(f"{origin}: the page could not be read as HTML ({type(exc).__name__}: {exc}).") from None
    body = getattr(doc, "body", None) if doc is not None else None
    comments = getattr(doc, "commentsbody", None) if doc is not None else None
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

    warnings = [note for note in (_short_body(text, found, origin),) if note]

    blocks: list[tuple[str, str, list[InlineCode]]] = []
    dropped: list[Dropped] = []
    _walk(body, blocks, dropped, context="paragraph")
    blocks = _rejoin(blocks)
    if comments is not None and len(comments):
        if _site_listed(metadata, comment_sites):
            _walk(comments, blocks, dropped, context="paragraph")
        else:
            words = " ".join(" ".join(comments.itertext()).split())
            dropped.append(Dropped(words[:300], "reader comments: left out (a site opts in under [ingest] comments "
                                                "in translate.toml)"))
    # The title: a first-level heading equal to the page's title, else the page's title itself.
    title = metadata.title
    if blocks and blocks[0][0].startswith("heading") and (title is None or _same(blocks[0][1], title)):
        blocks[0] = ("title", blocks[0][1], blocks[0][2])
        metadata.title = blocks[0][1]
    elif title and not any(_same(b[1], title) for b in blocks):
        blocks.insert(0, ("title", title, []))
    dropped.extend(_left_out(text, blocks))
    return Parsed(blocks, metadata, dropped, warnings)


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
            _space_before(builder)
            code = builder.open(f'<a href="{escape(target, quote=True)}">', "</a>", "link")
            _inline(child, builder)
            builder.close(code)
            builder.text(_space_after(child.tail or ""))
            continue
        elif tag == "del":
            code = builder.open("<del>", "</del>", "fmt")
            _inline(child, builder)
            builder.close(code)
        elif tag == "code":
            inner = "".join(child.itertext())
            _space_before(builder)
            builder.point(f"<code>{escape(inner, quote=False)}</code>", "fmt", equiv=inner)
            builder.text(_space_after(child.tail or ""))
            continue
        elif tag == "lb":
            builder.point("<br/>", "fmt")
            builder.text("\n")
            # "<br/>" then the page's own line break: one line break, not a blank line.
            builder.text((child.tail or "").lstrip(" \t\r\n"))
            continue
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


# --------------------------------------------------------------------------- repairs
def _space_before(builder: InlineBuilder) -> None:
    """A word glued to the link or code that follows it ("see the<a>"): the space goes back."""
    last = builder.parts[-1] if builder.parts else ""
    if last and (last[-1].isalnum() or last[-1] in ",;:"):
        builder.text(" ")


_SUFFIX = re.compile(r"(?:s|es|ed|ing|ly|er|ers)\b")


def _space_after(tail: str) -> str:
    """The text after a link or an inline code: "document</a>for more" gets its space back;
    punctuation ("</a>.", "</a>'s", "</a>-based") and word endings ("<a>link</a>s") stay glued."""
    if tail and tail[0].isalnum() and not _SUFFIX.match(tail):
        return " " + tail
    return tail


def _mark_code_blocks(html_text: str) -> str:
    """Highlighted code as plain ``<pre><code>`` so the extractor leaves it out like any code
    block: Pygments' ``<div class="codehilite"><pre>`` would otherwise come out as a quotation."""
    if "<pre" not in html_text.lower() or not re.search(r"codehilite|highlight|hljs|language-|lang-|prettyprint|"
                                                        r"sourceCode|syntaxhighlighter|chroma|rouge-code", html_text):
        return html_text
    try:
        root = lxml.html.document_fromstring(html_text)
    except Exception:  # noqa: BLE001 - unparseable: let the extractor say so
        return html_text
    changed = False
    # Line-number gutters are never content: Pygments' and Rouge's tables become their code cell.
    for table in list(root.iter("table")):
        if re.search(r"(?:^|\s)(?:highlighttable|rouge-table)(?:\s|$)", table.get("class") or ""):
            code_cells = [td for td in table.iter("td") if "code" in (td.get("class") or "").split()]
            pre = table.makeelement("pre", {"class": "highlight"})
            pre.text = "".join("".join(td.itertext()) for td in code_cells)
            pre.tail = table.tail
            table.getparent().replace(table, pre)
            changed = True
    for pre in list(root.iter("pre")):
        holders = [pre, *pre.iterancestors()][:3] + list(pre.iterdescendants("code"))[:1]
        if not any(_CODE_CLASS.search(el.get("class") or "") for el in holders):
            continue
        code = "".join(pre.itertext())
        for child in list(pre):
            pre.remove(child)
        pre.text = None
        inner = pre.makeelement("code", {})
        inner.text = code
        pre.append(inner)
        pre.attrib.pop("class", None)
        changed = True
    if not changed:
        return html_text
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def _rejoin(blocks):
    """A sentence cut across two blocks by the extractor (or the page): a paragraph that ends
    without end punctuation, followed by a paragraph starting lower-case, is one paragraph."""
    out = []
    for kind, text, codes in blocks:
        if out and kind == "paragraph" and out[-1][0] == "paragraph":
            prev_kind, prev_text, prev_codes = out[-1]
            head = text.lstrip()
            tail = prev_text.rstrip()
            first = head.split(None, 1)[0] if head else ""
            # "iPhone sales rose." starts lower-case and still opens a sentence: not a continuation.
            if first[:1].islower() and not any(c.isupper() for c in first) and tail and tail[-1].isalnum():
                offset = len(prev_text) + 1
                moved = [_shift(code, offset) for code in codes]
                out[-1] = (prev_kind, prev_text + " " + text, prev_codes + moved)
                continue
        out.append((kind, text, codes))
    return out


def _shift(code: InlineCode, offset: int) -> InlineCode:
    return replace(code, start=code.start + offset, end=code.end + offset)


def _short_body(html_text: str, body_text: str, origin: str) -> str | None:
    """A warning when the main content is implausibly short for the page (a photo caption only)."""
    try:
        root = lxml.html.document_fromstring(html_text)
    except Exception:  # noqa: BLE001
        return None
    for el in list(root.iter("script", "style", "noscript", "template", "head")):
        if el.getparent() is not None:
            el.drop_tree()
    page_words = len(" ".join(root.itertext()).split())
    body_words = len(body_text.split())
    if page_words >= SHORT_PAGE_WORDS and body_words < SHORT_SHARE * page_words:
        note = (f"{origin}: the extracted article is only {body_words} words of the page's {page_words} "
                f"({100 * body_words / page_words:.0f}%): the extractor may have kept a caption or a teaser, "
                "not the article. Check the page before translating it.")
        return note
    return None


def _site_listed(metadata: Metadata, sites: frozenset[str]) -> bool:
    if not sites:
        return False
    names = {str(metadata.extra.get("site", "")).strip().lower()}
    if metadata.url:
        host = (urlsplit(metadata.url).hostname or "").lower()
        names |= {host, host.removeprefix("www.")}
    return bool(names & sites) or any(n.endswith("." + s) for n in names for s in sites)
