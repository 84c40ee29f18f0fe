"""What may leave the workspace: names, never paths of this machine.

Files handed to translators (exports, pair files sent out) record which model produced a draft
and where an article came from. A local folder such as ``/home/desk/models/opus`` says nothing
to a translator and tells anyone who reads the file about this machine, so such values go out as
a name (the folder's, or the hub id of a hub cache snapshot); the model's content fingerprint
(``model-revision``) is what identifies it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath

_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def is_machine_path(value: str) -> bool:
    """Whether ``value`` names a place on this machine rather than something portable: absolute,
    home-relative, climbing out with ``..``, or a Windows path."""
    value = value.strip()
    if not value:
        return False
    if value.startswith(("/", "~")) or _WINDOWS_ABSOLUTE.match(value) or "\\" in value:
        return True
    return ".." in PurePosixPath(value).parts


def _last_name(value: str) -> str:
    parts = [p for p in re.split(r"[\\/]+", value.strip()) if p and p not in (".", "..", "~")]
    return parts[-1] if parts else ""


def model_label(name_or_path: str, *, local: bool | None = None) -> str:
    """The model's public name: a hub id as given; for a local folder, the hub id when it is a hub
    cache snapshot (``models--org--name/snapshots/<commit>``), else the folder's own name."""
    if local is None:
        local = is_machine_path(name_or_path) or name_or_path.startswith(".")
    if not local:
        return name_or_path
    parts = [p for p in re.split(r"[\\/]+", name_or_path.strip()) if p]
    if len(parts) >= 3 and parts[-2] == "snapshots" and parts[-3].startswith("models--"):
        return parts[-3][len("models--"):].replace("--", "/")
    return _last_name(name_or_path) or "local-model"


def public_stamp(stamp: dict[str, str]) -> dict[str, str]:
    """``stamp`` with any machine path (a pair file written by an older version) made a name."""
    out = dict(stamp)
    for key, value in stamp.items():
        if isinstance(value, str) and is_machine_path(value):
            out[key] = model_label(value, local=True) if key == "model" else _last_name(value)
        elif isinstance(value, str):
            out[key] = scrub(value)
    return out


# An absolute POSIX or home path, or a Windows drive path, inside a longer value ("memory:tmx:/x/y.tmx").
_EMBEDDED_PATH = re.compile(r"(?:(?<=^)|(?<=[:\s=(]))(?:~?/(?!/)|[A-Za-z]:[\\/])[^\s:;,)]*")


def scrub(text: str) -> str:
    """``text`` with every machine path in it replaced by its last name."""
    return _EMBEDDED_PATH.sub(lambda m: _last_name(m.group(0)) or "local", text)


def public_source(path: str | None) -> str | None:
    """An article's source path as it may go out: a portable relative path as is, else its file name."""
    if path is None:
        return None
    text = str(path)
    if is_machine_path(text):
        return PureWindowsPath(text).name if "\\" in text else _last_name(text)
    return text
