"""The review app (Flask): configuration and the application factory.

Flask was chosen for a small server-rendered app: Jinja2 templates (already the project's
template engine, autoescaping everything), a test client, Flask-WTF's CSRF protection, signed
session cookies, and a production WSGI server (waitress, pure Python) to run it; no build step.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from translate.formats.exchange import current_user
from translate.review.web import routes
from translate.review.web.hooks import FindingsProvider, QaGate
from translate.review.web.workspace import Workspace


@dataclass
class WebConfig:
    workdir: Path
    glossary: Path | None = None  # the glossary the review's term checks and the publish gate use
    memory: Path | None = None  # translation memory; default <workdir>/memory.sqlite
    settings: Any = None  # translate.toml settings (publishing reads its [publish] table)
    editor: str = ""  # who edits and approves when the page has not been told a name
    token: str | None = None  # required from every request when set (always set off loopback)
    loopback: bool = True  # bound to loopback: requests must name a loopback host
    findings: FindingsProvider | None = None  # QA findings per segment (see hooks.py)
    qa_gate: QaGate | None = None  # the publish gate's QA: article -> one line per unwaived error (hooks.py)
    secret_key: bytes = field(default_factory=lambda: os.urandom(32))


def create_app(config: WebConfig):
    """A Flask app serving ``config.workdir``'s articles."""
    if not config.editor:
        config.editor = current_user()
    here = Path(__file__).parent
    app = Flask("translate.review.web", template_folder=str(here / "templates"), static_folder=str(here / "static"),
                static_url_path="/static")
    app.jinja_env.autoescape = True  # every template, whatever its name: targets come from people and models
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["when"] = _when
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_NAME="translate_review",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session (which ends with the server): an editor may take hours
        WTF_CSRF_SSL_STRICT=False,  # plain http on loopback; the token and SameSite cookies cover the rest
        MAX_CONTENT_LENGTH=1 << 20,
        SEND_FILE_MAX_AGE_DEFAULT=0,
    )
    app.before_request(routes.guard)  # first: Host and token before anything else, CSRF included
    CSRFProtect(app)
    app.extensions["translate_review"] = {
        "config": config,
        "workspace": Workspace(config.workdir, config.glossary, config.findings),
        "locks": {},  # one writer per article inside this server; the file lock covers other processes
        "locks_guard": threading.Lock(),
    }
    routes.register_routes(app)
    return app


def _when(value: str | None) -> str:
    """An ISO 8601 time as people read it: ``2026-12-02 18:00 UTC`` (the value itself if it is not one)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
