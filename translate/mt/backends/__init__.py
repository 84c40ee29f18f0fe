"""MT backends behind one interface (:class:`translate.mt.engine.BatchEngine`), found by name.

The registry maps a name to ``"module.Class"``; the module is imported only when that backend
is asked for, so an optional backend costs nothing (and needs nothing installed) until used.
Every backend class has ``load(name_or_path, *, device, settings)`` and the engine interface:
``translate(texts)``, ``stamp()``, ``stats``, ``supports_logits_processors``.

``auto`` (the default) is decided by :func:`choose_backend`: CTranslate2 when its extra is
installed and a converted model exists (or translate.toml allows converting on first use),
else transformers.
"""

from __future__ import annotations

import importlib
import importlib.util

from translate.core.errors import ModelError
# Light: ctranslate2 itself is imported only when the backend loads.
from translate.mt.backends.ctranslate2 import (INSTALL_HINT, convert_model, converted_folder, default_output,
                                               default_quantization)

BACKENDS: dict[str, str] = {
    "transformers": "translate.mt.engine.MarianEngine",
    "ctranslate2": "translate.mt.backends.ctranslate2.CTranslate2Engine",
}
DEFAULT_BACKEND = "auto"


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


def choose_backend(requested: str, model: str, *, device: str | None = None, dtype: str = "auto",
                   compute_type: str = "auto", convert_allowed: bool = False,
                   on_progress=None) -> tuple[str, tuple[str, ...]]:
    """(backend name, reasons) for ``--backend requested``; ``auto`` is resolved here.

    With ``convert_allowed`` (translate.toml ``ctranslate2_convert = true``) a missing
    conversion is made now, into the cache, announced through ``on_progress(line)``.
    """
    if requested != "auto":
        if requested not in BACKENDS:
            raise ModelError(f"--backend {requested}: unknown backend. Known: auto, {', '.join(sorted(BACKENDS))}.")
        return requested, (f"--backend {requested} was asked for",)
    if dtype not in (None, "auto"):
        return "transformers", (f"--dtype {dtype} was asked for: a transformers precision",)
    wants_ct2 = compute_type not in (None, "auto")
    if device == "mps" and not wants_ct2:
        return "transformers", ("Apple MPS: CTranslate2 runs on CPU and CUDA only",)
    if importlib.util.find_spec("ctranslate2") is None:
        if wants_ct2:
            raise ModelError(f"--compute-type needs the ctranslate2 extra, which is not installed. Install it: {INSTALL_HINT}")
        return "transformers", ("the ctranslate2 extra is not installed (pip install \"translate-newsroom[ctranslate2]\")",)
    folder = converted_folder(model)
    if folder is not None:
        why = f"--compute-type {compute_type}" if wants_ct2 else "CTranslate2 is installed"
        return "ctranslate2", (f"{why} and the model is converted at {folder}",)
    if convert_allowed:
        quantization = default_quantization()
        target = default_output(model, quantization)
        if on_progress is not None:
            on_progress(f"Converting {model} for CTranslate2 ({quantization}, once) into {target} ...")
        convert_model(model, target, quantization=quantization)
        return "ctranslate2", (f"CTranslate2 is installed; the model was converted on first use into {target} "
                               "(translate.toml: ctranslate2_convert = true)",)
    if wants_ct2:
        raise ModelError(f"--compute-type {compute_type}: no CTranslate2 conversion of {model!r}. Make it first: "
                         f"translate model convert --model {model}   (or set ctranslate2_convert = true in translate.toml).")
    return "transformers", ("CTranslate2 is installed but the model is not converted (translate model convert, "
                            "or ctranslate2_convert = true in translate.toml, makes it the backend)",)
