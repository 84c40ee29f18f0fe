"""The MarianMT engine: model loading, device choice, length-sorted batching under a token budget.

An :class:`MarianEngine` is created by the caller and passed down; nothing here is global.
``torch`` and ``transformers`` are imported only when an engine is loaded, so the CLI starts fast.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import os
import re
import time
import urllib.error
import urllib.request
import warnings
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence, runtime_checkable

from translate.core.errors import ModelError, TranslateError
from translate.core.public import model_label
from translate.mt.beamcache import beam_cache, install_shared_cross_attention, shared_cross_attention
from translate.mt.confidence import SequenceScorer
from translate.mt.longsplit import split_to_fit
from translate.mt.precision import choose_dtype, native_bf16

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-en-fr"

# Flags a translation may carry; they reach the pair file as notes for the post-editor.
FLAG_SPLIT = "split-long"  # the segment was over the model's input limit: translated in parts
FLAG_CAPPED = "length-capped"  # generation hit the output bound (a degenerate or looping output)


@dataclass
class EngineSettings:
    beam_size: int = 4
    # Budget of padded source tokens per batch; beams multiply the work, so it is divided by
    # the beam size when batches are built. None: a default for the device (GPUs take more).
    max_batch_tokens: int | None = None
    max_batch_size: int | None = None
    # Output bound: at most ratio * source tokens + slack target tokens (French runs ~1.2x).
    length_ratio: float = 2.0
    length_slack: int = 10
    max_input_tokens: int | None = None  # default: the model's own limit
    # auto: bfloat16 on CUDA cards that have it (else float16), float16 on MPS; on a CPU the
    # fastest precision the quality guard accepts: bfloat16 where native (AVX512-BF16/AMX), else
    # dynamic int8 on x86 with AVX2, else float32 (rules and reasons: translate/mt/precision.py).
    dtype: str = "auto"
    # Fixed output lengths, for benchmarks (random weights never stop on their own).
    min_new_tokens: int = 0
    max_new_tokens: int | None = None
    # Extra keyword arguments for transformers' generate (benchmarks: e.g. a static KV cache).
    generate_options: dict = field(default_factory=dict)
    # CTranslate2's compute type (auto: what the converted model holds, or --dtype's name).
    compute_type: str = "auto"
    threads: int | None = None  # CPU threads; None: the library's default (one per core)
    # Beam search on a CPU through our key/value cache (same outputs, less copying: see translate/mt/beamcache.py);
    # False (or TRANSLATE_BEAM_CACHE=0) keeps transformers' own, e.g. to compare the two.
    beam_cache: bool = field(default_factory=lambda: os.environ.get("TRANSLATE_BEAM_CACHE", "") != "0")


# Batch defaults per device: a CPU is saturated by a few dozen sentences; a GPU wants hundreds.
# On a CPU the beams' key/value history must stay in cache: with long outputs (beam 4, ~150
# tokens) 16 sentences of 70 tokens ran 8% faster than 29 (bench/run_speed.py machine), so the
# budget is 1,024 source tokens per beam; short sentences still batch up to 64.
CPU_BATCH = (4096, 64)
GPU_BATCH = (65536, 512)


@dataclass
class Translation:
    text: str
    flags: list[str] = field(default_factory=list)
    target_tokens: int = 0  # tokens generated (before decoding), over all parts
    logprob: float | None = None  # the model's log-probability per token of this output, if the backend gives it


@dataclass
class TranslationPlan:
    """Texts to translate, as :meth:`BatchEngine.plan` splits them: per text its pieces, the
    separators between them and its flags; ``pieces`` the unique pieces to send to the model."""

    texts: list[tuple[list[str], list[str], list[str]]]
    pieces: list[str]

    def assemble(self, results: dict[str, tuple[str, bool, int]],
                 logprobs: dict[str, float | None] | None = None) -> list[Translation]:
        """One :class:`Translation` per text from (text, capped, target tokens) per piece, with
        the model's confidence where the backend scored the pieces (``logprobs``, per piece)."""
        logprobs = logprobs or {}
        out = []
        for parts, seps, flags in self.texts:
            texts_out, part_flags, produced = [], list(flags), 0
            weighted: float | None = 0.0  # token-weighted mean over the parts of a split segment
            for i, part in enumerate(parts):
                translated, capped, n_tokens = results[part]
                produced += n_tokens
                lp = logprobs.get(part)
                weighted = None if lp is None or weighted is None else weighted + lp * max(1, n_tokens)
                texts_out.append(translated)
                if i < len(seps):
                    texts_out.append(seps[i])
                if capped and FLAG_CAPPED not in part_flags:
                    part_flags.append(FLAG_CAPPED)
            logprob = None if weighted is None or not parts else round(weighted / max(1, produced), 4)
            out.append(Translation(text="".join(texts_out), flags=part_flags, target_tokens=produced, logprob=logprob))
        return out


@dataclass
class EngineStats:
    load_seconds: float = 0.0
    translate_seconds: float = 0.0
    source_tokens: int = 0
    target_tokens: int = 0
    batches: int = 0
    oom_retries: int = 0
    fallback_load_seconds: float = 0.0  # a constrained fallback engine's load (CTranslate2 + glossary)


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


class StopRequested(TranslateError):
    """A stop (Ctrl-C) was asked for: raised between batches, so no batch is half done."""

    exit_code = 130


def is_out_of_memory(exc: BaseException) -> bool:
    """True for the ways a backend says a batch did not fit in (GPU or host) memory."""
    if isinstance(exc, MemoryError):
        return True
    name = type(exc).__name__
    if name in ("OutOfMemoryError", "OutOfMemory"):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


LogitsProcessorFactory = Callable[[list[str], int], list]
"""Given a batch's source texts and the beam count, the logits processors for its ``generate`` call."""


@runtime_checkable
class Engine(Protocol):
    """What the workflow, term locking and batch runs need of an MT engine.

    :class:`BatchEngine` implements it for every backend (transformers, CTranslate2); a test may
    pass its own scripted engine that implements it.
    """

    backend_name: str
    model_id: str
    device: str
    is_test_model: bool
    supports_logits_processors: bool  # False: locking verifies and repairs, it cannot steer
    stats: "EngineStats"

    def translate(self, texts: Sequence[str], *,
                  logits_processors: LogitsProcessorFactory | None = None) -> list["Translation"]: ...

    def count_tokens(self, text: str) -> int: ...

    def stamp(self) -> dict[str, str]: ...

    def hooks(self, *, on_batch: Callable[[int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> AbstractContextManager[None]: ...


class BatchEngine:
    """What every backend shares: splitting over-long inputs, de-duplication, length-sorted
    batches under a token budget, results in input order, progress and stop hooks, and
    out-of-memory recovery. A backend supplies :meth:`_generate` (token ids in, text out).

    Hooks a batch run sets for its duration only (:meth:`hooks`): ``on_batch(n)`` after each batch
    with how many texts it did; ``should_stop()`` before each batch (True raises :class:`StopRequested`).
    """

    backend_name = "base"
    # Why this backend and this precision, one reason per entry (``translate model info``).
    backend_reasons: tuple[str, ...] = ()
    precision_reasons: tuple[str, ...] = ()
    precision_name = "float32"
    # Whether translate() accepts ``logits_processors`` (used by glossary locking); a backend
    # without it says so here, and locking falls back to verification and repair.
    supports_logits_processors = False

    def __init__(self, tokenizer: Any, *, model_id: str, revision: str, device: str,
                 settings: EngineSettings | None = None, is_test_model: bool = False,
                 model_limit: int = 512, max_output_tokens: int = 511) -> None:
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.revision = revision
        self.device = device
        self.settings = settings or EngineSettings()
        self.is_test_model = is_test_model
        self.stats = EngineStats()
        self.max_input_tokens = min(self.settings.max_input_tokens or model_limit, model_limit)
        self.max_output_tokens = max_output_tokens
        on_gpu = device.startswith("cuda")
        default_tokens, default_rows = GPU_BATCH if on_gpu else CPU_BATCH
        self.max_batch_tokens = self.settings.max_batch_tokens or default_tokens
        self.max_batch_size = self.settings.max_batch_size or default_rows
        self.on_batch: Callable[[int], None] | None = None
        self.should_stop: Callable[[], bool] | None = None
        self.special_ids = set(tokenizer.all_special_ids)
        self._fast_tokens = all(hasattr(tokenizer, name) for name in ("_tokenize", "_convert_token_to_id", "eos_token_id"))
        self._ids_cache: dict[str, list[int]] = {}
        self._logprobs: dict[str, float | None] = {}  # per source text, filled by backends that score outputs

    @contextmanager
    def hooks(self, *, on_batch: Callable[[int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> Iterator[None]:
        """Progress and stop hooks for the duration of a run, restored afterwards, so an engine shared
        by several runs never carries one run's hooks into the next."""
        saved = self.on_batch, self.should_stop
        self.on_batch, self.should_stop = on_batch, should_stop
        try:
            yield
        finally:
            self.on_batch, self.should_stop = saved

    # ------------------------------------------------------------------ translating
    def count_tokens(self, text: str) -> int:
        return len(self._encode_ids(text))

    def _encode_ids(self, text: str) -> list[int]:
        """Token ids with end-of-sentence, as ``tokenizer(text)["input_ids"]`` gives them.

        The tokenizer's ``__call__`` goes through generic machinery that costs more than the
        SentencePiece encoding itself; for text without special-token markup we call the same
        steps directly (a test checks both agree). Results are memoised per translate() call.
        """
        cache = self._ids_cache
        ids = cache.get(text)
        if ids is None:
            tok = self.tokenizer
            if self._fast_tokens and "<" not in text:
                ids = [tok._convert_token_to_id(p) for p in tok._tokenize(text)] + [tok.eos_token_id]
            else:
                ids = tok(text, add_special_tokens=True)["input_ids"]
            cache[text] = ids
        return ids

    def _decode_ids(self, ids: list[int]) -> str:
        """Text of generated ids (special tokens dropped), as ``tokenizer.decode`` gives it."""
        return self.tokenizer.decode(ids, skip_special_tokens=True)

    def translate(self, texts: Sequence[str], *, logits_processors: LogitsProcessorFactory | None = None,
                  ) -> list[Translation]:
        """Translate ``texts``; results come back in input order, one per input.

        Identical texts are translated once. A text over the model's input limit is split (see
        :mod:`translate.mt.longsplit`), its parts translated and joined, and it is flagged.
        ``logits_processors``, where the backend supports it, is called per batch with the
        batch's source texts (row order) and the beam count, and returns extra logits
        processors for that generate call.
        """
        if logits_processors is not None and not self.supports_logits_processors:
            raise ModelError(f"the {self.backend_name} backend cannot apply logits processors; "
                             "use the transformers backend for constrained decoding.")
        started = time.perf_counter()
        try:
            plan = self.plan(texts)
            results = self._translate_unique(plan.pieces, logits_processors)
        finally:
            self._ids_cache = {}  # memo for one call only: memory stays bounded over a long run
        logprobs, self._logprobs = self._logprobs, {}
        self.stats.translate_seconds += time.perf_counter() - started
        return plan.assemble(results, logprobs)

    def plan(self, texts: Sequence[str]) -> "TranslationPlan":
        """How ``texts`` will be translated: each split to fit the input limit, the unique pieces."""
        plans: list[tuple[list[str], list[str], list[str]]] = []  # (pieces, separators, flags)
        pieces: dict[str, None] = {}
        for text in texts:
            flags: list[str] = []
            if not text.strip():
                plans.append(([], [], flags))
                continue
            spans = self._spans(text)
            parts = [text[a:b] for a, b in spans]
            seps = [(" " if text[spans[i][1]:spans[i + 1][0]] else "") for i in range(len(spans) - 1)]
            if len(parts) > 1:
                flags.append(FLAG_SPLIT)
            plans.append((parts, seps, flags))
            for part in parts:
                pieces.setdefault(part, None)
        return TranslationPlan(plans, list(pieces))

    def batch_plan(self, texts: list[str]) -> tuple[list[list], list[list[int]]]:
        """(encoded texts, batches of indices into ``texts``): length-sorted, under the token budget.

        Every engine builds its batches here, so a distributed run (translate/pipeline/ray_batch.py)
        sends exactly the batches a local run would generate.
        """
        encoded = [self._encode(t) for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]), reverse=True)
        return encoded, self._batches(order, encoded)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        limit = self.max_input_tokens
        return split_to_fit(text, lambda s: self.count_tokens(s) <= limit)

    def pieces_of(self, text: str) -> list[str]:
        """The texts :meth:`translate` sends to the model for ``text`` (several when it is over the
        input limit): what a ``logits_processors`` hook sees as its batch's texts."""
        if not text.strip():
            return []
        return [text[a:b] for a, b in self._spans(text)]

    def _translate_unique(self, texts: list[str], processors=None) -> dict[str, tuple[str, bool, int]]:
        if not texts:
            return {}
        encoded, batches = self.batch_plan(texts)
        results: dict[str, tuple[str, bool, int]] = {}
        for batch in batches:
            if self.should_stop is not None and self.should_stop():
                raise StopRequested("stopped on request between batches")
            outputs = self._generate_fitting([encoded[i] for i in batch], [texts[i] for i in batch], processors)
            for i, output in zip(batch, outputs):
                results[texts[i]] = output
            if self.on_batch is not None:
                self.on_batch(len(batch))
        return results

    def _batches(self, order: list[int], encoded: list[list[int]]) -> list[list[int]]:
        budget = max(1, self.max_batch_tokens // max(1, self.settings.beam_size))
        batches: list[list[int]] = []
        current: list[int] = []
        width = 0
        for i in order:
            n = len(encoded[i])
            new_width = max(width, n)
            if current and (new_width * (len(current) + 1) > budget or len(current) >= self.max_batch_size):
                batches.append(current)
                current, new_width = [], n
            current.append(i)
            width = new_width
        if current:
            batches.append(current)
        return batches

    def _generate_fitting(self, batch: list[list[int]], sources: list[str], processors=None) -> list[tuple[str, bool, int]]:
        """:meth:`_generate`, halving the batch while it runs out of memory.

        After a failure the smaller size becomes the ceiling for the rest of the run, so the
        same wall is not hit batch after batch. A single sentence that does not fit is an error.
        """
        try:
            return self._generate(batch, sources, processors)
        except Exception as exc:  # noqa: BLE001 - only out-of-memory is handled, the rest re-raised
            if not is_out_of_memory(exc):
                raise
        self._release_memory()
        if len(batch) == 1:
            raise ModelError(
                f"out of memory translating one segment of {len(batch[0])} tokens even alone "
                f"({sources[0][:60]!r}...). Free memory, use --device cpu, or a smaller --beam-size."
            )
        half = len(batch) // 2
        self.max_batch_size = max(1, min(self.max_batch_size, half))
        self.stats.oom_retries += 1
        return (self._generate_fitting(batch[:half], sources[:half], processors)
                + self._generate_fitting(batch[half:], sources[half:], processors))

    def _encode(self, text: str) -> list:
        """What :meth:`_generate` receives per text (token ids here; a backend may differ)."""
        return self._encode_ids(text)

    def _release_memory(self) -> None:
        """Give cached memory back after an out-of-memory failure (a backend may do more)."""

    def output_limit(self, source_tokens: int) -> int:
        """Most target tokens allowed for a source of ``source_tokens`` tokens."""
        if self.settings.max_new_tokens:
            return max(1, min(self.settings.max_new_tokens, self.max_output_tokens - 1))
        bound = math.ceil(self.settings.length_ratio * source_tokens + self.settings.length_slack)
        return max(1, min(bound, self.max_output_tokens - 1))

    def _generate(self, batch: list[list[int]], sources: list[str], processors=None) -> list[tuple[str, bool, int]]:
        """Translate one batch of token ids: (text, capped, target tokens) per row."""
        raise NotImplementedError

    def _finish_row(self, tokens: list[int], limit: int) -> tuple[str, bool, int]:
        tokens = [t for t in tokens if t not in self.special_ids]
        capped = len(tokens) >= limit
        return clean_output(self._decode_ids(tokens)), capped, len(tokens)

    # ------------------------------------------------------------------ provenance
    def stamp(self) -> dict[str, str]:
        """What produced a translation: written into pair files so a result can be reproduced."""
        import sentencepiece
        import transformers

        return {
            # A local folder goes out as its name; model-revision (its content fingerprint) identifies it.
            "model": model_label(self.model_id, local=_looks_like_path(self.model_id)),
            "model-revision": self.revision,
            "test-model": "yes" if self.is_test_model else "no",
            "beam-size": str(self.settings.beam_size),
            "transformers": transformers.__version__,
            "sentencepiece": sentencepiece.__version__,
        }


class MarianEngine(BatchEngine):
    """A loaded Marian model with its tokenizer, on one device, through transformers' generate."""

    backend_name = "transformers"
    supports_logits_processors = True

    def __init__(self, model: Any, tokenizer: Any, *, model_id: str, revision: str, device: str,
                 settings: EngineSettings | None = None, is_test_model: bool = False) -> None:
        config = model.config
        model_limit = min(
            int(getattr(config, "max_position_embeddings", 512) or 512),
            int(getattr(tokenizer, "model_max_length", 512) or 512),
        )
        super().__init__(tokenizer, model_id=model_id, revision=revision, device=device, settings=settings,
                         is_test_model=is_test_model, model_limit=model_limit,
                         max_output_tokens=int(getattr(config, "max_position_embeddings", 512) or 512) - 1)
        self.model = model
        self.dtype_name = getattr(model, "translate_dtype", None) or str(getattr(model, "dtype", "float32")).replace("torch.", "")
        self.precision_name = self.dtype_name
        self._bad_words = _fold_banned_tokens(model)
        # Beam search reads each sentence's cross-attention once, not once per beam (when active).
        self.shared_cross_attention = install_shared_cross_attention(model)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, name_or_path: str = DEFAULT_MODEL, *, device: str | None = None,
             settings: EngineSettings | None = None, revision: str | None = None) -> "MarianEngine":
        """Load a Marian model by hub id or from a local folder, or raise :class:`ModelError`."""
        started = time.perf_counter()
        settings = settings or EngineSettings()
        try:
            import torch
            from transformers import MarianMTModel, MarianTokenizer
        except ImportError as exc:  # pragma: no cover - broken install
            raise ModelError(f"the MT libraries are not installed ({exc}). Run: pip install -e .") from None
        device = pick_device(device)
        if settings.threads:
            torch.set_num_threads(settings.threads)
        _quiet_transformers()
        choice = _choose_precision(settings.dtype, device)
        dtype = torch.float32 if choice.dtype == "int8" else getattr(torch, choice.dtype)
        source, kwargs, model_id = resolve_model_source(name_or_path, revision)
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
        if choice.dtype == "int8":
            model = quantize_int8(model)
        is_test = bool(getattr(model.config, "translate_test_model", False))
        rev = model_revision(name_or_path, source, model_id, model.config, revision)
        engine = cls(model, tokenizer, model_id=model_id, revision=str(rev), device=device,
                     settings=settings, is_test_model=is_test)
        engine.precision_reasons = choice.reasons
        engine.stats.load_seconds = time.perf_counter() - started
        return engine

    def _release_memory(self) -> None:
        import torch

        gc.collect()
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()

    def _generate(self, batch: list[list[int]], sources: list[str], processors=None) -> list[tuple[str, bool, int]]:
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
        eos = self.model.config.eos_token_id
        # First in the chain: the model's own confidence in each output (translate/mt/confidence.py).
        scorer = SequenceScorer(eos, self.tokenizer.pad_token_id, beams=beams, normalized=beams > 1)
        chain = [scorer, _PerRowLengthLimit(limits, beams, eos, self.settings.min_new_tokens)]
        if processors is not None:
            chain.extend(processors(list(sources), beams))
        kwargs = {"bad_words_ids": None} if self._bad_words is not None else {}
        options = self.settings.generate_options
        memory_saving = (beams > 1 and self.device == "cpu" and self.settings.beam_cache
                         and "cache" not in options and "cache_implementation" not in options)
        if memory_saving:  # row-by-row copies suit a CPU, not a GPU's launches
            kwargs["cache"] = beam_cache(self.model.config.decoder_layers, max(limits) + 2)
        with torch.inference_mode(), shared_cross_attention(self.model, beams if memory_saving else 0):
            generated = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                num_beams=beams,
                do_sample=False,
                max_new_tokens=max(limits) + 1,
                logits_processor=LogitsProcessorList(chain),
                **kwargs,
                **self.settings.generate_options,
            )
        generated = generated.cpu()
        for processor in chain:
            # A processor that records what it did (glossary locking: which rows it steered) is
            # told the rows generate kept, one per source text.
            done = getattr(processor, "finished", None)
            if done is not None:
                done([row.tolist() for row in generated])
        out = [self._finish_row(generated[row].tolist(), limit) for row, limit in enumerate(limits)]
        self._logprobs.update(zip(sources, scorer.scores(generated)))
        self.stats.batches += 1
        self.stats.source_tokens += sum(len(ids) for ids in batch)
        self.stats.target_tokens += sum(n for _, _, n in out)
        return out

    def stamp(self) -> dict[str, str]:
        import torch

        stamp = super().stamp()
        stamp["torch"] = torch.__version__.split("+")[0]
        if self.dtype_name != "float32":
            stamp["dtype"] = self.dtype_name  # float32 is left out: stamps from before stay equal
        return stamp


def resolve_model_source(name_or_path: str, revision: str | None = None) -> tuple[str, dict, str]:
    """Where to load ``name_or_path`` from: (source, from_pretrained kwargs, model id)."""
    if _looks_like_path(name_or_path):
        folder = Path(name_or_path).expanduser()
        _check_model_folder(folder)
        return str(folder), {"local_files_only": True}, str(folder)
    kwargs: dict = {"revision": revision} if revision else {}
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
    return name_or_path, kwargs, name_or_path


def model_revision(name_or_path: str, source: str, model_id: str, config: Any, revision: str | None) -> str:
    if source == model_id and not _looks_like_path(name_or_path):
        return str(getattr(config, "_commit_hash", None) or revision or "unknown")
    return _folder_fingerprint(Path(source))


def _fold_banned_tokens(model: Any):
    """Move single-token ``bad_words_ids`` (Marian bans <pad>) into the output bias.

    transformers applies them as a full-vocabulary mask at every step (a measurable share of
    CPU time with 59k entries); a -inf bias on those columns bans the same tokens for free.
    Returns the folded ids, or None when there was nothing to fold (or it cannot be folded).
    """
    import torch

    config = getattr(model, "generation_config", None)
    banned = getattr(config, "bad_words_ids", None) if config is not None else None
    bias = getattr(model, "final_logits_bias", None)
    if not banned or bias is None or any(len(seq) != 1 for seq in banned):
        return None
    ids = [seq[0] for seq in banned]
    with torch.no_grad():
        bias[..., ids] = float("-inf")
    return ids


# Characters XML 1.0 cannot carry (C0 controls but tab and newline, lone surrogates, U+FFFE/F),
# plus the replacement character a model produces when it emits half a UTF-8 byte sequence.
_UNUSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\ufffd]")


def clean_output(text: str) -> str:
    """Model output made safe for pair files: unusable characters dropped, spaces trimmed."""
    return re.sub(r"[ \t]{2,}", " ", _UNUSABLE.sub("", text)).strip()


class _PerRowLengthLimit:
    """Forces end-of-sentence once a row has produced its own length limit of tokens, and
    forbids it before ``min_tokens`` (fixed-length benchmarks).

    ``max_new_tokens`` bounds a whole batch; this bounds each sentence by its own source length,
    so one degenerate output cannot run to the batch's longest limit. Vectorised: it touches
    one column per step except for rows that hit their limit.
    """

    def __init__(self, limits: list[int], beams: int, eos_id: int, min_tokens: int = 0) -> None:
        self.limits = limits
        self.beams = beams
        self.eos_id = eos_id
        self.min_tokens = min_tokens
        self._start: int | None = None
        self._limits = None

    def __call__(self, input_ids, scores):  # noqa: ANN001 - torch tensors
        import torch

        if self._start is None:
            self._start = input_ids.shape[1]  # the decoder start token
            self._limits = torch.tensor(self.limits, device=scores.device).repeat_interleave(self.beams)
        produced = input_ids.shape[1] - self._start
        if produced < self.min_tokens:
            scores[:, self.eos_id] = -float("inf")
        done = self._limits[: scores.shape[0]] <= produced
        if bool(done.any()):
            eos_score = scores[done, self.eos_id]
            eos_score = torch.where(torch.isfinite(eos_score), eos_score, torch.zeros_like(eos_score))
            scores[done] = -float("inf")
            scores[done, self.eos_id] = eos_score
        return scores


def _quiet_transformers() -> None:
    # Progress bars and advisory warnings from loading would drown the CLI's own output.
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses")


DTYPES = ("auto", "float32", "float16", "bfloat16", "int8")


def _choose_precision(name: str, device: str):
    """The precision for ``--dtype name`` on ``device`` (a :class:`translate.mt.precision.Choice`)."""
    if name not in DTYPES:
        raise ModelError(f"--dtype {name}: use {', '.join(DTYPES)}.")
    if name == "int8" and device != "cpu":
        raise ModelError(f"--dtype int8 runs on the CPU only (dynamic quantization), not on {device}. "
                         "Use --dtype auto/float16/bfloat16 there, or --backend ctranslate2.")
    return choose_dtype(name, device)


def quantize_int8(model):
    """``model`` with its linear layers (the output projection included) in dynamic int8.

    Weights are stored in int8 per output channel; activations are quantized on the fly per
    batch (fbgemm kernels on x86). Embeddings, layer norms and attention products stay float32.
    """
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its successor
        quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    quantized.translate_dtype = "int8"
    return quantized


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes in bfloat16 natively (see :func:`translate.mt.precision.native_bf16`)."""
    return native_bf16()


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
        from huggingface_hub import try_to_load_from_cache  # lazy: heavy; only for a hub id

        found = try_to_load_from_cache(name, "config.json", revision=kwargs.get("revision"))
        return isinstance(found, str)
    except Exception:  # noqa: BLE001 - any cache trouble means "not cached"
        return False


def _folder_fingerprint(folder: Path) -> str:
    """The content fingerprint of a local model folder: SHA-256 over each file's name and bytes
    (weights included, so two folders with the same name but other weights differ)."""
    digest = hashlib.sha256()
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if not path.is_file():
            continue
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()[:16]
