"""The review app's HTTP layer, through Flask's test client: pages, saves, conflicts, approvals,
publishing, and every refusal (token, Host, CSRF, stale version, wrong article or segment) leaving
the files byte-identical. The browser tests are in test_review_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli.group import main
from translate.core.article import Article, Block, Segment
from translate.formats.xliff import read_pair_file, write_pair_file
from translate.review.edit import SegmentConflict, SegmentEdit, apply_edit, edit_segments, segment_version
from translate.review.web.app import WebConfig, create_app
from translate.review.web.hooks import FindingView, SegmentFindings

from test_review import sample

TOKEN = "correct-horse-battery-staple-42"


def other_article() -> Article:
    seg = Segment(id="x0", source="Another story.", start=0, end=14, mt="Une autre histoire.",
                  target="Une autre histoire.", state="translated", origin="mt")
    return Article(slug="other", blocks=[Block(id="u9", kind="paragraph", text="Another story.", segments=[seg])])


@pytest.fixture
def work(tmp_path) -> Path:
    work = tmp_path / "work"
    art = sample()
    art.metadata.title = "Sample <script>alert('title')</script>"
    art.segments[2].target = "Personne <script>alert(1)</script> n'a été blessé."
    write_pair_file(work / "sample.xlf", art, {"model": "m"})
    write_pair_file(work / "other.xlf", other_article(), {"model": "m"})
    (work / "not an article.xlf").write_text("ignored", "utf-8")
    (tmp_path / "translate.toml").write_text('[translate]\nworkdir = "work"\n\n[publish]\nout = "fr"\n'
                                             'en_url = "https://news.example.org/{slug}"\n', "utf-8")
    return work


def settings_for(work: Path):
    from translate.core.config import load_settings

    return load_settings(path=work.parent / "translate.toml")


def make_app(work: Path, **options):
    options.setdefault("settings", settings_for(work))
    return create_app(WebConfig(workdir=work, editor="desk", **options))


@pytest.fixture
def app(work):
    return make_app(work)


def snapshot(work: Path) -> dict[str, bytes]:
    """Every file of the workspace but the lock files (empty; filelock leaves them, as the CLI does)."""
    return {p.name: p.read_bytes() for p in sorted(work.iterdir()) if p.is_file() and not p.name.endswith(".lock")}


def page_state(client, name: str = "sample") -> tuple[str, dict[str, str]]:
    """The CSRF token and every segment's version, as the article page gives them."""
    html = client.get(f"/a/{name}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    versions = dict(re.findall(r'data-id="([^"]+)" data-version="([0-9a-f]+)"', html))
    return token, versions


def post(client, url: str, data: dict, *, fetch: bool = True, **kwargs):
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    return client.post(url, data=data, headers=headers, **kwargs)


def segments(work: Path, name: str = "sample") -> dict[str, Segment]:
    return {s.id: s for s in read_pair_file(work / f"{name}.xlf", validate=True)[0].segments}


# -- pages ------------------------------------------------------------------------------------
def test_workspace_lists_articles_with_progress_filter_and_sort(app, work):
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert 'data-name="sample"' in html and 'data-name="other"' in html and "not an article" not in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;title&#39;)" in html  # escaped title
    assert "reviewed 2" in html and "translated 1" in html and "initial 1" in html
    ready = client.get("/?show=ready").get_data(as_text=True)
    assert 'data-name="sample"' not in ready
    problems = client.get("/?show=problems&sort=violations").get_data(as_text=True)
    assert 'data-name="sample"' in problems and 'data-name="other"' not in problems  # one glossary violation
    found = client.get("/?q=OTH").get_data(as_text=True)
    assert 'data-name="other"' in found and 'data-name="sample"' not in found
    by_name = client.get("/?sort=name").get_data(as_text=True)
    assert by_name.index('data-name="other"') < by_name.index('data-name="sample"')


def test_article_page_shows_source_terms_draft_diff_candidates_and_escapes_everything(app):
    client = app.test_client()
    html = client.get("/a/sample").get_data(as_text=True)
    assert html.count('<section class="seg') == 4
    assert '<mark class="term" title="glossary: Poutine">Putin</mark>' in html
    assert "<del>Putin</del> <ins>Poutine</ins>" in html  # the MT -> target diff
    assert "glossary: “talks” must be “négociations”" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="approve"' in html  # reviewed segments offer approval
    assert "QA findings" not in html and "next-risky" not in html  # no QA provider: no column


def test_a_save_writes_the_pair_file_through_the_library_and_returns_the_row(app, work):
    client = app.test_client()
    token, versions = page_state(client)
    response = post(client, "/a/sample/s/s2", {"csrf_token": token, "version": versions["s2"],
                                               "target": "Personne n'a été blessé.\r\n", "action": "review"})
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["ok"] and data["state"] == "reviewed" and data["progress"]["reviewed"] == 3
    seg = segments(work)["s2"]
    assert (seg.target, seg.state, seg.origin, seg.edited_by) == ("Personne n'a été blessé.\n", "reviewed", "human", "desk")
    assert data["version"] == segment_version(seg) != versions["s2"]
    assert 'id="s2"' in data["html"] and "badge st-reviewed" in data["html"]


def test_without_javascript_a_save_redirects_back_to_the_segment(app, work):
    client = app.test_client()
    token, versions = page_state(client)
    response = post(client, "/a/sample/s/s3", {"csrf_token": token, "version": versions["s3"],
                                               "target": "Pas encore.", "action": "save"}, fetch=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("/a/sample#s3")
    assert (segments(work)["s3"].target, segments(work)["s3"].state) == ("Pas encore.", "translated")


def test_approval_records_the_editor_and_time_and_fills_the_memory(app, work):
    client = app.test_client()
    token, _ = page_state(client)
    assert post(client, "/editor", {"csrf_token": token, "editor": "chief  editor"}).get_json()["editor"] == "chief editor"
    token, versions = page_state(client)
    response = post(client, "/a/sample/s/s0", {"csrf_token": token, "version": versions["s0"], "action": "approve"})
    assert response.status_code == 200, response.get_data(as_text=True)
    seg = segments(work)["s0"]
    assert (seg.state, seg.approved_by) == ("final", "chief editor") and seg.approved_at
    assert "approved by <b>chief editor</b>" in response.get_json()["html"]
    from translate.pipeline.memory import TranslationMemory

    with TranslationMemory.open(work / "memory.sqlite") as tm:
        assert tm.exact("Putin met Biden.").author == "chief editor"
    # Back: final -> reviewed clears the approval.
    token, versions = page_state(client)
    assert post(client, "/a/sample/s/s0", {"csrf_token": token, "version": versions["s0"], "action": "back"}).status_code == 200
    seg = segments(work)["s0"]
    assert (seg.state, seg.approved_by, seg.approved_at) == ("reviewed", None, None)


def test_approve_all_reviewed_at_the_versions_shown(app, work):
    client = app.test_client()
    token, versions = page_state(client)
    data = {"csrf_token": token, "seg": [f"s0:{versions['s0']}", f"s1:{versions['s1']}"]}
    assert post(client, "/a/sample/approve", data).get_json()["progress"]["final"] == 2
    assert {s.state for i, s in segments(work).items() if i in ("s0", "s1")} == {"final"}


def test_a_stale_save_is_refused_with_both_texts_and_nothing_written(app, work):
    client, other = app.test_client(), app.test_client()
    token, versions = page_state(client)
    token2, versions2 = page_state(other)
    assert post(client, "/a/sample/s/s2", {"csrf_token": token, "version": versions["s2"],
                                           "target": "Le texte du premier.", "action": "save"}).status_code == 200
    before = snapshot(work)
    response = post(other, "/a/sample/s/s2", {"csrf_token": token2, "version": versions2["s2"],
                                              "target": "Le texte du second.", "action": "save"})
    assert response.status_code == 409
    data = response.get_json()
    assert data["conflicts"][0]["theirs"] == "Le texte du premier." and data["conflicts"][0]["yours"] == "Le texte du second."
    assert "Le texte du premier." in data["conflict_html"] and "Le texte du second." in data["conflict_html"]
    assert "by desk" in data["conflict_html"]
    assert snapshot(work) == before
    # Without JavaScript: a 409 page with both texts and a form to save "mine" at the new version.
    page = post(other, "/a/sample/s/s2", {"csrf_token": token2, "version": versions2["s2"],
                                          "target": "Le texte du second.", "action": "save"}, fetch=False)
    assert page.status_code == 409 and "Le texte du premier." in page.get_data(as_text=True)
    assert snapshot(work) == before
    # The second editor chooses theirs over mine deliberately, at the version the conflict gave.
    mine = post(other, "/a/sample/s/s2", {"csrf_token": token2, "version": data["conflicts"][0]["their_version"],
                                          "target": "Le texte du second.", "action": "save"})
    assert mine.status_code == 200 and segments(work)["s2"].target == "Le texte du second."


def test_a_save_keeps_what_a_cat_tool_saved_meanwhile_in_another_segment(app, work):
    client = app.test_client()
    token, versions = page_state(client)
    article, stamp = read_pair_file(work / "sample.xlf")  # a CAT tool saves s1 while the page is open
    cat = next(s for s in article.segments if s.id == "s1")
    cat.target, cat.origin = "Les négociations ont été longues.", "human"
    write_pair_file(work / "sample.xlf", article, stamp)
    assert post(client, "/a/sample/s/s2", {"csrf_token": token, "version": versions["s2"],
                                           "target": "Personne n'a été blessé.", "action": "save"}).status_code == 200
    segs = segments(work)
    assert segs["s1"].target == "Les négociations ont été longues." and segs["s2"].target == "Personne n'a été blessé."
    # The page's old version of s1 is now stale: a save of it is refused, not merged blindly.
    stale = post(client, "/a/sample/s/s1", {"csrf_token": token, "version": versions["s1"], "target": "x", "action": "save"})
    assert stale.status_code == 409


@pytest.mark.parametrize("case", ["no-csrf", "forged-csrf", "csrf-of-another-session", "unknown-article",
                                  "foreign-segment", "unknown-segment", "traversal", "pair-file-name",
                                  "stale-version", "unknown-action", "approve-unreviewed", "empty-confirm",
                                  "bad-host", "get-is-read-only", "too-large"])
def test_refused_writes_leave_every_file_byte_identical(app, work, case):
    client = app.test_client()
    token, versions = page_state(client)
    before = snapshot(work)
    good = {"csrf_token": token, "version": versions["s2"], "target": "Changé.", "action": "save"}
    url, data, kwargs, status = "/a/sample/s/s2", dict(good), {}, None
    if case == "no-csrf":
        data.pop("csrf_token"); status = 400
    elif case == "forged-csrf":
        data["csrf_token"] = token[:-4] + "AAAA"; status = 400
    elif case == "csrf-of-another-session":
        data["csrf_token"] = page_state(app.test_client())[0]; status = 400
    elif case == "unknown-article":
        url, status = "/a/nope/s/s2", 404
    elif case == "foreign-segment":
        url, status = "/a/sample/s/x0", 404  # a segment of the article "other"
    elif case == "unknown-segment":
        url, status = "/a/sample/s/s99", 404
    elif case == "traversal":
        url, status = "/a/..%2Fwork%2Fsample/s/s2", 404
    elif case == "pair-file-name":
        url, status = "/a/sample.xlf/s/s2", 404
    elif case == "stale-version":
        data["version"], status = versions["s1"], 409
    elif case == "unknown-action":
        data["action"], status = "delete", 422
    elif case == "approve-unreviewed":
        data["action"] = "approve"; data.pop("target"); status = 422
    elif case == "empty-confirm":
        data.update(target="  ", action="review"); status = 422
    elif case == "bad-host":
        kwargs["headers"] = {"Host": "attacker.example:8000", "X-Requested-With": "fetch"}; status = 403
    elif case == "get-is-read-only":
        response = client.get("/a/sample/s/s2", query_string=good)
        assert response.status_code == 200 and snapshot(work) == before
        return
    elif case == "too-large":
        data["target"], status = "x" * (2 << 20), 413
    response = client.post(url, data=data, **(kwargs or {"headers": {"X-Requested-With": "fetch"}}))
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]
    assert snapshot(work) == before


def test_an_article_busy_in_another_process_is_refused_and_unchanged(app, work):
    from translate.pipeline.article_lock import article_lock

    client = app.test_client()
    token, versions = page_state(client)
    before = snapshot(work)
    with article_lock(work, "sample"):
        response = post(client, "/a/sample/s/s2", {"csrf_token": token, "version": versions["s2"],
                                                   "target": "Changé.", "action": "save"})
    assert response.status_code == 423 and "still in the page" in response.get_json()["error"]
    assert snapshot(work) == before


def test_a_token_server_needs_the_token_on_every_request(work):
    app = make_app(work, token=TOKEN, loopback=False)
    client = app.test_client()
    before = snapshot(work)
    assert client.get("/").status_code == 401
    assert client.get("/a/sample").status_code == 401
    assert client.get("/?token=wrong-token-wrong-token").status_code == 401
    assert client.post("/a/sample/s/s2", data={"target": "x"}, headers={"X-Requested-With": "fetch"}).status_code == 401
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}", "Host": "review.example.org"}).status_code == 200
    first = client.get(f"/a/sample?token={TOKEN}")
    assert first.status_code == 303 and first.headers["Location"] == "/a/sample"  # the token leaves the address bar
    assert client.get("/a/sample").status_code == 200  # the session remembers it
    assert snapshot(work) == before


def test_security_headers_and_a_sandboxed_preview(app):
    client = app.test_client()
    response = client.get("/a/sample")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "HttpOnly" in response.headers.get("Set-Cookie", "") and "SameSite=Strict" in response.headers["Set-Cookie"]
    preview = client.get("/a/sample/preview")
    assert preview.status_code == 200 and preview.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "script-src" not in preview.headers["Content-Security-Policy"]
    assert b"Poutine a rencontr" in preview.data
    assert client.get("/static/review.js").status_code == 200


def test_publish_goes_through_the_gate_with_its_refusals_then_publishes(app, work):
    client = app.test_client()
    page = client.get("/a/sample/publish").get_data(as_text=True)
    assert "Not ready to publish" in page and "s3 (block 1, initial): no target" in page and "not final" in page
    token, versions = page_state(client)
    before = snapshot(work)
    refused = post(client, "/a/sample/publish", {"csrf_token": token})
    assert refused.status_code == 422 and any("not final" in line for line in refused.get_json()["lines"])
    assert snapshot(work) == before and not (work.parent / "fr").exists()
    for seg_id, text in (("s1", "Les négociations étaient longues."), ("s2", "Personne n'a été blessé."), ("s3", "Pas encore.")):
        token, versions = page_state(client)
        assert post(client, f"/a/sample/s/{seg_id}", {"csrf_token": token, "version": versions[seg_id], "target": text,
                                                      "action": "review"}).status_code == 200
    token, versions = page_state(client)
    assert post(client, "/a/sample/approve", {"csrf_token": token,
                                              "seg": [f"{i}:{v}" for i, v in versions.items()]}).status_code == 200
    assert "Ready: every check of the gate passes" in client.get("/a/sample/publish").get_data(as_text=True)
    done = post(client, "/a/sample/publish", {"csrf_token": token}, fetch=False)
    assert done.status_code == 200 and "Published" in done.get_data(as_text=True)
    page = (work.parent / "fr" / "sample.html").read_text("utf-8")
    assert "Les négociations étaient longues." in page and (work.parent / "index.json").is_file()


def test_the_real_qa_through_the_seam_shows_findings_and_holds_publishing_back(work):
    from translate.qa.config import QaConfig
    from translate.qa.gate import qa_check_for
    from translate.qa.review_hook import review_findings
    from translate.qa.workspace import waive

    app = make_app(work, findings=review_findings(), qa_gate=qa_check_for(QaConfig())[0])
    client = app.test_client()
    # "42" is in the French only: the QA's number-added error, on a segment approved anyway.
    for seg_id, text in (("s1", "Les négociations étaient longues."), ("s2", "Personne n'a été blessé, 42 fois."),
                         ("s3", "Pas encore.")):
        token, versions = page_state(client)
        assert post(client, f"/a/sample/s/{seg_id}", {"csrf_token": token, "version": versions[seg_id], "target": text,
                                                      "action": "review"}).status_code == 200
    token, versions = page_state(client)
    assert post(client, "/a/sample/approve", {"csrf_token": token,
                                              "seg": [f"{i}:{v}" for i, v in versions.items()]}).status_code == 200
    html = client.get("/a/sample").get_data(as_text=True)
    assert "QA findings" in html and "42" in html and "number-added" in html
    before = snapshot(work)
    refused = post(client, "/a/sample/publish", {"csrf_token": token})
    assert refused.status_code == 422 and any("the QA found" in line for line in refused.get_json()["lines"])
    assert snapshot(work) == before and not (work.parent / "fr").exists()
    assert "number-added" in client.get("/a/sample/publish").get_data(as_text=True)  # the preview's refusal
    waive("sample", work, segment="s2", check="number-added", by="desk", reason="the figure is in the wire copy")
    token, _ = page_state(client)
    done = post(client, "/a/sample/publish", {"csrf_token": token}, fetch=False)
    assert done.status_code == 200 and "Published" in done.get_data(as_text=True)


def test_findings_hook_adds_a_column_and_the_risk_order(work):
    def findings(article):
        return {"s2": SegmentFindings([FindingView("numbers", "error", "a number is missing")], risk=0.9, why="error: numbers")}

    app = make_app(work, findings=findings)
    html = app.test_client().get("/a/sample").get_data(as_text=True)
    assert "QA findings" in html and 'id="next-risky"' in html and "a number is missing" in html
    assert 'data-id="s2" data-version="' in html and 'data-risk="0.9"' in html
    workspace = app.test_client().get("/").get_data(as_text=True)
    assert "<th>QA</th>" in workspace


# -- the library under the app ------------------------------------------------------------------
def test_edit_rules():
    seg = Segment(id="a", source="Hello.", mt="Bonjour.", target="Bonjour.", state="final", origin="mt",
                  approved_by="x", approved_at="2026-01-01T00:00:00+00:00")
    version = segment_version(seg)
    assert apply_edit(seg, SegmentEdit("a", version, "save", "Salut."), by="ed", when="t")
    assert (seg.state, seg.origin, seg.approved_by, seg.edited_by) == ("translated", "human", None, "ed")  # approval was of the old text
    assert segment_version(seg) != version
    with pytest.raises(Exception, match="confirm it before approving"):
        apply_edit(seg, SegmentEdit("a", "", "approve"), by="ed", when="t")
    assert apply_edit(seg, SegmentEdit("a", "", "review"), by="ed", when="t") and seg.state == "reviewed"
    with pytest.raises(Exception, match="confirm the edit"):
        apply_edit(seg, SegmentEdit("a", "", "approve", "Autre."), by="ed", when="t")
    assert apply_edit(seg, SegmentEdit("a", "", "approve", "Salut."), by="chief", when="t2")
    assert (seg.state, seg.approved_by, seg.approved_at) == ("final", "chief", "t2")
    empty = Segment(id="b", source="Later.")
    assert not apply_edit(empty, SegmentEdit("b", "", "save", ""), by="ed", when="t") and empty.target is None


def test_edit_segments_is_all_or_nothing(work):
    article, _ = read_pair_file(work / "sample.xlf")
    versions = {s.id: segment_version(s) for s in article.segments}
    before = snapshot(work)
    with pytest.raises(SegmentConflict) as caught:
        edit_segments(work / "sample.xlf", work, "sample", [SegmentEdit("s0", versions["s0"], "save", "Un."),
                                                            SegmentEdit("s1", "0" * 16, "save", "Deux.")], by="ed")
    assert [c.segment_id for c in caught.value.conflicts] == ["s1"] and snapshot(work) == before


# -- the command --------------------------------------------------------------------------------
def test_serve_refuses_other_hosts_without_a_strong_token(work):
    runner = CliRunner()
    result = runner.invoke(main, ["review", "serve", "--workdir", str(work), "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2 and "give a token" in result.output
    result = runner.invoke(main, ["review", "serve", "--workdir", str(work), "--host", "0.0.0.0", "--token", "short"])
    assert result.exit_code == 2 and "at least 16 characters" in result.output
    result = runner.invoke(main, ["review", "serve", "--workdir", str(work / "missing")])
    assert result.exit_code == 2 and "no such workspace" in result.output


def test_serve_without_the_web_extra_says_how_to_install_it(work, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "flask", None)  # as if Flask were not installed
    result = CliRunner().invoke(main, ["review", "serve", "--workdir", str(work)])
    assert result.exit_code == 1 and "pip install 'translate-newsroom[web]'" in result.output
    assert "Traceback" not in result.output


def test_pages_are_strict_html5_and_a_broken_pair_file_is_listed_not_fatal(app, work):
    import html5lib

    (work / "broken.xlf").write_text("<xliff", "utf-8")
    client = app.test_client()
    workspace = client.get("/").get_data(as_text=True)
    assert 'data-name="broken"' in workspace and "cannot be read" in workspace
    assert client.get("/a/broken").status_code == 422
    token, versions = page_state(client)
    conflict = post(client, "/a/sample/s/s2", {"csrf_token": token, "version": versions["s1"], "target": "x"}, fetch=False)
    for page in (workspace, client.get("/a/sample").get_data(as_text=True),
                 client.get("/a/sample/publish").get_data(as_text=True), conflict.get_data(as_text=True),
                 client.get("/a/nope").get_data(as_text=True)):
        html5lib.HTMLParser(strict=True).parse(page)


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_the_editor_form_never_redirects_to_another_site(app, target):
    client = app.test_client()
    token, _ = page_state(client)
    response = post(client, "/editor", {"csrf_token": token, "editor": "desk", "next": target}, fetch=False)
    assert response.status_code == 303 and response.headers["Location"] == "/"
