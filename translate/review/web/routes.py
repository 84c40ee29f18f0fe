"""The review app's pages and writes. Thin: every write is a library call (translate/review/edit.py,
translate/review/approve.py, translate/publish/publisher.py), so the app keeps the CLI's guarantees."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any

from flask import Flask, abort, current_app, g, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from translate.core.config import Settings
from translate.core.errors import ArticleBusy, InputError, TranslateError
from translate.publish.publisher import (
    PublishRefused,
    glossary_check_for,
    preview_pair_file,
    publish_config,
    publish_pair_file,
)
from translate.review.diffs import marked_source
from translate.review.edit import ACTIONS, SegmentConflict, SegmentEdit, UnknownSegment, edit_segments
from translate.review.web import security
from translate.review.web.workspace import FILTERS, SORTS, ArticleView, select

MAX_EDITOR_NAME = 64


def register_routes(app: Flask) -> None:
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(404, lambda exc: _fail(404, "No such page. Articles are listed on the workspace page."))
    app.register_error_handler(405, lambda exc: _fail(405, "This address does not take that method."))
    app.register_error_handler(413, lambda exc: _fail(413, "The request is too large (1 MB at most)."))
    app.add_url_rule("/", "workspace", workspace_page)
    app.add_url_rule("/editor", "editor", set_editor, methods=["POST"])
    app.add_url_rule("/a/<name>", "article", article_page)
    app.add_url_rule("/a/<name>/s/<seg_id>", "segment", segment_row)
    app.add_url_rule("/a/<name>/s/<seg_id>", "edit", edit_segment, methods=["POST"])
    app.add_url_rule("/a/<name>/approve", "approve", approve_reviewed, methods=["POST"])
    app.add_url_rule("/a/<name>/publish", "publish_page", publish_page)
    app.add_url_rule("/a/<name>/preview", "preview", preview_page)
    app.add_url_rule("/a/<name>/publish", "publish", publish, methods=["POST"])


# -- plumbing ------------------------------------------------------------------------------------
def _state() -> dict[str, Any]:
    return current_app.extensions["translate_review"]


def _config():
    return _state()["config"]


def _workspace():
    return _state()["workspace"]


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or request.accept_mimetypes.best == "application/json"


def _fail(status: int, message: str, **extra: Any):
    """A clear 4xx/5xx: JSON for the page's own requests, else an HTML page."""
    if _wants_json():
        response = jsonify({"ok": False, "error": message, **extra})
    else:
        response = make_response(render_template("error.html", status=status, message=message, **extra))
    response.status_code = status
    return response


def _editor() -> str:
    return session.get("editor") or _config().editor


def _pair(name: str):
    """The pair file of article ``name``: only a name from the workspace listing reaches a file."""
    path = _workspace().path(name)
    if path is None:
        abort(_fail(404, f"No article {name!r} in the workspace {_config().workdir}."))
    return path


@contextmanager
def _writer(name: str):
    """One write at a time per article inside this server (threads); the article's file lock,
    taken by the library, keeps other processes out."""
    state = _state()
    with state["locks_guard"]:
        lock = state["locks"].setdefault(name, threading.Lock())
    with lock:
        yield


def guard():
    """Host and token checks, before every request (registered ahead of the CSRF check)."""
    config = _config()
    if config.loopback and not security.is_loopback(security.request_host_name(request.host)):
        return _fail(403, f"Host {request.host!r} refused: this server answers on loopback only "
                          "(open it as http://127.0.0.1:PORT/).")
    if config.token:
        mark = security.session_mark(config.token, config.secret_key)
        if session.get("auth") == mark:
            return None
        if security.token_ok(security.bearer(request.headers.get("Authorization")), config.token):
            return None
        if security.token_ok(request.args.get("token"), config.token):
            session["auth"] = mark
            if request.method == "GET":
                return redirect(security.without_token(request.path, request.args), 303)
            return None
        return _fail(401, "This review server needs its access token: open the address `translate review serve` "
                          "printed (it ends in ?token=...), or send `Authorization: Bearer TOKEN`.")
    return None


def _headers(response):
    return security.security_headers(response, preview=g.get("preview", False))


def _csrf_failed(exc):
    return _fail(400, f"The form was refused ({exc.description}): it is stale or did not come from this page. "
                      "Reload the page and try again; nothing was changed.")


# -- pages ---------------------------------------------------------------------------------------
def workspace_page():
    text = request.args.get("q", "")
    show = request.args.get("show", "all")
    sort = request.args.get("sort", "name")
    show = show if show in FILTERS else "all"
    sort = sort if sort in SORTS else "name"
    rows = _workspace().summaries()
    shown = select(rows, text=text, show=show, sort=sort)
    return render_template("workspace.html", rows=shown, total=len(rows), q=text, show=show, sort=sort,
                           filters=FILTERS, sorts=list(SORTS), config=_config(), editor=_editor(),
                           qa=_config().findings is not None)


def set_editor():
    name = " ".join((request.form.get("editor") or "").split())
    if not name or len(name) > MAX_EDITOR_NAME or not name.isprintable():
        return _fail(422, f"An editor name is 1 to {MAX_EDITOR_NAME} printable characters.")
    session["editor"] = name
    if _wants_json():
        return jsonify({"ok": True, "editor": name})
    back = request.form.get("next") or ""
    local = back.startswith("/") and not back.startswith(("//", "/\\")) and "\\" not in back  # never another site
    return redirect(back if local else url_for("workspace"), 303)


def _rows(view: ArticleView) -> list[dict[str, Any]]:
    return [_row(view, item, number) for number, item in enumerate(view.review.segments, 1)]


def _row(view: ArticleView, item, number: int) -> dict[str, Any]:
    seg = item.segment
    findings = None if view.findings is None else view.findings.get(seg.id)
    return {
        "seg": seg,
        "item": item,
        "number": number,
        "version": view.versions[seg.id],
        "source_html": marked_source(seg),
        "hter": "n/a" if item.hter is None else f"{item.hter * 100:.0f}%",
        "findings": findings,
        "risk": findings.risk if findings is not None else 0.0,
    }


def _progress(view: ArticleView) -> dict[str, Any]:
    states = view.states
    return {"total": len(view.article.segments), **{s: states.get(s, 0) for s in ("initial", "translated", "reviewed", "final")},
            "hter": "n/a" if view.review.hter is None else f"{view.review.hter * 100:.1f}%",
            "violations": view.review.violations}


def article_page(name: str):
    path = _pair(name)
    try:
        view = _workspace().view(name, path)
    except TranslateError as exc:
        return _fail(422, str(exc))
    return render_template("article.html", view=view, rows=_rows(view), progress=_progress(view), name=name,
                           editor=_editor(), qa=view.findings is not None)


def _segment_view(name: str, seg_id: str):
    view = _workspace().view(name, _pair(name))
    for number, item in enumerate(view.review.segments, 1):
        if item.segment.id == seg_id:
            return view, item, number
    abort(_fail(404, f"No segment {seg_id!r} in article {name!r}. Nothing was changed."))


def segment_row(name: str, seg_id: str):
    """One segment's row as it is on disk now (the page reloads a row after a conflict)."""
    view, item, number = _segment_view(name, seg_id)
    row = _row(view, item, number)
    html = render_template("_row.html", row=row, name=name, qa=view.findings is not None)
    if _wants_json():
        return jsonify({"ok": True, "html": html, "version": row["version"], "state": item.segment.state,
                        "progress": _progress(view)})
    return html


def _write(name: str, edits: list[SegmentEdit]):
    """Run ``edits`` through the library; a response when refused, else None."""
    config = _config()
    try:
        with _writer(name):
            report = edit_segments(_pair(name), config.workdir, name, edits, by=_editor(), memory=config.memory)
    except UnknownSegment as exc:
        return _fail(404, str(exc))
    except SegmentConflict as exc:
        return _conflict(name, exc, edits)
    except ArticleBusy as exc:
        return _fail(423, f"{exc} Your text is still in the page.")
    except InputError as exc:
        return _fail(422, str(exc))
    except TranslateError as exc:
        return _fail(500, str(exc))
    g.warning = report.warning
    return None


def _conflict(name: str, exc: SegmentConflict, edits: list[SegmentEdit]):
    actions = {e.segment_id: e.action for e in edits}
    conflicts = [{"c": c, "action": actions.get(c.segment_id, "save")} for c in exc.conflicts]
    if _wants_json():
        html = render_template("_conflict.html", conflicts=conflicts, name=name)
        response = jsonify({"ok": False, "error": str(exc), "conflict_html": html,
                            "conflicts": [{"segment": c.segment_id, "theirs": c.theirs, "their_state": c.their_state,
                                           "their_version": c.their_version, "yours": c.yours} for c in exc.conflicts]})
        response.status_code = 409
        return response
    response = make_response(render_template("conflict.html", conflicts=conflicts, name=name, message=str(exc),
                                             editor=_editor()))
    response.status_code = 409
    return response


def edit_segment(name: str, seg_id: str):
    _pair(name)
    action = request.form.get("action", "save")
    if action not in ACTIONS:
        return _fail(422, f"Unknown action {action!r}; nothing was changed.")
    edit = SegmentEdit(segment_id=seg_id, version=request.form.get("version", ""), action=action,
                       target=request.form.get("target"))
    refused = _write(name, [edit])
    if refused is not None:
        return refused
    if _wants_json():
        response = segment_row(name, seg_id)
        if g.get("warning"):
            data = response.get_json()
            data["warning"] = g.warning
            response = jsonify(data)
        return response
    return redirect(url_for("article", name=name, _anchor=seg_id), 303)


def approve_reviewed(name: str):
    """Approve the reviewed segments the page showed, each at the version the page showed."""
    edits = []
    for value in request.form.getlist("seg"):
        seg_id, _, version = value.partition(":")
        edits.append(SegmentEdit(segment_id=seg_id, version=version, action="approve"))
    if not edits:
        return _fail(422, "No reviewed segment to approve: confirm segments first (Ctrl+Enter).")
    refused = _write(name, edits)
    if refused is not None:
        return refused
    if _wants_json():
        view = _workspace().view(name, _pair(name))
        return jsonify({"ok": True, "approved": len(edits), "progress": _progress(view), "warning": g.get("warning")})
    return redirect(url_for("article", name=name), 303)


# -- preview and publish ---------------------------------------------------------------------
def _publish_setup(draft: bool):
    config = _config()
    publish = publish_config(config.settings or Settings())
    publish.draft = draft
    check, label = glossary_check_for(config.glossary)
    # The QA part of the gate comes in through the app's settings, like the findings (hooks.py).
    return publish, {"glossary_check": check, "glossary_label": label, "qa_check": config.qa_gate,
                     "qa_label": "" if config.qa_gate is not None else "not checked"}


def publish_page(name: str):
    path = _pair(name)
    draft = request.args.get("draft") == "1"
    try:
        publish, checks = _publish_setup(draft)
        preview = preview_pair_file(path, publish, **checks)
    except TranslateError as exc:
        return _fail(422, str(exc))
    return render_template("publish.html", name=name, preview=preview, draft=draft, out=publish.out,
                           refusal=(preview.refusal or "").splitlines(), editor=_editor(), result=None)


def preview_page(name: str):
    path = _pair(name)
    try:
        publish, checks = _publish_setup(request.args.get("draft") == "1")
        preview = preview_pair_file(path, publish, **checks)
    except TranslateError as exc:
        return _fail(422, str(exc))
    g.preview = True  # sandboxed: the page's own styles, no scripts
    response = make_response(preview.page)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def publish(name: str):
    path = _pair(name)
    draft = request.form.get("draft") == "1"
    try:
        config, checks = _publish_setup(draft)
        result = publish_pair_file(path, config, **checks)
    except PublishRefused as exc:
        return _fail(422, "Publishing was refused.", lines=str(exc).splitlines())
    except TranslateError as exc:
        return _fail(422, str(exc))
    if _wants_json():
        return jsonify({"ok": True, "status": result.status, "path": str(result.path), "changed": result.changed,
                        "warnings": result.warnings})
    return render_template("published.html", name=name, result=result, editor=_editor())
