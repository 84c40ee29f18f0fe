"""MT backends behind one interface (:class:`translate.mt.engine.BatchEngine`), found by name.

The registry maps a name to ``"module.Class"``; the module is imported only when that backend
is asked for, so an optional backend costs nothing (and needs nothing installed) until used.
Every backend class has ``load(name_or_path, *, device, settings)`` and the engine interface:
``translate(texts)``, ``stamp()``, ``stats``, ``supports_logits_processors``.
"""

from __future__ import annotations

import importlib

from translate.core.errors import ModelError

BACKENDS: dict[str, str] = {
    "transformers": "translate.mt.engine.MarianEngine",
    "ctranslate2": "translate.mt.backends.ctranslate2.CTranslate2Engine",
}
DEFAULT_BACKEND = "transformers"


def backend_class(name: str):
    """The engine class registered under ``name`` (imported now), or a :class:`ModelError`."""
    try:
        target = BACKENDS[name]
    except KeyError:
        raise ModelError(f"--backend {name}: unknown backend. Known: {', '.join(sorted(BACKENDS))}.") from None
    module_name, _, class_name = target.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)


def load_backend(name: str, model: str, *, device: str | None = None, settings=None):
    """Load ``model`` with the backend ``name``."""
    return backend_class(name).load(model, device=device, settings=settings)
