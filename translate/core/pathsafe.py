"""Names from inputs that become file names: one check, so no input escapes the workspace.

A slug becomes ``<workdir>/<slug>.xlf``, ``.<slug>.lock`` and ``<out>/<slug>.html``. It comes from
an article's file name, a pair file's metadata or a CAT tool's ``original`` attribute, so it is
checked, not trusted: lower-case letters, digits, ``.``, ``_``, ``-`` (so no separators and no ``..``),
at most 120 characters, and not a name Windows reserves for a device (``con.xlf`` opens the
console there, even with an extension), since corpora travel between machines.
"""

from __future__ import annotations

import re
from pathlib import Path

from translate.core.errors import InputError

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
MAX_SLUG_CHARS = 120
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                             *(f"com{i}" for i in "123456789¹²³"), *(f"lpt{i}" for i in "123456789¹²³")})


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name files, or None when it can."""
    if not slug:
        return "it is empty"
    if len(slug) > MAX_SLUG_CHARS:
        return f"it is {len(slug)} characters long (at most {MAX_SLUG_CHARS})"
    if not SLUG_PATTERN.match(slug):
        return "only lower-case letters, digits, '.', '_' and '-' are allowed, starting with a letter or digit"
    if slug.split(".")[0] in WINDOWS_DEVICES:
        return f"{slug.split('.')[0]!r} is a device name on Windows (CON, NUL, COM1...) and cannot be a file there"
    return None


def check_slug(slug: str, origin: str) -> str:
    """``slug`` if it is safe as a file name; else :class:`InputError` naming ``origin``."""
    problem = slug_problem(slug)
    if problem:
        raise InputError(f"{origin}: {slug[:80]!r} cannot be used as an article slug: {problem}. "
                         "Rename the article file (letters, digits and '-').")
    return slug


def is_file(path) -> bool:
    """``Path.is_file`` that answers False instead of raising for a name the system cannot take
    (too long: ENAMETOOLONG), so a hostile argument gets our message, not a traceback."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False
