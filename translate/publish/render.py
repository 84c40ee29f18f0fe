"""Rendering the French article: inline content to HTML or Markdown, and the page templates.

Block content is a list of *runs*: text (``str``) and inline codes (:class:`Code`: emphasis,
links, code spans... as the ingestion recorded them). Text is always escaped; codes are rebuilt
by us from a short list of inline tags and attributes, never copied through as raw markup, so a
pair file cannot inject a tag or a ``javascript:`` link into the page.

Templates are Jinja2, autoescaped for HTML, in a sandbox, with undefined names as errors; the
packaged ones live in ``translate/templates/`` and a newsroom folder given with ``--templates``
(or ``templates`` in translate.toml) overrides them by name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Sequence, Union
from urllib.parse import quote, urlsplit

from markupsafe import escape

from translate.core.errors import InputError
from translate.publish.typography import TypographyRule, apply_typography
from translate.core.inline import events


@dataclass(frozen=True)
class Code:
    """An inline code: ``open``/``close`` around text (em, strong, a...) or ``standalone``."""

    kind: str  # "open", "close" or "standalone"
    tag: str  # a neutral name: em, strong, a, code, br, sup, sub, s, u, mark, small, abbr, cite, q, span
    attrs: tuple[tuple[str, str], ...] = ()
    text: str = ""  # content a standalone code carries (a code span), shown verbatim
    id: str = ""

    def attr(self, name: str) -> str | None:
        return next((v for k, v in self.attrs if k == name), None)


Run = Union[str, Code]

INLINE_TAGS = {"em", "strong", "a", "code", "br", "sup", "sub", "s", "u", "mark", "small", "abbr", "cite", "q",
               "span", "b", "i", "kbd", "time", "del", "ins", "var", "samp", "dfn", "bdi"}
_ATTRS = {"href", "title", "lang", "hreflang", "datetime", "cite"}
_URL_ATTRS = {"href", "cite"}
_SAFE_SCHEMES = {"http", "https", "mailto", "tel", ""}


def safe_url(url: str, *, what: str = "URL") -> str:
    """``url`` if it is http(s), mailto, tel or relative; :class:`InputError` otherwise."""
    url = (url or "").strip()
    scheme = urlsplit(url).scheme.lower() if url else ""
    # Browsers ignore control characters and whitespace inside a scheme: "java\nscript:" runs.
    squeezed = re.sub(r"[\x00-\x20]", "", url).lower()
    if scheme not in _SAFE_SCHEMES or re.match(r"(?:javascript|vbscript|data):", squeezed):
        raise InputError(f"{what} {url!r} is not an http(s), mailto or relative link; refusing to publish it.")
    return url


def _url_ok(url: str) -> bool:
    try:
        safe_url(url)
        return True
    except InputError:
        return False


# ---------------------------------------------------------------------------------------------
# Typography over runs: codes become private-use placeholders, which the rules treat as part of
# the neighbouring word and never change.

_VERBATIM = {"code", "kbd", "samp", "var", "pre"}


def typeset(runs: Sequence[Run], rules: Sequence[TypographyRule]) -> list[Run]:
    """Apply typography rules across ``runs``; codes, and text inside code-like tags, untouched."""
    if not rules:
        return list(runs)
    held: list[Run] = []  # what each placeholder stands for: a code, or verbatim text
    parts: list[str] = []
    verbatim = 0
    for run in runs:
        if isinstance(run, Code):
            if run.tag in _VERBATIM and run.kind != "standalone":
                verbatim = verbatim + 1 if run.kind == "open" else max(verbatim - 1, 0)
            parts.append(chr(0xE000 + len(held)))
            held.append(run)
        elif verbatim:
            parts.append(chr(0xE000 + len(held)))
            held.append(run)
        else:
            # A text run cannot contain our placeholders: drop any (private-use, never real text).
            parts.append(re.sub("[\ue000-\uf8ff]", "", run))
    if len(held) > 0x18FF:  # more codes than placeholders: leave the block as it is
        return list(runs)
    text = apply_typography("".join(parts), rules)
    out: list[Run] = []
    for piece in re.split("([\ue000-\uf8ff])", text):
        if len(piece) == 1 and "\ue000" <= piece <= "\uf8ff":
            out.append(held[ord(piece) - 0xE000])
        elif piece:
            out.append(piece)
    return out


def collapse_spaces(runs: Sequence[Run]) -> list[Run]:
    """Runs of ordinary whitespace become one space (no-break spaces are kept); ends trimmed."""
    out: list[Run] = []
    for run in runs:
        out.append(re.sub(r"[ \t\n\r\f\v]+", " ", run) if isinstance(run, str) else run)
    texts = [i for i, r in enumerate(out) if isinstance(r, str)]
    if texts:
        out[texts[0]] = out[texts[0]].lstrip(" ")
        out[texts[-1]] = out[texts[-1]].rstrip(" ")
    return [r for r in out if not (isinstance(r, str) and r == "")]


# ---------------------------------------------------------------------------------------------
# Inline codes from the pair file (translate.core.inline: ``pc`` wraps text, ``ph`` stands alone, with
# the original markup as ``data``/``data_end``: HTML or Markdown, as the article came). The markup
# is parsed into our neutral :class:`Code`, never copied through.

def code_fragment(data: str, fmt: str) -> str:
    """The HTML a piece of original markup stands for (Markdown is rendered by markdown-it)."""
    if fmt not in ("markdown", "md"):
        return data
    from markdown_it import MarkdownIt  # lazy: ~0.1 s to import; only Markdown code data needs it

    return MarkdownIt("commonmark", {"html": True}).renderInline(data)


class _TagReader:
    """Start tags, end tags and text of a small HTML fragment (stdlib parser, never executes)."""

    def __init__(self, fragment: str) -> None:
        self.items: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []  # (what, tag or text, attrs)
        reader = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                reader.items.append(("start", tag, tuple((k, v or "") for k, v in attrs)))

            def handle_startendtag(self, tag, attrs):
                reader.items.append(("start", tag, tuple((k, v or "") for k, v in attrs)))
                reader.items.append(("end", tag, ()))

            def handle_endtag(self, tag):
                reader.items.append(("end", tag, ()))

            def handle_data(self, data):
                reader.items.append(("text", data, ()))

        parser = Parser(convert_charrefs=True)
        parser.feed(fragment)
        parser.close()


_PLACE = "\ue000"


def paired_codes(data: str, data_end: str, fmt: str) -> list[Code]:
    """The opening :class:`Code` (outermost first) of a paired inline code.

    Markdown needs both halves to mean anything (``[`` + ``](url)``, ``**`` + ``**``), so the
    pair is rendered around a placeholder and the tags before it are the opening ones.
    """
    fragment = code_fragment(data + _PLACE + data_end, fmt).split(_PLACE)[0]
    return [Code("open", tag, attrs) for what, tag, attrs in _TagReader(fragment).items if what == "start"]


def standalone_code(data: str, equiv: str, fmt: str) -> list[Run]:
    """A standalone code: a code span, an image, a line break; anything else shows its text."""
    if fmt in ("markdown", "md") and data in ("\\", "  "):
        return [Code("standalone", "br")]  # a Markdown hard line break
    items = _TagReader(code_fragment(data, fmt)).items
    starts = [(tag, attrs) for what, tag, attrs in items if what == "start"]
    text = "".join(t for what, t, _ in items if what == "text")
    if not starts:
        return [equiv] if equiv else []
    tag, attrs = starts[0]
    if tag == "br":
        return [Code("standalone", "br")]
    if tag == "img":
        return [Code("standalone", "img", attrs, text=dict(attrs).get("alt", "") or equiv)]
    if tag in INLINE_TAGS:
        return [Code("standalone", tag, attrs, text=text or equiv)]
    return [equiv] if equiv else []


def inline_runs(text: str, codes: Sequence[Any], fmt: str) -> list[Run]:
    """Runs for ``text`` with its inline ``codes`` (translate.core.article.InlineCode, offsets in ``text``)."""
    if not codes:
        return [text]

    runs: list[Run] = []
    opened: dict[int, list[Code]] = {}
    pos = 0
    for event in events(list(codes)):
        start = min(max(event.pos, pos), len(text))
        if start > pos:
            runs.append(text[pos:start])
            pos = start
        code = event.code
        if event.what == "open":
            tags = paired_codes(code.data, code.data_end, fmt)
            opened[id(code)] = tags
            runs.extend(tags)
        elif event.what == "close":
            runs.extend(Code("close", c.tag) for c in reversed(opened.pop(id(code), [])))
        else:
            runs.extend(standalone_code(code.data, code.equiv, fmt))
    if pos < len(text):
        runs.append(text[pos:])
    return runs


def plain_text(runs: Sequence[Run]) -> str:
    return "".join(r if isinstance(r, str) else r.text for r in runs)


# ---------------------------------------------------------------------------------------------
# HTML

def runs_to_html(runs: Sequence[Run]) -> str:
    """Inline HTML for ``runs``: text escaped, codes rebuilt from the allowed tags, balanced."""
    html: list[str] = []
    stack: list[str] = []
    for run in runs:
        if isinstance(run, str):
            html.append(str(escape(run)))
            continue
        tag = run.tag.lower()
        known = tag in INLINE_TAGS
        if run.kind == "open":
            stack.append(tag if known else "")
            if known:
                html.append(f"<{tag}{_html_attrs(run)}>")
        elif run.kind == "close":
            if tag in stack:
                # Close what was opened inside it first, so the output stays well nested.
                while stack:
                    top = stack.pop()
                    if top:
                        html.append(f"</{top}>")
                    if top == tag:
                        break
            elif "" in stack:
                stack.remove("")
        else:  # standalone
            if tag == "br":
                html.append("<br>")
            elif tag == "img":
                src = run.attr("src") or ""
                if src and _url_ok(src):
                    html.append(f'<img src="{escape(src)}" alt="{escape(run.text)}">')
                elif run.text:
                    html.append(str(escape(run.text)))
            elif known and run.text:
                html.append(f"<{tag}{_html_attrs(run)}>{escape(run.text)}</{tag}>")
            elif run.text:
                html.append(str(escape(run.text)))
    while stack:
        top = stack.pop()
        if top:
            html.append(f"</{top}>")
    return "".join(html)


def _html_attrs(code: Code) -> str:
    out = []
    for name, value in code.attrs:
        name = name.lower()
        if name not in _ATTRS or (name in _URL_ATTRS and not _url_ok(value)):
            continue
        out.append(f' {name}="{escape(value)}"')
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Markdown (CommonMark): text escaped so that it stays text, codes as Markdown syntax.

_MD_ESCAPE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def _one_line(text: str) -> str:
    # A line break inside inline content would let the next line start a block (an HTML block,
    # a heading...) in the renderer: inline content is one line, breaks are spaces (CommonMark
    # renders a soft break as a space anyway).
    return _LINE_BREAKS.sub(" ", text)


_LINE_BREAKS = re.compile(r"[\r\n]+")


def md_escape(text: str) -> str:
    """Escape ``text`` so that a CommonMark renderer shows it as text, never markup or HTML."""
    text = _MD_ESCAPE.sub(r"\\\1", _one_line(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker


def md_url(url: str) -> str:
    """A link destination that cannot break out of ``[text](...)``."""
    return re.sub(r"[()<>\s\\]", lambda m: quote(m.group(0), safe=""), url)


_MD_MARKERS = {"em": "*", "i": "*", "strong": "**", "b": "**", "s": "~~", "del": "~~"}


def runs_to_markdown(runs: Sequence[Run]) -> str:
    """CommonMark for ``runs``: text escaped, codes as Markdown syntax, every span closed."""
    out: list[str] = []
    stack: list[tuple[str, str]] = []  # open codes: tag, and the Markdown that closes it
    for run in runs:
        if isinstance(run, str):
            piece = md_escape(run)
            if out:
                # Only the first run starts the line; elsewhere line-start markers are plain text.
                piece = _MD_ESCAPE.sub(r"\\\1", _one_line(run))
            out.append(piece)
            continue
        tag = run.tag.lower()
        if run.kind == "standalone":
            if tag == "br":
                out.append(" ")
            elif tag == "img":
                src = run.attr("src") or ""
                if src and _url_ok(src):
                    alt = _MD_ESCAPE.sub(r"\\\1", _one_line(run.text))
                    out.append(f"![{alt}]({md_url(src)})")
                elif run.text:
                    out.append(md_escape(run.text))
            elif tag == "code" and run.text.strip():
                # Verbatim inside the span, so on one line: a span over a line break would let a
                # line start with raw HTML (an HTML block) in a renderer that allows HTML.
                text = _one_line(run.text)
                fence = "`" * (max((len(m) for m in re.findall("`+", text)), default=0) + 1)
                pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
                out.append(f"{fence}{pad}{text}{pad}{fence}")
            elif run.text:
                out.append(md_escape(run.text))
            continue
        if run.kind == "open":
            if tag == "a":
                href = run.attr("href") or ""
                opening, closing = ("[", f"]({md_url(href)})") if _url_ok(href) else ("", "")
            else:
                opening = closing = _MD_MARKERS.get(tag, "")
            stack.append((tag, closing))
            out.append(opening)
        elif any(open_tag == tag for open_tag, _ in stack):
            # Close what was opened inside it first, so the Markdown stays well nested.
            while stack:
                open_tag, closing = stack.pop()
                out.append(closing)
                if open_tag == tag:
                    break
    out.extend(closing for _, closing in reversed(stack))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Templates

PACKAGED_TEMPLATES = Path(__file__).parent.parent / "templates"  # translate/templates
TEMPLATE_NAMES = {"html": "article.html.j2", "md": "article.md.j2"}
SNIPPET_TEMPLATE = "read-in-french.html.j2"


def template_environment(folder: Path | None = None):
    """A sandboxed, autoescaping Jinja2 environment: the newsroom ``folder`` first, then ours."""
    import jinja2  # lazy: ~0.1 s to import; only rendering a page needs it
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders: list = []
    if folder is not None:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError(f"{folder}: the templates folder does not exist. Give a folder of .j2 templates.")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGED_TEMPLATES)))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "htm", "xml"),
                                            default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yaml"] = yaml_scalar
    env.filters["md"] = md_escape
    env.filters["md_url"] = md_url
    return env


def yaml_scalar(value: Any) -> str:
    """A YAML scalar for front matter: JSON's string syntax is valid YAML and escapes everything."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def render_template(env, name: str, context: dict[str, Any]) -> str:
    """Render ``name`` with ``context``; template errors become a clear :class:`InputError`."""
    import jinja2  # lazy: as above

    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise InputError(f"{where}: line {exc.lineno}: template error: {exc.message}. Fix the template.") from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"template {exc.name!r} not found in the templates folder or the packaged ones.") from None
    except jinja2.UndefinedError as exc:
        raise InputError(f"template {name}: {exc.message}. Use only the names documented in docs/DESIGN.md "
                         "(page, blocks, draft...).") from None
    except jinja2.exceptions.SecurityError as exc:
        raise InputError(f"template {name}: refused by the template sandbox ({exc}).") from None
    except jinja2.TemplateError as exc:
        raise InputError(f"template {name}: {exc}. Fix the template.") from None
    except (TypeError, ValueError, AttributeError, KeyError, ZeroDivisionError) as exc:
        raise InputError(f"template {name}: failed while rendering ({type(exc).__name__}: {exc}).") from None
