"""The MarianMT engine: model loading, device choice, length-sorted batching under a token budget.

An :class:`MarianEngine` is created by the caller and passed down; nothing here is global.
``torch`` and ``transformers`` are imported only when an engine is loaded, so the CLI starts fast.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .errors import ModelError
from .longsplit import split_to_fit

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-en-fr"

# Flags a translation may carry; they reach the pair file as notes for the post-editor.
FLAG_SPLIT = "split-long"  # the segment was over the model's input limit: translated in parts
FLAG_CAPPED = "length-capped"  # generation hit the output bound (a degenerate or looping output)


# Extension point for constrained decoding (translate/lock.py): called once per batch with the
# batch's source texts (in row order), the beam count and each row's output-token limit; returns
# extra logits processors for that batch's ``generate`` (rows are text-major: row // beams).
LogitsHook = Callable[[list[str], int, list[int]], Sequence[Any]]


@dataclass
class EngineSettings:
    beam_size: int = 4
    # Budget of padded source tokens per batch; beams multiply the work, so it is divided by
    # the beam size when batches are built.
    max_batch_tokens: int = 8192
    max_batch_size: int = 64
    # Output bound: at most ratio * source tokens + slack target tokens (French runs ~1.2x).
    length_ratio: float = 2.0
    length_slack: int = 10
    max_input_tokens: int | None = None  # default: the model's own limit
    dtype: str = "auto"  # auto: float16 on CUDA/MPS, float32 on CPU; or float32/float16/bfloat16


@dataclass
class Translation:
    text: str
    flags: list[str] = field(default_factory=list)
    target_tokens: int = 0  # tokens generated (before decoding), over all parts


@dataclass
class EngineStats:
    load_seconds: float = 0.0
    translate_seconds: float = 0.0
    source_tokens: int = 0
    target_tokens: int = 0
    batches: int = 0


def pick_device(requested: str | None = None) -> str:
    """``auto`` (or None) picks CUDA, then Apple MPS, then CPU; anything else is used as given."""
    import torch

    if requested and requested != "auto":
        if requested.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError(f"--device {requested}: CUDA is not available on this machine. Use --device cpu or auto.")
        if requested == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
            raise ModelError("--device mps: Apple MPS is not available on this machine. Use --device cpu or auto.")
        if not (requested == "cpu" or requested == "mps" or requested.startswith("cuda")):
            raise ModelError(f"--device {requested}: unknown device. Use auto, cpu, cuda, cuda:N or mps.")
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _looks_like_path(name: str) -> bool:
    # A hub id is "org/name" (or a bare name); anything with a path flavour is a folder.
    return (
        name.startswith((".", "/", "~"))
        or os.sep in name.strip("/").replace("/", "", 1)
        or (os.altsep is not None and os.altsep in name)
        or Path(name).exists()
    )


def _hub_reachable(timeout: float = 5.0) -> tuple[bool, str]:
    if os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or os.environ.get("TRANSFORMERS_OFFLINE", "") not in ("", "0"):
        return False, "offline mode is set (HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE)"
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    try:
        request = urllib.request.Request(f"{endpoint}/api/models", method="HEAD")
        urllib.request.urlopen(request, timeout=timeout).close()
    except urllib.error.HTTPError:
        return True, ""  # the server answered: reachable
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"{endpoint} cannot be reached ({reason})"
    return True, ""


class MarianEngine:
    """A loaded Marian model with its tokenizer, on one device."""

    def __init__(self, model: Any, tokenizer: Any, *, model_id: str, revision: str, device: str,
                 settings: EngineSettings | None = None, is_test_model: bool = False) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.revision = revision
        self.device = device
        self.settings = settings or EngineSettings()
        self.is_test_model = is_test_model
        self.stats = EngineStats()
        config = model.config
        model_limit = min(
            int(getattr(config, "max_position_embeddings", 512) or 512),
            int(getattr(tokenizer, "model_max_length", 512) or 512),
        )
        self.max_input_tokens = min(self.settings.max_input_tokens or model_limit, model_limit)
        self.max_output_tokens = int(getattr(config, "max_position_embeddings", 512) or 512) - 1

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, name_or_path: str = DEFAULT_MODEL, *, device: str | None = None,
             settings: EngineSettings | None = None, revision: str | None = None) -> "MarianEngine":
        """Load a Marian model by hub id or from a local folder, or raise :class:`ModelError`."""
        started = time.perf_counter()
        settings = settings or EngineSettings()
        try:
            import torch  # noqa: F401
            from transformers import MarianMTModel, MarianTokenizer
        except ImportError as exc:  # pragma: no cover - broken install
            raise ModelError(f"the MT libraries are not installed ({exc}). Run: pip install -e .") from None
        device = pick_device(device)
        _quiet_transformers()
        dtype = _resolve_dtype(settings.dtype, device)

        if _looks_like_path(name_or_path):
            folder = Path(name_or_path).expanduser()
            _check_model_folder(folder)
            source, kwargs, model_id = str(folder), {"local_files_only": True}, str(folder)
        else:
            source, model_id = name_or_path, name_or_path
            kwargs = {"revision": revision} if revision else {}
            if _in_hub_cache(name_or_path, kwargs):
                kwargs["local_files_only"] = True  # cached: no network round trip, no retries
            else:
                reachable, why = _hub_reachable()
                if not reachable:
                    raise ModelError(
                        f"model {name_or_path!r}: not in the local cache, and the hub is not reachable: {why}. "
                        "Either run once with internet access to download it (or `translate model download`), "
                        "or point --model at a local folder holding a Marian model."
                    )
        try:
            tokenizer = MarianTokenizer.from_pretrained(source, **kwargs)
            model = MarianMTModel.from_pretrained(source, dtype=dtype, **kwargs)
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(
                f"model {name_or_path!r} could not be loaded as a Marian model: {first}. "
                "Check the hub id, or that --model points at a folder written by save_pretrained "
                "(config.json, weights, source.spm, target.spm, vocab.json)."
            ) from None
        model.to(device)
        model.eval()
        is_test = bool(getattr(model.config, "translate_test_model", False))
        if source == model_id and not _looks_like_path(name_or_path):
            rev = getattr(model.config, "_commit_hash", None) or revision or "unknown"
        else:
            rev = _folder_fingerprint(Path(source))
        engine = cls(model, tokenizer, model_id=model_id, revision=str(rev), device=device,
                     settings=settings, is_test_model=is_test)
        engine.stats.load_seconds = time.perf_counter() - started
        return engine

    # ------------------------------------------------------------------ translating
    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def translate(self, texts: Sequence[str], *, logits_hook: LogitsHook | None = None) -> list[Translation]:
        """Translate ``texts``; results come back in input order, one per input.

        Identical texts are translated once. A text over the model's input limit is split (see
        :mod:`translate.longsplit`), its parts translated and joined, and it is flagged.
        ``logits_hook`` is the extension point for constrained decoding (see :data:`LogitsHook`).
        """
        started = time.perf_counter()
        pieces: dict[str, list[int]] = {}
        plans: list[tuple[list[str], list[str], list[str]]] = []  # (pieces, separators, flags)
        limit = self.max_input_tokens
        for text in texts:
            flags: list[str] = []
            if not text.strip():
                plans.append(([], [], flags))
                continue
            spans = split_to_fit(text, lambda s: self.count_tokens(s) <= limit)
            parts = [text[a:b] for a, b in spans]
            seps = [(" " if text[spans[i][1]:spans[i + 1][0]] else "") for i in range(len(spans) - 1)]
            if len(parts) > 1:
                flags.append(FLAG_SPLIT)
            plans.append((parts, seps, flags))
            for part in parts:
                pieces.setdefault(part, [])
        results = self._translate_unique(list(pieces), logits_hook)
        out = []
        for parts, seps, flags in plans:
            texts_out, part_flags, produced = [], list(flags), 0
            for i, part in enumerate(parts):
                translated, capped, n_tokens = results[part]
                produced += n_tokens
                texts_out.append(translated)
                if i < len(seps):
                    texts_out.append(seps[i])
                if capped and FLAG_CAPPED not in part_flags:
                    part_flags.append(FLAG_CAPPED)
            out.append(Translation(text="".join(texts_out), flags=part_flags, target_tokens=produced))
        self.stats.translate_seconds += time.perf_counter() - started
        return out

    def _translate_unique(self, texts: list[str], logits_hook: LogitsHook | None = None) -> dict[str, tuple[str, bool, int]]:
        if not texts:
            return {}
        encoded = [self.tokenizer(t, add_special_tokens=True)["input_ids"] for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]), reverse=True)
        results: dict[str, tuple[str, bool, int]] = {}
        for batch in self._batches(order, encoded):
            hook = (lambda beams, limits: logits_hook([texts[i] for i in batch], beams, limits)) if logits_hook else None
            outputs = self._generate([encoded[i] for i in batch], hook)
            for i, output in zip(batch, outputs):
                results[texts[i]] = output
        return results

    def _batches(self, order: list[int], encoded: list[list[int]]) -> list[list[int]]:
        budget = max(1, self.settings.max_batch_tokens // max(1, self.settings.beam_size))
        batches: list[list[int]] = []
        current: list[int] = []
        width = 0
        for i in order:
            n = len(encoded[i])
            new_width = max(width, n)
            if current and (new_width * (len(current) + 1) > budget or len(current) >= self.settings.max_batch_size):
                batches.append(current)
                current, new_width = [], n
            current.append(i)
            width = new_width
        if current:
            batches.append(current)
        return batches

    def output_limit(self, source_tokens: int) -> int:
        """Most target tokens allowed for a source of ``source_tokens`` tokens."""
        bound = math.ceil(self.settings.length_ratio * source_tokens + self.settings.length_slack)
        return max(1, min(bound, self.max_output_tokens - 1))

    def _generate(self, batch: list[list[int]], hook=None) -> list[tuple[str, bool, int]]:
        import torch
        from transformers import LogitsProcessorList

        pad = self.tokenizer.pad_token_id
        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention[row, : len(ids)] = 1
        limits = [self.output_limit(len(ids)) for ids in batch]
        beams = max(1, self.settings.beam_size)
        processor = _PerRowLengthLimit(limits, beams, self.model.config.eos_token_id)
        # Extra processors run first, so the per-row length limit always has the last word.
        extra = list(hook(beams, limits)) if hook else []
        with torch.inference_mode():
            generated = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                num_beams=beams,
                do_sample=False,
                max_new_tokens=max(limits) + 1,
                logits_processor=LogitsProcessorList([*extra, processor]),
            )
        generated = generated.cpu()
        special = set(self.tokenizer.all_special_ids)
        out = []
        for row, limit in enumerate(limits):
            tokens = [t for t in generated[row].tolist() if t not in special]
            capped = len(tokens) >= limit
            text = clean_output(self.tokenizer.decode(tokens, skip_special_tokens=True))
            out.append((text, capped, len(tokens)))
        self.stats.batches += 1
        self.stats.source_tokens += sum(len(ids) for ids in batch)
        self.stats.target_tokens += sum(int((generated[r] != pad).sum()) for r in range(len(batch)))
        return out

    # ------------------------------------------------------------------ provenance
    def stamp(self) -> dict[str, str]:
        """What produced a translation: written into pair files so a result can be reproduced."""
        import sentencepiece
        import torch
        import transformers

        return {
            "model": self.model_id,
            "model-revision": self.revision,
            "test-model": "yes" if self.is_test_model else "no",
            "beam-size": str(self.settings.beam_size),
            "transformers": transformers.__version__,
            "torch": torch.__version__.split("+")[0],
            "sentencepiece": sentencepiece.__version__,
        }


# Characters XML 1.0 cannot carry (C0 controls but tab and newline, lone surrogates, U+FFFE/F),
# plus the replacement character a model produces when it emits half a UTF-8 byte sequence.
_UNUSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\ufffd]")


def clean_output(text: str) -> str:
    """Model output made safe for pair files: unusable characters dropped, spaces trimmed."""
    return re.sub(r"[ \t]{2,}", " ", _UNUSABLE.sub("", text)).strip()


class _PerRowLengthLimit:
    """Forces end-of-sentence once a row has produced its own length limit of tokens.

    ``max_new_tokens`` bounds a whole batch; this bounds each sentence by its own source length,
    so one degenerate output cannot run to the batch's longest limit.
    """

    def __init__(self, limits: list[int], beams: int, eos_id: int) -> None:
        self.limits = limits
        self.beams = beams
        self.eos_id = eos_id
        self._start: int | None = None

    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors
        import torch

        if self._start is None:
            self._start = input_ids.shape[1]  # the decoder start token
        produced = input_ids.shape[1] - self._start
        for row in range(scores.shape[0]):
            if produced >= self.limits[row // self.beams]:
                eos_score = scores[row, self.eos_id].clone()
                scores[row, :] = -float("inf")
                scores[row, self.eos_id] = eos_score if torch.isfinite(eos_score) else 0.0
        return scores


def _quiet_transformers() -> None:
    # Progress bars and advisory warnings from loading would drown the CLI's own output.
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


def _resolve_dtype(name: str, device: str):
    import torch

    if name == "auto":
        return torch.float16 if (device.startswith("cuda") or device == "mps") else torch.float32
    try:
        return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[name]
    except KeyError:
        raise ModelError(f"--dtype {name}: use auto, float32, float16 or bfloat16.") from None


def _check_model_folder(folder: Path) -> None:
    if not folder.exists():
        raise ModelError(f"--model {folder}: no such folder. Give a hub id such as {DEFAULT_MODEL} or a folder holding a Marian model.")
    if not folder.is_dir():
        raise ModelError(f"--model {folder}: is a file, not a model folder. Point it at the folder written by save_pretrained.")
    config = folder / "config.json"
    if not config.is_file():
        raise ModelError(f"--model {folder}: no config.json there, so it is not a saved model. Point it at a Marian model folder.")
    try:
        model_type = json.loads(config.read_text("utf-8")).get("model_type")
    except (ValueError, OSError, AttributeError):
        raise ModelError(f"--model {folder}: config.json is not valid JSON. Re-save or re-download the model.") from None
    if model_type != "marian":
        raise ModelError(f"--model {folder}: model_type is {model_type!r}, not 'marian'. This tool runs Marian (opus-mt) models.")
    missing = [name for name in ("source.spm", "target.spm", "vocab.json") if not (folder / name).is_file()]
    if missing:
        raise ModelError(f"--model {folder}: the tokenizer files {', '.join(missing)} are missing. Save the tokenizer with the model.")


def _in_hub_cache(name: str, kwargs: dict) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(name, "config.json", revision=kwargs.get("revision"))
        return isinstance(found, str)
    except Exception:  # noqa: BLE001 - any cache trouble means "not cached"
        return False


def _folder_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if not path.is_file():
            continue
        digest.update(name.encode())
        if name.endswith((".json", ".spm")):
            digest.update(path.read_bytes())
        else:
            digest.update(str(path.stat().st_size).encode())
    return "sha256:" + digest.hexdigest()[:16]
