"""The CTranslate2 backend: the same Marian model, converted, run by CTranslate2's C++ decoder.

Optional (extra ``ctranslate2``). ``translate model convert`` writes the converted model (int8
on CPU, float16 on GPU) with the tokenizer files beside it; this backend loads that folder and
keeps the rest of the pipeline (splitting, de-duplication, length-sorted token-budget batches,
results in input order, output bounds, stamps) from :class:`translate.mt.engine.BatchEngine`.

Constrained decoding: CTranslate2's translator takes no logits processors, so
``supports_logits_processors`` is False. Glossary locking sends the segments its placeholder pass
leaves without a locked form to :meth:`CTranslate2Engine.constrained_engine`: the same model
loaded with transformers (from the folder or cached hub model the conversion recorded), on first
need only, for the constrained pass; only when that model is not available do they go to repair.
The cost (a second copy of the model in memory and its load time, once per run; see
bench/lock_paths.py --backend ctranslate2) is paid only by runs with such segments.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

from translate.core.public import model_label
from translate.mt.engine import (DEFAULT_MODEL, BatchEngine, EngineSettings, MarianEngine, _check_model_folder,
                                 _folder_fingerprint, _looks_like_path, _quiet_transformers, clean_output)
from translate.core.errors import ModelError
from translate.core.fsio import atomic_write_text

INSTALL_HINT = 'pip install "translate-newsroom[ctranslate2]"   (or: pip install ctranslate2)'
META_NAME = "translate-convert.json"
TOKENIZER_DIR = "tokenizer"
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json")
QUANTIZATIONS = ("int8", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32")


def import_ctranslate2():
    try:
        import ctranslate2
    except ImportError:
        raise ModelError(f"the ctranslate2 backend is an optional extra that is not installed. Install it: {INSTALL_HINT}") from None
    return ctranslate2


def cache_root() -> Path:
    return Path(os.environ.get("TRANSLATE_CACHE") or Path.home() / ".cache" / "translate") / "ct2"


def default_output(model: str, quantization: str) -> Path:
    """Where ``translate model convert`` puts the converted model unless told otherwise."""
    if _looks_like_path(model):
        folder = Path(model).expanduser().resolve()
        name = f"{folder.name}-{hashlib.sha256(str(folder).encode()).hexdigest()[:8]}"
    else:
        name = re.sub(r"[^A-Za-z0-9._-]+", "--", model)
    return cache_root() / f"{name}-{quantization}"


def default_quantization() -> str:
    """int8 on CPU, float16 when a CUDA card is there (what each runs fastest)."""
    try:
        import ctranslate2

        return "float16" if ctranslate2.get_cuda_device_count() > 0 else "int8"
    except Exception:  # noqa: BLE001 - no CUDA runtime: CPU
        return "int8"


def is_converted(folder: Path) -> bool:
    return (folder / "model.bin").is_file() and (folder / META_NAME).is_file()


def convert_model(model: str = DEFAULT_MODEL, output: Path | None = None, *, quantization: str | None = None,
                  force: bool = False) -> Path:
    """Convert the Marian ``model`` (hub id or folder) for CTranslate2; returns the folder."""
    ctranslate2 = import_ctranslate2()
    from ctranslate2.converters import TransformersConverter

    quantization = quantization or default_quantization()
    if quantization not in QUANTIZATIONS:
        raise ModelError(f"--quantization {quantization}: use one of {', '.join(QUANTIZATIONS)}.")
    source, revision = _local_source(model)
    output = Path(output) if output else default_output(model, quantization)
    if output.exists() and not force:
        if is_converted(output):
            raise ModelError(f"{output}: a converted model is already there. Use --force to convert again.")
        if any(output.iterdir()) if output.is_dir() else True:
            raise ModelError(f"{output}: exists and is not a converted model. Choose another --output.")
    _quiet_transformers()
    staging = output.with_name(f".{output.name}.converting")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        TransformersConverter(str(source)).convert(str(staging), quantization=quantization, force=True)
        (staging / TOKENIZER_DIR).mkdir()
        for name in TOKENIZER_FILES:
            if (source / name).is_file():
                shutil.copy2(source / name, staging / TOKENIZER_DIR / name)
        config = json.loads((source / "config.json").read_text("utf-8"))
        meta = {
            # A local folder is recorded by name (its fingerprint is the revision): no machine path.
            "model": model if not _looks_like_path(model) else model_label(str(Path(model).expanduser()), local=True),
            "model-revision": revision,
            "quantization": quantization,
            "ctranslate2": ctranslate2.__version__,
            "test-model": bool(config.get("translate_test_model", False)),
            "max_position_embeddings": int(config.get("max_position_embeddings", 512) or 512),
            # Where the original model lives on this machine, for locking's constrained pass; this
            # file stays in the local cache and never goes out with a pair file.
            "source-path": str(Path(model).expanduser().resolve()) if _looks_like_path(model) else "",
        }
        atomic_write_text(staging / META_NAME, json.dumps(meta, indent=2))
    except ModelError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception as exc:  # noqa: BLE001 - the converter raises many kinds; report one line
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelError(f"model {model!r} could not be converted for CTranslate2: {exc}") from None
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(output)  # whole or nothing: a half-converted folder is never left under the name
    return output


def _local_source(model: str) -> tuple[Path, str]:
    """A local folder holding ``model`` and its revision (folder fingerprint or hub commit)."""
    if _looks_like_path(model):
        folder = Path(model).expanduser()
        _check_model_folder(folder)
        return folder, _folder_fingerprint(folder)
    try:
        from huggingface_hub import snapshot_download  # lazy: heavy; only for a hub id

        folder = Path(snapshot_download(model, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached
        raise ModelError(
            f"model {model!r} is not in the local cache: run `translate model download --model {model}` "
            "first (needs internet once), or give --model a local folder."
        ) from None
    return folder, folder.name


class CTranslate2Engine(BatchEngine):
    """A converted Marian model run by ``ctranslate2.Translator``."""

    backend_name = "ctranslate2"
    supports_logits_processors = False

    def __init__(self, translator: Any, tokenizer: Any, meta: dict, *, folder: Path, device: str,
                 settings: EngineSettings | None = None) -> None:
        limit = int(meta.get("max_position_embeddings", 512))
        super().__init__(tokenizer, model_id=str(meta.get("model", folder)), revision=str(meta.get("model-revision", "unknown")),
                         device=device, settings=settings, is_test_model=bool(meta.get("test-model")),
                         model_limit=min(limit, int(getattr(tokenizer, "model_max_length", limit) or limit)),
                         max_output_tokens=limit - 1)
        self.translator = translator
        self.folder = folder
        self.meta = meta
        self._special_tokens = set(tokenizer.all_special_tokens)
        self._fallback: Any = None  # the transformers engine for constrained passes, loaded on first need
        self._fallback_error: str | None = None
        self.precision_name = str(translator.compute_type)
        # What tokenizer.decode does for a shared vocabulary, set once (decode sets it per call).
        tokenizer._decode_use_source_tokenizer = not getattr(tokenizer, "separate_vocabs", False)

    @classmethod
    def load(cls, name_or_path: str = DEFAULT_MODEL, *, device: str | None = None,
             settings: EngineSettings | None = None) -> "CTranslate2Engine":
        started = time.perf_counter()
        settings = settings or EngineSettings()
        ctranslate2 = import_ctranslate2()
        folder = find_converted(name_or_path)
        device = _pick_device(ctranslate2, device)
        ct2_device, _, index = device.partition(":")
        if settings.compute_type not in (None, "auto"):
            compute = settings.compute_type
        else:  # --dtype, when given, names the compute type; auto keeps what the conversion holds
            compute = {"auto": "default", "float32": "float32", "float16": "float16", "bfloat16": "bfloat16",
                       "int8": "int8"}[settings.dtype]
        # Like torch: OMP_NUM_THREADS when set, else one thread per core.
        threads = settings.threads or _omp_threads() or (os.cpu_count() or 1)
        try:
            translator = ctranslate2.Translator(
                str(folder), device=ct2_device, device_index=int(index or 0), compute_type=compute,
                intra_threads=threads if ct2_device == "cpu" else 0, inter_threads=1)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{folder}: CTranslate2 cannot load this model ({exc}). Convert it again with "
                             "`translate model convert --force`.") from None
        try:
            from transformers import MarianTokenizer

            _quiet_transformers()
            tokenizer = MarianTokenizer.from_pretrained(str(folder / TOKENIZER_DIR), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"{folder}: the tokenizer files are missing or broken ({exc}). Convert it again "
                             "with `translate model convert --force`.") from None
        meta = json.loads((folder / META_NAME).read_text("utf-8"))
        engine = cls(translator, tokenizer, meta, folder=folder, device=device, settings=settings)
        engine.precision_reasons = (
            f"converted with {meta.get('quantization', '?')} weights; compute type {compute} -> "
            f"{translator.compute_type} on {device}",)
        engine.stats.load_seconds = time.perf_counter() - started
        return engine

    def constrained_engine(self):
        """The transformers engine on the same model and device, for glossary locking's
        constrained pass; None (with :attr:`fallback_error` saying why) when the original model
        is not available here. Loaded once, on first call."""
        if self._fallback is not None or self._fallback_error is not None:
            return self._fallback
        source = str(self.meta.get("source-path") or self.meta.get("model", ""))
        started = time.perf_counter()
        try:
            self._fallback = MarianEngine.load(source, device=self.device, settings=self.settings)
        except ModelError as exc:
            self._fallback_error = f"the model {source!r} is not available to the transformers backend ({exc})"
            return None
        self.stats.fallback_load_seconds = time.perf_counter() - started
        return self._fallback

    @property
    def fallback_error(self) -> str | None:
        return self._fallback_error

    def _encode(self, text: str) -> list[str]:
        # CTranslate2 takes the pieces themselves: no round trip through ids.
        return self.tokenizer.convert_ids_to_tokens(self._encode_ids(text))

    def _generate(self, batch: list[list[str]], sources: list[str], processors=None) -> list[tuple[str, bool, int]]:
        limits = [self.output_limit(len(pieces)) for pieces in batch]
        options: dict[str, Any] = {}
        if self.settings.min_new_tokens:
            options["min_decoding_length"] = self.settings.min_new_tokens
        results = self.translator.translate_batch(
            batch, beam_size=max(1, self.settings.beam_size), max_decoding_length=max(limits),
            max_input_length=0, return_scores=True, **options)
        out = []
        special = self._special_tokens
        for result, limit, source in zip(results, limits, sources):
            # CTranslate2 bounds the batch as a whole; the per-sentence bound is applied here.
            produced = [p for p in result.hypotheses[0] if p not in special]
            pieces = produced[:limit]
            text = clean_output(self.tokenizer.convert_tokens_to_string(pieces)) if pieces else ""
            out.append((text, len(pieces) >= limit, len(pieces)))
            # The model's confidence (QA's mt-logprob): CTranslate2's score is the hypothesis's
            # log-probability per token, as the transformers engine records it; none for an output
            # cut at the per-sentence bound (the score would be that of text not delivered).
            score = result.scores[0] if result.scores else None
            self._logprobs[source] = (float(score) if score is not None and len(produced) <= limit
                                      and score == score else None)
        self.stats.batches += 1
        self.stats.source_tokens += sum(len(pieces) for pieces in batch)
        self.stats.target_tokens += sum(n for _, _, n in out)
        return out

    def stamp(self) -> dict[str, str]:
        stamp = super().stamp()
        stamp["backend"] = "ctranslate2"
        stamp["ctranslate2"] = str(self.meta.get("ctranslate2", ""))
        stamp["compute-type"] = str(self.translator.compute_type)
        return stamp


def _omp_threads() -> int:
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() else 0


def _pick_device(ctranslate2, requested: str | None) -> str:
    """auto: CUDA when CTranslate2 sees a card, else CPU (no torch import: it is not needed here)."""
    cards = ctranslate2.get_cuda_device_count()
    if not requested or requested == "auto":
        return "cuda" if cards > 0 else "cpu"
    if requested == "mps":
        return "cpu"  # CTranslate2 runs on CPU or CUDA only
    if requested.startswith("cuda") and cards == 0:
        raise ModelError(f"--device {requested}: CTranslate2 sees no CUDA card here. Use --device cpu or auto.")
    if not (requested == "cpu" or requested.startswith("cuda")):
        raise ModelError(f"--device {requested}: unknown device. Use auto, cpu, cuda or cuda:N.")
    return requested


def converted_folder(name_or_path: str) -> Path | None:
    """The converted folder for ``name_or_path`` (the folder itself, or its default conversion), or None."""
    given = Path(name_or_path).expanduser()
    if is_converted(given):
        return given
    for folder in [default_output(name_or_path, q) for q in (default_quantization(), *QUANTIZATIONS)]:
        if is_converted(folder):
            return folder
    return None


def find_converted(name_or_path: str) -> Path:
    """The converted folder for ``name_or_path``: the folder itself, or its default conversion."""
    found = converted_folder(name_or_path)
    if found is not None:
        return found
    candidates = [default_output(name_or_path, default_quantization())]
    raise ModelError(
        f"no CTranslate2 conversion of {name_or_path!r} found (looked in {candidates[0]}). "
        f"Make it first: translate model convert --model {name_or_path}   "
        "(or point --model at a converted folder)."
    )
