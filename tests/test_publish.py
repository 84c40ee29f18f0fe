"""Publishing: the gate, the HTML5 page and its links, Markdown, the manifest, bad input."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

import goldens

from translate.cli.group import main
from translate.core.errors import InputError, PairFileError
from translate.publish.publisher import (
    PublishConfig,
    PublishRefused,
    locate_pair_file,
    publish_pair_file,
)
from translate.formats.xliff import read_pair_file, write_pair_file

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "examples" / "geneva-summit.xlf"
GOLDEN = goldens.GOLDEN / "publish"
FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
FR_URL = "https://news.example.org/fr/{slug}/"
XHTML = "{http://www.w3.org/1999/xhtml}"


def fixed_now() -> datetime:
    return FIXED


@pytest.fixture
def pair(tmp_path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    dest = work / EXAMPLE.name
    shutil.copy(EXAMPLE, dest)
    return dest


def config(tmp_path, **kw) -> PublishConfig:
    kw.setdefault("fr_url", FR_URL)
    return PublishConfig(out=tmp_path / "fr", **kw)


def edit(pair: Path, change) -> None:
    """Change the article in the pair file as a CAT tool or the review stage would."""
    article, stamp = read_pair_file(pair)
    change(article)
    write_pair_file(pair, article, stamp)


def parse_html5(data: bytes):
    """Parse as HTML5 with a strict parser: any parse error (invalid HTML5) raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(data, transport_encoding="utf-8")


def check_golden(name: str, data: bytes) -> None:
    goldens.check_golden(GOLDEN / name, data)  # a missing golden fails; UPDATE_GOLDEN=1 writes it


def test_html_page_is_valid_html5_with_language_links_and_manifest(pair, tmp_path):
    result = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    assert result.status == "published" and result.changed
    data = result.path.read_bytes()
    assert data.startswith(b"<!DOCTYPE html>")
    doc = parse_html5(data)
    assert doc.get("lang") == "fr"
    head = doc.find(f"{XHTML}head")
    assert head.find(f"{XHTML}meta").get("charset") == "utf-8"
    links = {(l.get("rel"), l.get("hreflang")): l.get("href") for l in head.iter(f"{XHTML}link")}
    fr = "https://news.example.org/fr/geneva-summit/"
    en = "https://news.example.org/2021/06/16/geneva-summit/"
    assert links[("alternate", "en")] == en
    assert links[("alternate", "fr")] == fr
    assert links[("canonical", None)] == fr
    assert "Poutine juge" in head.find(f"{XHTML}title").text
    assert not [m for m in head.iter(f"{XHTML}meta") if m.get("name") == "robots"]
    visible = [a for a in doc.iter(f"{XHTML}a") if a.text == "Read in English"]
    assert visible and visible[0].get("href") == en and visible[0].get("hreflang") == "en"
    # The block structure: title, paragraphs, a quote, a heading, a list.
    body = doc.find(f"{XHTML}body")
    tags = [el.tag.replace(XHTML, "") for el in body.find(f"{XHTML}article")]
    assert tags == ["header", "p", "blockquote", "h2", "p", "ul", "p", "footer"]
    assert len(list(body.iter(f"{XHTML}li"))) == 3
    # The manifest entry gives the English page its "Read in French" link.
    manifest = json.loads((tmp_path / "index.json").read_text("utf-8"))
    entry = manifest["articles"]["geneva-summit"]
    assert entry["status"] == "published" and entry["en_url"] == en and entry["fr_url"] == fr
    assert entry["published"] == "2026-01-02T03:04:05Z"
    import hashlib

    assert entry["pair_sha256"] == hashlib.sha256(pair.read_bytes()).hexdigest()
    assert entry["file"] == "fr/geneva-summit.html"
    assert f'hreflang="fr" href="{fr}"' in entry["en_head"] and "Read in French" in entry["en_link"]
    assert oct(result.path.stat().st_mode & 0o777) == "0o644"


def test_french_typography_is_applied(pair, tmp_path):
    text = publish_pair_file(pair, config(tmp_path), now=fixed_now).path.read_text("utf-8")
    assert "Poutine juge «\u00a0plutôt constructif\u00a0» son sommet" in text
    assert "«\u00a0Il n’y avait aucune hostilité. Bien au contraire\u00a0», a dit Poutine" in text
    assert "Rançongiciels\u202f: l’affaire" in text
    assert "4,3 millions" in text and "53\u202f% du total" in text and "sommet\u202f?" in text
    # URLs and times are left alone.
    assert "https://news.example.org/geneva-2021?lang=en depuis 10:30 GMT" in text


def test_typography_can_be_switched_off(pair, tmp_path):
    text = publish_pair_file(pair, config(tmp_path, rules=()), now=fixed_now).path.read_text("utf-8")
    assert "juge &#34;plutôt constructif&#34;" in text or 'juge "plutôt constructif"' in text
    assert "4.3 millions" in text


def test_golden_html(pair, tmp_path):
    check_golden("geneva-summit.html", publish_pair_file(pair, config(tmp_path), now=fixed_now).path.read_bytes())


def test_golden_markdown(pair, tmp_path):
    result = publish_pair_file(pair, config(tmp_path, fmt="md"), now=fixed_now)
    assert result.path.name == "geneva-summit.md"
    check_golden("geneva-summit.md", result.path.read_bytes())


def test_markdown_front_matter_and_structure(pair, tmp_path):
    import yaml
    from markdown_it import MarkdownIt

    text = publish_pair_file(pair, config(tmp_path, fmt="md"), now=fixed_now).path.read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["lang"] == "fr" and meta["slug"] == "geneva-summit" and meta["draft"] is False
    assert meta["translation_of"] == "https://news.example.org/2021/06/16/geneva-summit/"
    assert meta["title"].startswith("Poutine juge «")
    html = MarkdownIt("commonmark").render(body)
    assert html.count("<li>") == 3 and "<blockquote>" in html and "<h2>" in html and "<h1>" in html


def test_publishing_twice_gives_the_same_bytes(pair, tmp_path):
    first = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    page, index = first.path.read_bytes(), (tmp_path / "index.json").read_bytes()
    # Later, with the clock moved on: the published time comes from the manifest, not the clock.
    second = publish_pair_file(pair, config(tmp_path), now=lambda: datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert not second.changed
    assert first.path.read_bytes() == page and (tmp_path / "index.json").read_bytes() == index
    # A changed pair file is a new version, with a new published time.
    edit(pair, lambda a: setattr(a.segments[1], "target", "Poutine a déclaré autre chose."))
    third = publish_pair_file(pair, config(tmp_path), now=lambda: datetime(2030, 1, 1, tzinfo=timezone.utc))
    assert third.changed and third.published == "2030-01-01T00:00:00Z"


def test_one_segment_not_final_is_refused_and_writes_nothing(pair, tmp_path):
    edit(pair, lambda a: setattr(a.segments[4], "state", "reviewed"))
    seg_id = read_pair_file(pair)[0].segments[4].id
    with pytest.raises(PublishRefused) as info:
        publish_pair_file(pair, config(tmp_path), now=fixed_now)
    message = str(info.value)
    assert seg_id in message and "1 of 13 segments are not final" in message and "reviewed" in message
    assert not (tmp_path / "fr").exists() and not (tmp_path / "index.json").exists()


def test_refusal_leaves_the_previous_version_in_place(pair, tmp_path):
    first = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    before = first.path.read_bytes(), (tmp_path / "index.json").read_bytes()
    edit(pair, lambda a: (setattr(a.segments[0], "target", "Nouveau titre"), setattr(a.segments[0], "state", "translated")))
    with pytest.raises(PublishRefused):
        publish_pair_file(pair, config(tmp_path), now=fixed_now)
    assert (first.path.read_bytes(), (tmp_path / "index.json").read_bytes()) == before


def test_missing_target_is_refused_even_as_a_draft(pair, tmp_path):
    def drop(article):
        article.segments[2].target = None
        article.segments[2].state = "initial"

    edit(pair, drop)
    for draft in (False, True):
        with pytest.raises(PublishRefused, match="1 of 13 segments have no French text"):
            publish_pair_file(pair, config(tmp_path, draft=draft), now=fixed_now)
    assert not (tmp_path / "fr").exists()


def test_script_in_a_target_is_text_not_a_tag(pair, tmp_path):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)> & <b>gras</b>'
    edit(pair, lambda a: setattr(a.segments[1], "target", payload))
    data = publish_pair_file(pair, config(tmp_path, rules=()), now=fixed_now).path.read_bytes()
    doc = parse_html5(data)
    assert not list(doc.iter(f"{XHTML}script")) and not list(doc.iter(f"{XHTML}img"))
    assert not list(doc.iter(f"{XHTML}b"))
    texts = ["".join(p.itertext()) for p in doc.iter(f"{XHTML}p")]
    assert any(payload in t for t in texts)
    # And in Markdown, rendered by a CommonMark renderer that allows raw HTML: still only text.
    from markdown_it import MarkdownIt

    md = publish_pair_file(pair, config(tmp_path, fmt="md", rules=()), now=fixed_now).path.read_text("utf-8")
    html = MarkdownIt("commonmark", {"html": True}).render(md.split("---\n", 2)[2])
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_draft_is_marked_noindex_and_not_offered_to_the_english_page(pair, tmp_path):
    edit(pair, lambda a: [setattr(s, "state", "translated") for s in a.segments])
    result = publish_pair_file(pair, config(tmp_path, draft=True), now=fixed_now)
    assert result.status == "draft"
    doc = parse_html5(result.path.read_bytes())
    robots = [m.get("content") for m in doc.iter(f"{XHTML}meta") if m.get("name") == "robots"]
    assert robots == ["noindex"]
    banner = [d for d in doc.iter(f"{XHTML}div") if d.get("class") == "mt-banner"]
    assert banner and "Traduction automatique non relue" in "".join(banner[0].itertext())
    entry = json.loads((tmp_path / "index.json").read_text("utf-8"))["articles"]["geneva-summit"]
    assert entry["status"] == "draft" and entry["en_head"] == "" and "machine translation" in entry["en_link"]
    md = publish_pair_file(pair, config(tmp_path, draft=True, fmt="md"), now=fixed_now).path.read_text("utf-8")
    assert "robots: \"noindex\"" in md and "draft: true" in md and "Traduction automatique non relue" in md


def test_a_draft_never_replaces_a_reviewed_version(pair, tmp_path):
    first = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    page = first.path.read_bytes()
    edit(pair, lambda a: setattr(a.segments[3], "state", "translated"))
    with pytest.raises(PublishRefused, match="a draft would replace it"):
        publish_pair_file(pair, config(tmp_path, draft=True), now=fixed_now)
    assert first.path.read_bytes() == page


def test_glossary_problems_hold_the_article_back(pair, tmp_path):
    def check(article, pair_file):
        assert pair_file == pair
        return [f"{article.segments[1].id}: \"Vladimir Putin\" must read \"Vladimir Poutine\""]

    with pytest.raises(PublishRefused) as info:
        publish_pair_file(pair, config(tmp_path), glossary_check=check, now=fixed_now)
    assert "glossary check found 1 problem" in str(info.value) and "Vladimir Poutine" in str(info.value)
    assert not (tmp_path / "fr").exists()
    ok = publish_pair_file(pair, config(tmp_path), glossary_check=lambda a, p: [], now=fixed_now)
    assert ok.glossary == "passed"


def test_manifest_failure_puts_the_previous_page_back(pair, tmp_path, monkeypatch):
    import translate.publish.publisher as publish

    first = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    before = first.path.read_bytes(), (tmp_path / "index.json").read_bytes()
    edit(pair, lambda a: setattr(a.segments[1], "target", "Une autre version relue."))
    real = publish._publish_write

    def failing(path, data):
        if path.name == "index.json":
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(publish, "_publish_write", failing)
    with pytest.raises(InputError, match="No space left on device.*previous published version is untouched"):
        publish_pair_file(pair, config(tmp_path), now=fixed_now)
    assert (first.path.read_bytes(), (tmp_path / "index.json").read_bytes()) == before
    assert sorted(p.name for p in (tmp_path / "fr").iterdir()) == ["geneva-summit.html"]


def test_output_folder_that_cannot_be_written(pair, tmp_path, monkeypatch):
    blocker = tmp_path / "fr"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(InputError, match="is a file, not a folder"):
        publish_pair_file(pair, config(tmp_path), now=fixed_now)
    # A read-only folder (simulated: the tests may run as root, who can write anywhere).
    out = tmp_path / "site" / "fr"
    out.mkdir(parents=True)
    import translate.core.fsio as fsio

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(fsio.tempfile, "mkstemp", denied)
    with pytest.raises(InputError, match="Permission denied.*previous published version is untouched"):
        publish_pair_file(pair, PublishConfig(out=out, fr_url=FR_URL), now=fixed_now)
    assert list(out.iterdir()) == []


def test_template_errors_are_clear_and_write_nothing(pair, tmp_path):
    first = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    before = first.path.read_bytes()
    edit(pair, lambda a: setattr(a.segments[1], "target", "Encore une version relue."))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html.j2").write_text("<html>\n{% if page.title %}\n<p>{{ page.title }}</p>\n", "utf-8")
    with pytest.raises(InputError, match=r"article.html.j2: line \d+: template error"):
        publish_pair_file(pair, config(tmp_path, templates=templates), now=fixed_now)
    (templates / "article.html.j2").write_text("<p>{{ page.no_such_thing }}</p>", "utf-8")
    with pytest.raises(InputError, match="no_such_thing"):
        publish_pair_file(pair, config(tmp_path, templates=templates), now=fixed_now)
    (templates / "article.html.j2").write_text("{{ page.__class__.__mro__ }}", "utf-8")
    with pytest.raises(InputError):
        publish_pair_file(pair, config(tmp_path, templates=templates), now=fixed_now)
    assert first.path.read_bytes() == before


def test_newsroom_template_overrides_the_packaged_one(pair, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html.j2").write_text(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{{ page.title }}</title></head>"
        "<body class=\"house-style\">{% for b in blocks %}{{ b.contents[0].html }}{% endfor %}</body></html>\n", "utf-8")
    data = publish_pair_file(pair, config(tmp_path, templates=templates), now=fixed_now).path.read_text("utf-8")
    assert 'class="house-style"' in data and "Poutine juge" in data


def test_tampered_pair_file_slug_is_refused(pair, tmp_path):
    data = pair.read_text("utf-8").replace('<mda:meta type="slug">geneva-summit<', '<mda:meta type="slug">../../etc/x<')
    pair.write_text(data, "utf-8")
    with pytest.raises(PairFileError, match="not a safe file name"):
        publish_pair_file(pair, config(tmp_path), now=fixed_now)


def test_javascript_url_in_the_pair_file_is_refused(pair, tmp_path):
    edit(pair, lambda a: setattr(a.metadata, "url", "javascript:alert(1)"))
    with pytest.raises(InputError, match="not an http"):
        publish_pair_file(pair, config(tmp_path), now=fixed_now)


@pytest.mark.parametrize("name", ["../work/geneva-summit.xlf", "../../etc/passwd", "/etc/passwd", "Bad Slug",
                                  "a/../geneva-summit.xlf", "..", "/tmp/../etc/x.txt", "geneva/../../x"])
def test_unsafe_article_names_are_refused(name, pair):
    with pytest.raises(InputError):
        locate_pair_file(name, pair.parent)


def test_article_by_slug_source_file_or_pair_file(pair, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "geneva-summit.html").write_text("<p>English.</p>", "utf-8")
    assert locate_pair_file("geneva-summit", pair.parent) == pair.parent / "geneva-summit.xlf"
    assert locate_pair_file("en/geneva-summit.html", pair.parent) == pair.parent / "geneva-summit.xlf"
    assert locate_pair_file("work/geneva-summit.xlf", pair.parent) == Path("work/geneva-summit.xlf")
    assert locate_pair_file(str(pair), pair.parent) == pair
    with pytest.raises(InputError, match="no such file"):
        locate_pair_file("en/other-story.md", pair.parent)
    (tmp_path / "en" / "other-story.md").write_text("# English\n", "utf-8")
    with pytest.raises(InputError, match="translate run"):
        locate_pair_file("en/other-story.md", pair.parent)
    # A pair file outside the workspace is refused (it would not be the article's record).
    elsewhere = tmp_path / "elsewhere.xlf"
    shutil.copy(pair, elsewhere)
    with pytest.raises(InputError, match="outside"):
        locate_pair_file("elsewhere.xlf", pair.parent)


def test_cli_publish_and_refusal(pair, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "translate.toml").write_text(
        '[translate]\nworkdir = "work"\n\n[publish]\nfr_url = "https://news.example.org/fr/{slug}/"\n', "utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["publish", "geneva-summit"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "corpus" / "fr" / "geneva-summit.html").exists()
    assert (tmp_path / "corpus" / "index.json").exists()
    result = runner.invoke(main, ["publish", "geneva-summit", "--format", "md", "--out", "site"])
    assert result.exit_code == 0 and (tmp_path / "site" / "geneva-summit.md").exists()
    assert json.loads((tmp_path / "index.json").read_text("utf-8"))["articles"]["geneva-summit"]["format"] == "md"
    edit(pair, lambda a: setattr(a.segments[0], "state", "translated"))
    result = runner.invoke(main, ["publish", "geneva-summit"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: geneva-summit is not ready to publish") and "Traceback" not in result.output
    result = runner.invoke(main, ["publish", "../etc/passwd"])
    assert result.exit_code == 1 and "refused" in result.output
    (tmp_path / "translate.toml").write_text('[publish]\ncolour = "red"\n', "utf-8")
    result = runner.invoke(main, ["publish", "--workdir", "work", "geneva-summit"])
    assert result.exit_code == 1 and "unknown [publish] setting" in result.output


@pytest.mark.slow
def test_end_to_end_from_translate_run(test_model_dir, tmp_path):
    """The workflow as a newsroom runs it: MT drafts, refused, every segment marked final, published."""
    runner = CliRunner()
    work, out = tmp_path / "work", tmp_path / "fr"
    source = tmp_path / "en" / "short-story.txt"
    source.parent.mkdir()
    source.write_text("Putin met Biden in Geneva.\n\n\"There was no hostility,\" Putin said. The talks lasted 4.5 hours.\n",
                      "utf-8")
    result = runner.invoke(main, ["run", "--model", str(test_model_dir), "--beam-size", "1", "--workdir", str(work),
                                  str(source)])
    assert result.exit_code == 0, result.output
    pair = work / "short-story.xlf"
    result = runner.invoke(main, ["publish", str(pair), "--workdir", str(work), "--out", str(out)])
    assert result.exit_code == 1 and "segments are not final" in result.output
    assert not out.exists()
    edit(pair, lambda a: [setattr(s, "state", "final") for s in a.segments])
    # The random-weight model's French is meaningless: the QA gate holds it back, naming each error.
    result = runner.invoke(main, ["publish", str(pair), "--workdir", str(work), "--out", str(out)])
    assert result.exit_code == 1 and "the QA found" in result.output and "translate review waive" in result.output
    assert not out.exists()
    # A reviewer accepts every finding (waivers in the pair file): the gate lets it through.
    from translate.qa.runner import run_qa

    article, _ = read_pair_file(pair)
    errors = [(f.segment, f.check) for f in run_qa([article]).errors]
    assert errors
    for seg_id, check in errors:
        result = runner.invoke(main, ["review", "waive", "short-story", "--workdir", str(work), "--segment", seg_id,
                                      "--check", check, "--by", "desk", "--reason", "test model"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["publish", str(pair), "--workdir", str(work), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out / "short-story.html"
    doc = parse_html5(page.read_bytes())
    assert doc.get("lang") == "fr"
    # Whatever the model wrote is in the page, as text.
    article, _ = read_pair_file(pair)
    body = "".join(doc.find(f"{XHTML}body").itertext())
    import re

    words = lambda text: re.sub(r"\W", "", text)  # typography changes only spaces and punctuation
    for block in article.blocks:
        assert words("".join(seg.target for seg in block.segments)) in words(body)
    entry = json.loads((tmp_path / "index.json").read_text("utf-8"))["articles"]["short-story"]
    assert entry["en_url"].endswith("en/short-story.txt") and entry["status"] == "published"
    first = page.read_bytes()
    assert runner.invoke(main, ["publish", str(pair), "--workdir", str(work), "--out", str(out)]).exit_code == 0
    assert page.read_bytes() == first


def test_published_time_is_the_approval_time(pair, tmp_path):
    """After `translate review approve`, the published time is the approval's: publishing is then
    a pure function of the pair file, even with the manifest gone."""
    from translate.review.approve import approve_article

    edit(pair, lambda a: [setattr(s, "state", "reviewed") for s in a.segments[:3]])
    with pytest.raises(PublishRefused, match="3 of 13 segments are not final"):
        publish_pair_file(pair, config(tmp_path), now=fixed_now)
    report = approve_article("geneva-summit", pair.parent, by="desk editor", memory=tmp_path / "tm.sqlite")
    assert report.approved == 3
    article, _ = read_pair_file(pair)
    approved = max(s.approved_at for s in article.segments if s.approved_at)
    result = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    assert datetime.fromisoformat(result.published.replace("Z", "+00:00")) == datetime.fromisoformat(approved)
    page = result.path.read_bytes()
    (tmp_path / "index.json").unlink()
    again = publish_pair_file(pair, config(tmp_path), now=lambda: datetime(2031, 1, 1, tzinfo=timezone.utc))
    assert again.path.read_bytes() == page and not again.changed


def test_the_glossary_check_is_the_gate(pair, tmp_path):
    """The real glossary check (translate glossary check, on this pair file) holds the article back."""
    from translate.publish.publisher import glossary_check_for

    tsv = tmp_path / "glossary.tsv"
    tsv.write_text("en\tfr\ttype\nVladimir Putin\tVladimir Poutine\tperson\nGeneva\tGenève\tplace\n", "utf-8")
    check, label = glossary_check_for(tsv)
    assert check is not None and "2 entries" in label
    assert publish_pair_file(pair, config(tmp_path), glossary_check=check, glossary_label=label, now=fixed_now).status == "published"
    # A post-edit that lost the locked form: refused, naming the segment and the term.
    bad = read_pair_file(pair)[0].segments[1]
    edit(pair, lambda a: setattr(a.segments[1], "target", a.segments[1].target.replace("Genève", "Genf")))
    with pytest.raises(PublishRefused) as info:
        publish_pair_file(pair, config(tmp_path), glossary_check=check, now=fixed_now)
    assert bad.id in str(info.value) and "Genève" in str(info.value) and "glossary check found 1 problem" in str(info.value)
    # A glossary that cannot be read is an error, not a skipped check.
    tsv.write_text("english;french\nGeneva;Genève\n", "utf-8")
    with pytest.raises(InputError):
        glossary_check_for(tsv)


def test_publish_settings_from_translate_toml(pair, tmp_path, monkeypatch):
    from translate.core.config import load_settings
    from translate.core.errors import ConfigError
    from translate.publish.publisher import publish_config

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tpl").mkdir()
    (tmp_path / "translate.toml").write_text(
        '[translate]\nworkdir = "work"\n\n[publish]\nout = "site/fr"\nformat = "md"\ntemplates = "tpl"\n'
        'typography = ["numbers"]\nfr_url = "https://x.org/fr/{slug}"\nsite_name = "The Example Times"\n', "utf-8")
    config = publish_config(load_settings(tmp_path))
    assert config.out == tmp_path / "site/fr" and config.fmt == "md" and config.templates == tmp_path / "tpl"
    assert [r.name for r in config.rules] == ["numbers"] and config.index_path == tmp_path / "site" / "index.json"
    # Options win over the file.
    config = publish_config(load_settings(tmp_path), fmt="html", typography=False)
    assert config.fmt == "html" and config.rules == ()
    (tmp_path / "translate.toml").write_text('[publish]\ntypography = ["guillemets"]\n', "utf-8")
    with pytest.raises(ConfigError, match="unknown typography rule"):
        publish_config(load_settings(tmp_path))


def test_heading_levels_survive_from_ingestion_to_the_published_page(pair, tmp_path):
    from translate.ingest.reader import ingest_file

    body = "The ministers met in Geneva on Wednesday and talked for three hours about the crisis. " * 4
    md = tmp_path / "levels.md"
    md.write_text(f"# The summit in Geneva\n\n{body}\n\n## What was agreed\n\n{body}\n\n### The details\n\n{body}\n", "utf-8")
    assert [b.kind for b in ingest_file(md).blocks] == ["title", "paragraph", "heading", "paragraph", "heading3", "paragraph"]
    page = tmp_path / "levels.html"
    page.write_text(f"<html lang='en'><body><article><h1>The summit in Geneva</h1><p>{body}</p>"
                    f"<h2>What was agreed</h2><p>{body}</p><h3>The details</h3><p>{body}</p></article></body></html>", "utf-8")
    assert [b.kind for b in ingest_file(page).blocks if b.kind.startswith("heading")] == ["heading", "heading3"]

    def demote(article):
        from translate.publish.publisher import block_role

        for block in article.blocks:
            if block_role(block.kind) == ("heading", 2):
                block.kind = "heading3"

    edit(pair, demote)  # the kind goes through the pair file (unit type tr:heading3) and back
    assert any(b.kind == "heading3" for b in read_pair_file(pair)[0].blocks)
    out = publish_pair_file(pair, config(tmp_path), now=fixed_now)
    html = out.path.read_text("utf-8")
    assert "<h3>" in html and "<h2>" not in html
