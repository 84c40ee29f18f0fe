"""Publishing: an approved pair file becomes the French article ("Read in French").

The French article is rebuilt from the pair file's targets in the article's block structure
(headings, paragraphs, quotes, list items), inline markup restored, French typography applied,
and rendered through templates (HTML5 page or Markdown with front matter). The manifest
``corpus/index.json`` records each published article for the English side's "Read in French" link.

The gate: nothing is published unless every segment is ``final`` and the glossary check passes;
``draft`` publishes an unreviewed machine translation, marked as such and kept out of search
engines. Publishing is idempotent (the same pair file gives the same bytes: the published time is
the latest approval recorded in the pair file, else the manifest's time for this same pair file,
never the clock for a version already published) and atomic (a failure leaves the previous
version in place).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Sequence
from urllib.parse import quote, urlsplit

from filelock import Timeout
from markupsafe import Markup, escape

from translate.core.paths import PAIR_SUFFIXES
from translate.core.article import Article, Block, State
from translate.core.errors import InputError, PairFileError, TranslateError
from translate.publish.render import (
    SNIPPET_TEMPLATE,
    TEMPLATE_NAMES,
    Run,
    collapse_spaces,
    inline_runs,
    plain_text,
    render_template,
    runs_to_html,
    runs_to_markdown,
    safe_url,
    template_environment,
    typeset,
)
from translate.publish.typography import RULES, TypographyRule, apply_typography
from translate.pipeline.articleref import resolve_article
from translate.publish.manifest import manifest_bytes, parse_manifest, with_entry
from translate.formats.xliff import xliff_to_article
from translate.glossary.check import check_pair_files
from translate.glossary.entries import load_glossary
from translate.core.xmlsafe import parse_xml
from translate.core.fsio import atomic_write_bytes, check_write_target, file_lock
from translate.core.config import read_section
from translate.core.errors import ConfigError
from translate.publish.typography import select_rules

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
FORMATS = ("html", "md")

# A glossary check for the gate: given the article and its pair file, the problems it finds in the
# targets, each a line that names the segment and the term. An empty list means the article passes.
GlossaryCheck = Callable[[Article, Path], Sequence[str]]


class PublishRefused(TranslateError):
    """The gate refused: segments not final, missing targets, glossary problems."""


@dataclass
class PublishConfig:
    out: Path = Path("corpus/fr")
    index: Path | None = None  # default: index.json beside the output folder (corpus/index.json)
    fmt: str = "html"
    draft: bool = False
    templates: Path | None = None
    rules: tuple[TypographyRule, ...] = RULES
    en_url: str | None = None  # pattern with {slug}; default: the article's URL, else its source file
    fr_url: str | None = None  # pattern with {slug}; default: the published file's name
    site_name: str | None = None

    @property
    def index_path(self) -> Path:
        return self.index if self.index is not None else Path(self.out).parent / "index.json"


@dataclass
class PublishResult:
    slug: str
    path: Path
    index: Path
    status: str  # "published" or "draft"
    changed: bool  # False when the page was already exactly this
    published: str
    pair_sha256: str
    segments: int
    glossary: str  # what the glossary check said
    warnings: list[str] = field(default_factory=list)
    qa: str = "not checked"  # what the QA gate said (translate/qa/gate.py)


# ---------------------------------------------------------------------------------------------
# Finding the pair file from what the user typed.

def locate_pair_file(article: str, workdir: Path) -> Path:
    """The pair file for ``article``: a slug, the English source file or the pair file itself.

    Refuses ``..`` in paths and absolute paths outside the working directory and the workspace
    before anything is looked up; the rest is the resolver every command shares
    (:func:`translate.pipeline.articleref.resolve_article`: a pair file must lie in the workspace).
    """

    text = str(article)
    workdir = Path(workdir)
    if not text.strip() or "\x00" in text:
        raise InputError("no article given: name it by slug, English source file or pair file.")
    path = Path(text)
    if ".." in path.parts or ".." in PurePosixPath(text.replace("\\", "/")).parts:
        raise InputError(f"{text}: paths with '..' are refused. Name the article by slug or by a path inside the project.")
    if path.is_absolute():
        resolved = path.resolve()
        roots = [Path.cwd().resolve(), workdir.resolve()]
        if not any(resolved == r or r in resolved.parents for r in roots):
            raise InputError(f"{text}: outside the project and the workspace; refused. Name the article by slug.")
    return resolve_article(text, workdir).pair_file


# ---------------------------------------------------------------------------------------------
# The gate.

@dataclass
class Holdback:
    segment: str
    block: int  # 1-based position of the block in the article
    state: str
    reason: str
    source: str

    def line(self) -> str:
        excerpt = re.sub(r"\s+", " ", self.source).strip()
        if len(excerpt) > 60:
            excerpt = excerpt[:59] + "…"
        return f'{self.segment} (block {self.block}, {self.state}): {self.reason}: "{excerpt}"'


def empty_targets(article: Article) -> list[Holdback]:
    """Segments with no target, or an empty one: nothing to publish for them, draft or not."""
    out = []
    for number, block in enumerate(article.blocks, 1):
        for seg in block.segments:
            if seg.target is None:
                out.append(Holdback(seg.id, number, seg.state, "no target", seg.source))
            elif not seg.target.strip() and seg.source.strip():
                out.append(Holdback(seg.id, number, seg.state, "empty target", seg.source))
    return out


def not_final(article: Article) -> list[Holdback]:
    out = []
    for number, block in enumerate(article.blocks, 1):
        for seg in block.segments:
            if seg.state != State.FINAL and seg.target is not None:
                out.append(Holdback(seg.id, number, seg.state, "not final", seg.source))
    return out


def _listing(items: Sequence[str], limit: int = 40) -> list[str]:
    shown = [f"    {item}" for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"    ... and {len(items) - limit} more")
    return shown


def check_gate(article: Article, *, draft: bool, glossary_problems: Sequence[str] = (), where: str = "",
               qa_problems: Sequence[str] = ()) -> None:
    """Raise :class:`PublishRefused` listing what holds the article back; return when it may go."""
    total = len(article.segments)
    missing = empty_targets(article)
    lines: list[str] = []
    if missing:
        lines.append(f"  {len(missing)} of {total} segments have no French text:")
        lines += _listing([h.line() for h in missing])
    if not draft:
        pending = not_final(article)
        if pending:
            lines.append(f"  {len(pending)} of {total} segments are not final:")
            lines += _listing([h.line() for h in pending])
        if glossary_problems:
            lines.append(f"  the glossary check found {len(glossary_problems)} problem(s):")
            lines += _listing(list(glossary_problems))
        if qa_problems:
            lines.append(f"  the QA found {len(qa_problems)} unwaived error(s) in final segments:")
            lines += _listing(list(qa_problems))
    if not lines:
        return
    if missing:
        advice = "Translate the missing segments (translate run, or in a CAT tool) and review them."
    elif qa_problems and not not_final(article) and not glossary_problems:
        advice = "Fix the segments (then approve them again), or waive a finding a reviewer accepts."
    else:
        advice = (f"Review and approve them (translate review approve {article.slug}), or publish an "
                  "unreviewed machine translation with --draft.")
    head = f"{article.slug} is not ready to publish{f' ({where})' if where else ''}:"
    raise PublishRefused("\n".join([head, *lines, f"{advice} Nothing was written."]))


# ---------------------------------------------------------------------------------------------
# The page.

_LIST_KINDS = {"list-item", "list item", "listitem", "list_item", "item", "li", "bullet"}
_ORDERED_KINDS = {"ordered-list-item", "ordered list item", "ordered-item", "ordered_list_item", "oli"}
_QUOTE_KINDS = {"quote", "blockquote", "block-quote", "pullquote"}


def block_role(kind: str) -> tuple[str, int]:
    """(role, heading level) for a block kind: role is title, heading, quote, ul, ol or p."""
    k = kind.lower().strip()
    if k in ("title", "headline"):
        return "title", 1
    match = re.fullmatch(r"(?:heading|h|header|subheading)[-_ ]?([1-6])?", k)
    if match:
        level = int(match.group(1) or 2)
        return ("title", 1) if level == 1 else ("heading", level)
    if k in _QUOTE_KINDS:
        return "quote", 0
    if k in _ORDERED_KINDS:
        return "ol", 0
    if k in _LIST_KINDS or k.startswith("list"):
        return "ul", 0
    return "p", 0


def block_runs(block: Block, fmt: str = "text") -> list[Run]:
    """The block's French content as runs: each target with its inline codes restored, joined
    by the source's spacing between sentences. ``fmt`` is the source format (the codes' markup)."""
    gaps = block.gaps()
    runs: list[Run] = [gaps[0]]
    for i, seg in enumerate(block.segments):
        runs.extend(inline_runs(seg.target or "", source_markup(seg), fmt))
        runs.append(gaps[i + 1])
    return runs


def source_markup(seg) -> list:
    """The target's inline codes with the markup of the source's codes of the same id: markup
    in a target is never trusted, and a code the source lacks is dropped (its text stays)."""
    known = {code.id: code for code in getattr(seg, "codes", None) or []}
    out = []
    for code in getattr(seg, "target_codes", None) or []:
        ours = known.get(code.id)
        if ours is not None and ours.kind == code.kind:
            out.append(replace(code, data=ours.data, data_end=ours.data_end, type=ours.type, equiv=ours.equiv))
    return out


def lost_codes(article: Article) -> list[str]:
    """Segments whose source has inline codes (links, emphasis) that the French lacks."""
    out = []
    for seg in article.segments:
        source_codes = getattr(seg, "codes", None) or []
        target_codes = getattr(seg, "target_codes", None) or []
        if len(target_codes) < len(source_codes):
            out.append(f"segment {seg.id}: {len(source_codes) - len(target_codes)} of its {len(source_codes)} "
                       "inline codes (links, emphasis...) are missing from the French; that markup is not restored.")
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def _french_date(value: str | None) -> str | None:
    if not value:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
    return f"{'1er' if day.day == 1 else day.day} {months[day.month - 1]} {day.year}"


@dataclass
class Body:
    title_runs: list[Run] | None
    groups: list[dict[str, Any]]


def arrange(article: Article, rules: Sequence[TypographyRule]) -> Body:
    """Typeset every block and group them for the templates; find the block that is the title."""
    title_runs: list[Run] | None = None
    want_title = _norm(article.metadata.title or "")
    groups: list[dict[str, Any]] = []
    for block in article.blocks:
        role, level = block_role(block.kind)
        runs = collapse_spaces(typeset(collapse_spaces(block_runs(block, article.format)), rules))
        if not runs:
            continue
        if title_runs is None and (role == "title" or (want_title and _norm(block.text) == want_title)):
            title_runs = runs
            continue
        item = {"html": _markup(runs_to_html(runs)), "md": runs_to_markdown(runs), "text": plain_text(runs)}
        if role in ("ul", "ol", "quote") and groups and groups[-1]["role"] == role:
            groups[-1]["contents"].append(item)
            continue
        if role == "title":  # a second title-like block: show it as a top-level heading
            role, level = "heading", 2
        groups.append({"role": role, "level": level, "tag": _tag(role, level), "contents": [item]})
    return Body(title_runs, groups)


def _tag(role: str, level: int) -> str:
    return {"heading": f"h{level}", "quote": "blockquote", "ul": "ul", "ol": "ol"}.get(role, "p")


def _markup(html: str):
    return Markup(html)  # built by runs_to_html: text escaped, tags from the allowed list


def _relative_url(target: Path, from_dir: Path) -> str:
    rel = os.path.relpath(Path(target).resolve(), Path(from_dir).resolve())
    return quote(PurePosixPath(*Path(rel).parts).as_posix())


@dataclass
class Urls:
    en: str  # the English original
    fr: str  # the French page (its canonical URL)
    fr_from_en: str  # the French page as the English page links to it
    warning: str | None = None


def _is_absolute(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("/")


def page_urls(article: Article, config: PublishConfig, out_file: Path) -> Urls:
    """The URLs of both versions, each checked to be an http(s) or relative link.

    English: the article's own URL from the pair file, else ``en_url`` from translate.toml, else
    the source file relative to the French page (the corpus layout). French: ``fr_url`` from
    translate.toml, else the page's file name. A relative French URL only makes sense from the
    English page when the English side is the local corpus too; otherwise a warning says to set
    ``fr_url``.
    """
    slug = article.slug
    local_en = False
    if article.metadata.url:
        en, what = article.metadata.url, "the article's URL in the pair file"
    elif config.en_url:
        en, what = config.en_url.replace("{slug}", slug), "en_url in translate.toml"
    elif article.source_path is not None:
        en, what = _relative_url(article.source_path, out_file.parent), "the source path in the pair file"
        local_en = True
    else:
        raise InputError(f"{slug}: no English URL known. Set en_url = \"https://.../{{slug}}\" under [publish] in translate.toml.")
    en = safe_url(en, what=what)
    if config.fr_url:
        fr = safe_url(config.fr_url.replace("{slug}", slug), what="fr_url in translate.toml")
    else:
        fr = quote(out_file.name)
    warning = None
    if _is_absolute(fr):
        fr_from_en = fr
    elif local_en:
        fr_from_en = _relative_url(out_file, Path(article.source_path).parent)
    else:
        fr_from_en = fr
        warning = ("the French URL is relative while the English page is at " + en + "; set fr_url = "
                   "\"https://.../fr/{slug}\" under [publish] in translate.toml so that its \"Read in French\" link works.")
    return Urls(en=en, fr=fr, fr_from_en=fr_from_en, warning=warning)


def pair_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def published_time(previous: dict[str, Any] | None, sha: str, status: str,
                   approved: str | None, now: Callable[[], datetime]) -> str:
    """When this version was published: stable for a given pair file, so republishing is a no-op.

    The approval time recorded in the pair file when there is one; else the time the manifest
    already holds for this very pair file; else SOURCE_DATE_EPOCH (reproducible builds); else now.
    """
    if approved:
        return approved
    if previous and previous.get("pair_sha256") == sha and previous.get("status") == status and previous.get("published"):
        return str(previous["published"])
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _iso(datetime.fromtimestamp(int(epoch), timezone.utc))
    return _iso(now())


def approval_time(article: Article) -> str | None:
    """When the article became publishable: the latest approval of its segments (recorded by
    ``translate review approve``), or None when no segment records one."""
    times = []
    for seg in article.segments:
        value = getattr(seg, "approved_at", None)
        if not value:
            continue
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        times.append(moment)
    return _iso(max(times)) if times else None


def build_context(article: Article, *, stamp: dict[str, str], sha: str, published: str, urls: Urls,
                  config: PublishConfig, out_file: Path) -> tuple[dict[str, Any], list[str]]:
    """What the templates see, and warnings for the user."""
    warnings: list[str] = ([urls.warning] if urls.warning else []) + lost_codes(article)
    body = arrange(article, config.rules)
    if body.title_runs is not None:
        title = plain_text(body.title_runs)
    else:
        heading = next((g for g in body.groups if g["role"] == "heading"), None)
        first = heading or (body.groups[0] if body.groups else None)
        title = first["contents"][0]["text"] if first else article.slug
        if len(title) > 120:
            title = title[:119].rstrip() + "…"
        if article.metadata.title:
            warnings.append("the English title is not among the translated blocks; the page title comes from the "
                            + ("first heading." if heading else "first paragraph."))
    md = article.metadata
    page = {
        "lang": "fr",
        "slug": article.slug,
        "title": title,
        "title_en": md.title or "",
        "author": md.author or "",
        "date": md.date or "",
        "date_text": _french_date(md.date) or "",
        "published": published,
        "published_text": _french_date(published) or "",
        "en_url": urls.en,
        "fr_url": urls.fr,
        "fr_url_from_en": urls.fr_from_en,
        "canonical": urls.fr,
        "draft": config.draft,
        "status": "draft" if config.draft else "published",
        "pair_sha256": sha,
        "source_format": article.format,
        "site_name": config.site_name or md.extra.get("site", ""),
        "model": stamp.get("model", ""),
        "test_model": stamp.get("test-model") == "yes",
        "segments": len(article.segments),
        "file": out_file.name,
    }
    return {"page": page, "blocks": body.groups, "draft": config.draft}, warnings


def render_page(context: dict[str, Any], fmt: str, env) -> bytes:
    text = render_template(env, TEMPLATE_NAMES[fmt], context)
    return (text.rstrip() + "\n").encode("utf-8")  # one final newline, whatever the template ends with


# ---------------------------------------------------------------------------------------------
# Publishing.

def read_publishable(pair_file: Path) -> tuple[str, Article, dict[str, str]]:
    """The pair file's hash, article and stamp, checked as publishing needs (a safe slug that
    matches the file name, at least one segment)."""
    pair_file = Path(pair_file)
    try:
        data = pair_file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{pair_file}: no such pair file.") from None
    except OSError as exc:
        raise InputError(f"{pair_file}: cannot be read ({exc.strerror or exc}).") from None
    sha = pair_sha256(data)
    try:
        article, stamp = xliff_to_article(parse_xml(data, str(pair_file)), str(pair_file))
    except PairFileError:
        raise
    except TranslateError as exc:
        raise PairFileError(str(exc)) from None
    slug = article.slug
    if not SLUG_RE.match(slug or ""):
        raise PairFileError(f"{pair_file}: the article slug {slug!r} is not a safe file name; the pair file was altered. "
                            "Re-create it with translate run.")
    if pair_file.stem != slug and pair_file.suffix.lower() in PAIR_SUFFIXES:
        raise PairFileError(f"{pair_file}: holds the article {slug!r}, not {pair_file.stem!r}. Rename the file or check it.")
    if not article.segments:
        raise PairFileError(f"{pair_file}: the pair file has no segments; nothing to publish.")
    return sha, article, stamp


def run_glossary_check(article: Article, pair_file: Path, glossary_check: GlossaryCheck | None,
                       glossary_label: str = "") -> tuple[list[str], str]:
    """The gate's glossary problems and the line that says what the check found."""
    problems: list[str] = []
    glossary_note = glossary_label or ("not checked" if glossary_check is None else "passed")
    if glossary_check is not None:
        problems = list(glossary_check(article, pair_file))
        if problems:
            glossary_note = f"{len(problems)} problem(s)"
    return problems, glossary_note


def run_qa_check(article: Article, qa_check: Callable[[Article], Sequence[str]] | None, qa_label: str, *,
                 draft: bool) -> tuple[list[str], str]:
    """The QA gate's unwaived errors in final segments (translate/qa/gate.py) and what to say of it;
    a draft is published without it."""
    if qa_check is None or draft:
        return [], qa_label or "not checked"
    problems = list(qa_check(article))
    return problems, (f"{len(problems)} error(s)" if problems else qa_label or "passed")


@dataclass
class Preview:
    """The French page as publishing would render it now, and what the gate says."""

    slug: str
    page: bytes  # HTML; segments without French text are left empty
    refusal: str | None  # the gate's refusal message, None when the article may be published
    glossary: str
    warnings: list[str] = field(default_factory=list)


def preview_pair_file(pair_file: Path, config: PublishConfig, *, glossary_check: GlossaryCheck | None = None,
                      glossary_label: str = "", qa_check: Callable[[Article], Sequence[str]] | None = None,
                      qa_label: str = "") -> Preview:
    """Render the page :func:`publish_pair_file` would write (HTML), through the same gate, writing
    nothing: the review app shows it beside the gate's refusals. The published time is the
    approval time when there is one, else the current time."""
    pair_file = Path(pair_file)
    sha, article, stamp = read_publishable(pair_file)
    problems, glossary_note = run_glossary_check(article, pair_file, glossary_check, glossary_label)
    qa_problems, _ = run_qa_check(article, qa_check, qa_label, draft=config.draft)
    refusal = None
    try:
        check_gate(article, draft=config.draft, glossary_problems=problems, where=str(pair_file),
                   qa_problems=qa_problems)
    except PublishRefused as exc:
        refusal = str(exc)
    config = replace(config, fmt="html")
    out_file = Path(config.out) / f"{article.slug}.html"
    try:
        urls = page_urls(article, config, out_file)
    except InputError as exc:  # publishing would stop here too: say so, and still show the page
        refusal = "\n".join(filter(None, [refusal, str(exc)]))
        urls = Urls(en="#", fr=quote(out_file.name), fr_from_en=quote(out_file.name))
    published = approval_time(article) or _iso(datetime.now(timezone.utc))
    context, warnings = build_context(article, stamp=stamp, sha=sha, published=published, urls=urls,
                                      config=config, out_file=out_file)
    page = render_page(context, "html", template_environment(config.templates))
    return Preview(slug=article.slug, page=page, refusal=refusal, glossary=glossary_note, warnings=warnings)


def publish_pair_file(pair_file: Path, config: PublishConfig, *,
                      glossary_check: GlossaryCheck | None = None, glossary_label: str = "",
                      qa_check: Callable[[Article], Sequence[str]] | None = None, qa_label: str = "",
                      now: Callable[[], datetime] | None = None) -> PublishResult:
    """Publish the French article of ``pair_file`` under ``config.out``; see the module docstring."""
    now = now or (lambda: datetime.now(timezone.utc))
    if config.fmt not in FORMATS:
        raise InputError(f"unknown format {config.fmt!r}: use html or md.")
    pair_file = Path(pair_file)
    sha, article, stamp = read_publishable(pair_file)
    slug = article.slug
    problems, glossary_note = run_glossary_check(article, pair_file, glossary_check, glossary_label)
    qa_problems, qa_note = run_qa_check(article, qa_check, qa_label, draft=config.draft)
    check_gate(article, draft=config.draft, glossary_problems=problems, where=str(pair_file), qa_problems=qa_problems)

    out_dir = Path(config.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: is a file, not a folder. Give --out a folder.")
    ext = "html" if config.fmt == "html" else "md"
    out_file = out_dir / f"{slug}.{ext}"
    index_path = config.index_path
    env = template_environment(config.templates)
    status = "draft" if config.draft else "published"
    urls = page_urls(article, config, out_file)

    def prepare(manifest_raw: bytes | None):
        manifest = parse_manifest(manifest_raw, index_path)
        previous = manifest["articles"].get(slug)
        if config.draft and previous and previous.get("status") == "published":
            raise PublishRefused(
                f"{slug}: a reviewed French version is published ({previous.get('file')}); a draft would replace it. "
                "Publish the reviewed version again when the new segments are final. Nothing was written.")
        if config.draft and out_file.exists() and not (previous and previous.get("status") == "draft"
                                                       and previous.get("file") == _relative_url(out_file, index_path.parent)):
            # The manifest in use does not know this page as a draft (another --index, or a page
            # put there by hand): it may be the reviewed version, which a draft never replaces.
            raise PublishRefused(
                f"{slug}: {out_file} exists and {index_path} does not record it as a draft; it may be the reviewed "
                "French version, which a draft never replaces. Publish with the manifest that lists it (--index), "
                "or move the page away if it is not needed. Nothing was written.")
        published = published_time(previous, sha, status, None if config.draft else approval_time(article), now)
        context, warnings = build_context(article, stamp=stamp, sha=sha, published=published, urls=urls,
                                          config=config, out_file=out_file)
        page_bytes = render_page(context, config.fmt, env)
        entry = _entry(context, env, index_path, out_file, pair_file, config.fmt)
        return page_bytes, manifest_bytes(with_entry(manifest, slug, entry)), published, warnings

    # Everything is rendered before anything is created, so a refusal or a template error writes
    # nothing; under the lock, it is rendered again only if another publish changed the manifest.
    for target in (out_file, index_path):
        check_write_target(target)  # no link, no read-only file: refused before anything is read
    manifest_raw = _read_optional(index_path)
    page_bytes, new_manifest, published, warnings = prepare(manifest_raw)
    try:
        index_path.parent.mkdir(parents=True, exist_ok=True)
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder ({exc.strerror or exc}): {exc.filename}. "
                         "Nothing was written.") from None
    lock = file_lock(index_path.parent / f".{index_path.name}.lock", timeout=30)
    try:
        with lock:
            current = _read_optional(index_path)
            if current != manifest_raw:
                page_bytes, new_manifest, published, warnings = prepare(current)
            changed = _write_both(out_file, page_bytes, index_path, new_manifest, _publish_write)
    except Timeout:
        raise InputError(f"{index_path}: another publish is running (lock {lock.lock_file}). Try again when it ends.") from None
    except OSError as exc:
        raise InputError(f"cannot write {exc.filename or out_dir}: {exc.strerror or exc}. "
                         "The previous published version is untouched.") from None
    return PublishResult(slug=slug, path=out_file, index=index_path, status=status, changed=changed,
                         published=published, pair_sha256=sha, segments=len(article.segments),
                         glossary=glossary_note, warnings=warnings, qa=qa_note)


def _publish_write(path: Path, data: bytes) -> None:
    """Atomic write under the one write rule (translate/core/fsio.py): a new page gets the
    umask-derived mode (0644 under umask 022, readable by the web server), a republished one
    keeps its mode."""

    atomic_write_bytes(path, data)


def _read_optional(path: Path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None


def _entry(context: dict[str, Any], env, index_path: Path, out_file: Path, pair_file: Path, fmt: str) -> dict[str, Any]:
    page = context["page"]
    snippet = render_template(env, SNIPPET_TEMPLATE, context).strip()
    head = "" if page["draft"] else f'<link rel="alternate" hreflang="fr" href="{_attr(page["fr_url_from_en"])}">'
    return {
        "slug": page["slug"],
        "status": page["status"],
        "format": fmt,
        "file": _relative_url(out_file, index_path.parent),
        "pair_file": _relative_url(pair_file, index_path.parent),
        "pair_sha256": page["pair_sha256"],
        "published": page["published"],
        "en_url": page["en_url"],
        "fr_url": page["fr_url"],
        "fr_url_from_en": page["fr_url_from_en"],
        "title_en": page["title_en"],
        "title_fr": page["title"],
        "segments": page["segments"],
        "en_head": head,
        "en_link": snippet,
    }


def _attr(value: str) -> str:
    return str(escape(value))


def _write_both(out_file: Path, page: bytes, index_path: Path, manifest: bytes, write) -> bool:
    """Write the page, then the manifest; if the manifest fails, put the previous page back."""
    try:
        old_page = out_file.read_bytes() if out_file.exists() else None
    except OSError as exc:
        raise InputError(f"{out_file}: cannot be read ({exc.strerror or exc}).") from None
    changed = old_page != page
    if changed:
        write(out_file, page)
    try:
        old_manifest = index_path.read_bytes() if index_path.exists() else None
        if old_manifest != manifest:
            write(index_path, manifest)
    except BaseException:
        if changed:
            try:
                if old_page is None:
                    out_file.unlink()
                else:
                    write(out_file, old_page)
            except OSError:
                pass
        raise
    return changed


# ---------------------------------------------------------------------------------------------
# Settings: the [publish] table of translate.toml, then command-line options.

_PUBLISH_KEYS = {"out", "index", "format", "templates", "typography", "en_url", "fr_url", "site_name"}


def publish_config(settings, **options: Any) -> PublishConfig:
    """A :class:`PublishConfig` from translate.toml's ``[publish]`` table and ``options``.

    ``options`` (from the command line) win where they are not None. ``typography`` is true/false
    or a list of rule names (see :data:`translate.publish.typography.RULE_NAMES`).
    """

    table: dict[str, Any] = {}
    root = Path.cwd()
    source = getattr(settings, "source", None)
    if source is not None:
        root = Path(source).parent
        table = read_section(Path(source), "publish", _PUBLISH_KEYS)
        for key in ("out", "index", "format", "templates", "en_url", "fr_url", "site_name"):
            if key in table and (not isinstance(table[key], str) or not table[key]):
                raise ConfigError(f"{source}: [publish] {key} must be a non-empty string.")

    def path_setting(key: str) -> Path | None:
        return root / table[key] if key in table else None

    config = PublishConfig(out=path_setting("out") or getattr(settings, "out", None) or Path("corpus/fr"))
    config.index = path_setting("index")
    config.templates = path_setting("templates")
    config.fmt = table.get("format", "html")
    config.en_url, config.fr_url, config.site_name = table.get("en_url"), table.get("fr_url"), table.get("site_name")
    typo = table.get("typography", True)
    if typo is True:
        config.rules = RULES
    elif typo is False:
        config.rules = ()
    elif isinstance(typo, list) and all(isinstance(n, str) for n in typo):
        config.rules = select_rules(typo)
    else:
        raise ConfigError(f"{source}: [publish] typography must be true, false or a list of rule names.")
    for key, value in options.items():
        if value is None:
            continue
        if key == "typography":
            config.rules = RULES if value else ()
        else:
            setattr(config, key, value)
    if config.fmt not in FORMATS:
        where = f"{source}: [publish] " if source is not None and table.get("format") == config.fmt else ""
        raise ConfigError(f"{where}format {config.fmt!r}: use html or md.")
    return config


def glossary_check_for(glossary: Path | None, rules: Sequence[TypographyRule] = RULES) -> tuple[GlossaryCheck | None, str]:
    """The glossary check the gate runs, and a short line saying what it is.

    The same check CI runs (``translate glossary check``, translate/glossary/check.py) on this one
    pair file: every glossary term in a source must be in its French, the French taken as it will
    be published (with the typography ``rules`` the page gets), so what passes is what readers
    see. A glossary that cannot be loaded is an error, not a skipped check.
    """
    if glossary is None:
        return None, "no glossary configured"
    loaded = load_glossary(Path(glossary))

    def published(text: str) -> str:
        return apply_typography(text, rules)

    def check(article: Article, pair_file: Path) -> list[str]:
        report = check_pair_files([Path(pair_file)], loaded, entities=False, french_of=published)
        return [v.message() for v in report.violations]

    return check, f"passed ({glossary}, {len(loaded)} entries)"
