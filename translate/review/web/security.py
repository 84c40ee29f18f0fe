"""Who may talk to the review app, and how every response protects the page.

* Bound to loopback (the default), requests must name a loopback host (``Host: 127.0.0.1``,
  ``localhost``, ``[::1]``): a web page elsewhere cannot reach the app by pointing a domain
  name at 127.0.0.1 (DNS rebinding).
* With a token (required for any other host), every request carries it: once as ``?token=`` (the
  app then keeps it in the session cookie and drops it from the address bar) or as
  ``Authorization: Bearer``. Tokens are compared in constant time.
* Every write is a POST with a CSRF token (Flask-WTF's CSRFProtect: in each form, and in the
  ``X-CSRFToken`` header of the page's own requests); the session cookie is HttpOnly and
  SameSite=Strict.
* Every response forbids framing by others, sniffing and inline scripts (Content-Security-Policy);
  the French preview is served sandboxed, with no scripts at all.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from urllib.parse import urlencode

MIN_TOKEN_LENGTH = 16
LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "::1"}

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
# The French page as it will be published: its own inline styles and remote images, never scripts.
PREVIEW_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; "
               "frame-ancestors 'self'")


def is_loopback(host: str) -> bool:
    """Is ``host`` (a bind address or a host name) on this machine only?"""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def request_host_name(host_header: str) -> str:
    """The host name of a ``Host`` header, without the port (``[::1]:8000`` -> ``::1``)."""
    value = (host_header or "").strip()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def token_ok(given: str | None, token: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def session_mark(token: str, secret: bytes) -> str:
    """What the session keeps once the token was given: not the token itself."""
    return hmac.new(secret, b"review-token:" + token.encode("utf-8"), hashlib.sha256).hexdigest()


def bearer(header: str | None) -> str | None:
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def without_token(path: str, args) -> str:
    """The URL the browser was sent to, without its ``token`` parameter."""
    rest = [(k, v) for k, v in args.items(multi=True) if k != "token"]
    return path + (f"?{urlencode(rest)}" if rest else "")


def check_token_strength(token: str) -> str | None:
    """A problem with ``token`` as a secret, or None."""
    if len(token) < MIN_TOKEN_LENGTH:
        return f"the token must be at least {MIN_TOKEN_LENGTH} characters long (for example `python -c \"import secrets; print(secrets.token_urlsafe())\"`)"
    if any(c.isspace() for c in token):
        return "the token must not contain spaces"
    return None


def security_headers(response, *, preview: bool = False):
    response.headers["Content-Security-Policy"] = PREVIEW_CSP if preview else PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers.setdefault("Cache-Control", "no-store")
    return response
