"""The publication manifest, ``corpus/index.json``: one entry per published article.

The English site reads it to give each article its "Read in French" link: an entry carries both
URLs, the published time, the sha256 of the pair file the French page was built from, and ready
snippets (the ``<link rel="alternate" hreflang="fr">`` for the English page's head and a visible
link). The file is written atomically with sorted keys, so the same state gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from translate.core.errors import InputError
from translate.core.fsio import atomic_write_bytes

MANIFEST_VERSION = 1


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path`` (an empty one if there is none); a damaged one is refused."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = None
    except PermissionError:
        raise InputError(f"{path}: permission denied. Make the manifest readable.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    return parse_manifest(data, path)


def parse_manifest(data: bytes | None, origin: Path | str) -> dict[str, Any]:
    """The manifest in ``data`` (None: there is none yet, an empty manifest)."""
    if data is None:
        return {"version": MANIFEST_VERSION, "articles": {}}
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{origin}: the publication manifest is not valid JSON ({exc}). Restore it from version "
            "control, or remove it to start a new one (every article then needs publishing again)."
        ) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("articles"), dict):
        raise InputError(f"{origin}: not a publication manifest (no \"articles\" object). Restore or remove it.")
    return manifest


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def with_entry(manifest: dict[str, Any], slug: str, entry: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``manifest`` with ``entry`` for ``slug`` (the manifest itself is not changed)."""
    articles = dict(manifest.get("articles", {}))
    articles[slug] = entry
    return {**manifest, "version": MANIFEST_VERSION, "articles": articles}


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    atomic_write_bytes(Path(path), manifest_bytes(manifest))
