"""Output safety: no text from an article, a glossary or a translator reaches HTML unescaped.

Every text field that can reach a page (source, target, MT draft, notes, title, author, date,
URL, segment ids, approver, glossary terms) carries hostile markup; the published page (HTML
and Markdown rendered as a static-site generator would) and the review report are parsed as
HTML5 and searched for anything executable: a <script>, <iframe>, <object>, <embed> or <svg>
element, an on* attribute, a javascript:/data:/vbscript: URL, a <meta http-equiv> or <base>.
Template syntax in texts ({{ 7*191 }}) must come out as text, never evaluated.
"""

from __future__ import annotations

import re

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PAYLOADS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "</textarea></title></style><script>alert(2)</script>",
    "<iframe src=javascript:alert(3)>",
    "<a href=\"javascript:alert(4)\">x</a>",
    "{{ 7*191 }}{% for x in range(3) %}XyZ{% endfor %}",
    "<!--",
    "]]><script>alert(5)</script>",
    "&lt;script&gt;alert(6)&lt;/script&gt;",
    "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "\u2028<script>/*\u2029*/alert(7)</script>",
    "[click](javascript:alert(8)) <https://ok.example> ![i](x\" onerror=\"alert(9))",
    "<object data=x></object><embed src=x>",
]
BAD_TAGS = {"script", "iframe", "object", "embed", "svg", "base", "frame", "frameset", "applet", "math", "form"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
XHTML = "{http://www.w3.org/1999/xhtml}"


def executable_parts(html: str) -> list[str]:
    """What in ``html`` a browser could execute, or that redirects the page."""
    tree = html5lib.parse(html, namespaceHTMLElements=True)
    found = []
    for el in tree.iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag in BAD_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and el.get("http-equiv"):
            found.append(f"<meta http-equiv={el.get('http-equiv')}>")
        for name, value in el.attrib.items():
            name = name.rsplit("}", 1)[-1].lower()
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "xlink:href", "cite", "data") and \
                    re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith(BAD_SCHEMES):
                found.append(f"{tag} {name}={value}")
    # A template expression evaluated would print 1337, or XyZ three times, where the text was.
    if "1337" in html or "XyZXyZ" in html:
        found.append("template expression evaluated")
    return found


def hostile_article(texts):
    """The seed article with hostile text in every field that can reach a page."""
    from robustness_targets import seed_article

    article = seed_article()
    pick = iter(texts * 40)
    md = article.metadata
    md.title, md.author, md.date = next(pick), next(pick), next(pick)
    md.url = "https://news.example.org/en/summit?q=" + next(pick)
    for seg in article.segments:
        seg.target = next(pick)
        seg.mt = next(pick)
        seg.notes = [next(pick)]
        seg.state = "final"
        seg.origin = "human"
        seg.approved_by = next(pick)
        seg.approved_at = "2026-01-01T00:00:00Z"
    return article


def _publish(article, tmp_path, fmt: str) -> str:
    from translate.publish.publisher import PublishConfig, publish_pair_file
    from translate.formats.xliff import write_pair_file

    work = tmp_path / "work"
    pair = work / f"{article.slug}.xlf"
    write_pair_file(pair, article, {"tool": "translate", "model": "<script>alert('model')</script>"})
    config = PublishConfig(out=tmp_path / "fr", fmt=fmt, fr_url="https://news.example.org/fr/{slug}", draft=False)
    result = publish_pair_file(pair, config)
    return result.path.read_text("utf-8"), (config.index_path.read_text("utf-8"))


def _markdown_to_html(text: str) -> str:
    """The page as a static-site generator would render it: Markdown with raw HTML allowed."""
    from markdown_it import MarkdownIt

    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    return MarkdownIt("commonmark", {"html": True}).render(body)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_published_html_escapes_every_field(payload, tmp_path):
    page, manifest = _publish(hostile_article([payload]), tmp_path, "html")
    assert executable_parts(page) == [], payload
    import json

    entry = json.loads(manifest)["articles"]["summit"]
    # The snippets the English page pastes into its HTML must be as safe as the page.
    assert executable_parts(entry["en_head"] + entry["en_link"]) == [], payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_published_markdown_escapes_every_field(payload, tmp_path):
    page, _ = _publish(hostile_article([payload]), tmp_path, "md")
    assert executable_parts(_markdown_to_html(page)) == [], payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_review_report_escapes_every_field(payload):
    from translate.core.article import TermHit
    from translate.review.diffs import render_report, review_article

    article = hostile_article([payload])
    article.slug = "summit"
    for seg in article.segments:
        seg.id = seg.id  # ids are checked by the schema on import; the report escapes them anyway
        seg.terms = [TermHit(entry_id=payload, source_text=seg.source[:5], start=0, end=min(5, len(seg.source)),
                             target=payload, method=payload)]
    html = render_report(review_article(article))
    assert executable_parts(html) == [], payload


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(alphabet="<>\"'&=/:;{}%#[]()! \nscriptonerrajvhf", min_size=1, max_size=60)),
                min_size=1, max_size=8))
def test_random_markup_never_escapes(tmp_path_factory, texts):
    from translate.review.diffs import render_report, review_article

    tmp_path = tmp_path_factory.mktemp("out")
    article = hostile_article(texts)
    for fmt in ("html", "md"):
        page, _ = _publish(article, tmp_path / fmt, fmt)
        html = page if fmt == "html" else _markdown_to_html(page)
        assert executable_parts(html) == [], texts
    assert executable_parts(render_report(review_article(article))) == [], texts


def test_the_detector_sees_an_injection():
    """The checks above only mean something if the detector catches an unescaped payload."""
    for raw in ("<p><script>x</script></p>", "<img src=x onerror=y>", '<a href=" javascript:x">a</a>',
                '<meta http-equiv="refresh" content="0">'):
        assert executable_parts(raw), raw
    assert executable_parts("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []
    assert executable_parts("<p>1337</p>")


def test_review_report_command_writes_a_safe_page(tmp_path, monkeypatch):
    """End to end, and a regression: the report crashed on every article (sacrebleu's TER has no
    signature until it has scored something)."""
    from click.testing import CliRunner

    from translate.cli import main
    from translate.formats.xliff import write_pair_file

    monkeypatch.chdir(tmp_path)
    article = hostile_article(PAYLOADS)
    write_pair_file(tmp_path / "work" / "summit.xlf", article)
    result = CliRunner().invoke(main, ["review", "report", "summit", "--workdir", "work", "-o", "report.html"])
    assert result.exit_code == 0, result.output
    assert executable_parts((tmp_path / "report.html").read_text("utf-8")) == []
