"""``translate review serve``: a local web app where editors review, post-edit and approve.

Needs the optional extra ``web`` (Flask, Flask-WTF, waitress). See app.py for the factory,
routes.py for the pages and writes, security.py for who may talk to it.
"""

from __future__ import annotations

MISSING_HINT = ("`translate review serve` needs the optional web extra (Flask, Flask-WTF, waitress): "
                "pip install 'translate-newsroom[web]' (in a clone: pip install -e '.[web]').")


def make_server(app, host: str, port: int, *, threads: int = 8):
    """A waitress server for ``app`` on ``host:port`` (port 0: a free one; see ``.effective_port``).
    ``.run()`` serves until ``.close()``."""
    from waitress.server import create_server  # lazy: extra `web`; MISSING_HINT is read without it

    return create_server(app, host=host, port=port, threads=threads, ident="translate-review",
                         clear_untrusted_proxy_headers=True)
