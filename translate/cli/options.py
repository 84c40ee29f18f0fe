"""What the command modules share: settings, common options, engine loading.

Kept apart from :mod:`translate.cli` so that command modules import it without cycles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from translate.core.config import BATCH_TOKENS_RANGE, Settings, load_settings
from translate.core.errors import UsageError
from translate.mt.backends import choose_backend, load_backend
from translate.mt.engine import CPU_BATCH, GPU_BATCH, EngineSettings
from translate.glossary.entries import load_glossary


def settings_from(ctx: click.Context) -> Settings:
    """The settings of this invocation: translate.toml, loaded once."""
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings()
    return obj["settings"]


def workdir_option(func):
    return click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Workspace holding the pair files [translate.toml, else corpus/work].")(func)


DTYPE_CHOICES = ["auto", "float32", "float16", "bfloat16", "int8"]
COMPUTE_TYPES = ["auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32"]


def _remember(ctx: click.Context, param: click.Parameter, value):
    # --backend and --compute-type reach load_engine through the context, so every command with
    # model options has them without each command's signature growing.
    if value is not None:
        ctx.ensure_object(dict).setdefault("engine_options", {})[param.name] = value
    return value


def model_options(func):
    func = click.option("--max-batch-tokens", "max_batch_tokens", type=click.IntRange(*BATCH_TOKENS_RANGE),
                        default=None, expose_value=False, callback=_remember,
                        help="Batch budget: padded source tokens x beams per batch [translate.toml, else "
                             f"{CPU_BATCH[0]} on a CPU, {GPU_BATCH[0]} on a GPU; bench/run_speed.py "
                             "measures a machine's best].")(func)
    func = click.option("--compute-type", "compute_type", type=click.Choice(COMPUTE_TYPES), default=None,
                        expose_value=False, callback=_remember,
                        help="CTranslate2 compute type [translate.toml, else auto: what the converted model "
                             "holds, int8 on CPU]. Implies --backend ctranslate2 when the backend is auto.")(func)
    func = click.option("--backend", "backend", default=None, metavar="NAME", expose_value=False, callback=_remember,
                        help="MT backend: auto, transformers or ctranslate2 [translate.toml, else auto: ctranslate2 "
                             "when its extra is installed and "
                             "a converted model exists (or translate.toml allows converting), else transformers].")(func)
    func = click.option("--dtype", type=click.Choice(DTYPE_CHOICES), default=None,
                        help="Precision of the transformers backend [translate.toml, else auto: bfloat16 on GPUs that "
                             "have it (else float16); on CPUs bfloat16 where native (AVX512-BF16/AMX), else int8 "
                             "on x86 with AVX2, else float32; `translate model info` says why].")(func)
    func = click.option("--beam-size", type=click.IntRange(1, 32), default=None,
                        help="Beam size for decoding [translate.toml, else 4].")(func)
    func = click.option("--device", default=None, help="auto, cpu, cuda, cuda:N or mps [auto].")(func)
    func = click.option("--model", "model", default=None, metavar="PATH_OR_ID",
                        help="Marian model: hub id or local folder [Helsinki-NLP/opus-mt-en-fr].")(func)
    return func


@dataclass
class EngineChoice:
    """What the options and translate.toml ask for, resolved: the backend and why, the model,
    the device and the engine settings (precision left to the backend's own choice when auto)."""

    backend: str
    reasons: list[str]
    model: str
    device: str | None
    settings: EngineSettings


def choose_engine(settings: Settings, model: str | None, device: str | None, beam_size: int | None,
                  dtype: str | None, backend: str | None = None, compute_type: str | None = None) -> EngineChoice:
    """The backend, model, device and settings the options and translate.toml ask for; conflicting
    precision options are a usage error. Loads nothing but what choosing needs."""
    ctx = click.get_current_context(silent=True)
    given = (ctx.obj or {}).get("engine_options", {}) if ctx is not None else {}
    backend = backend or given.get("backend") or settings.backend
    compute_type = compute_type or given.get("compute_type") or settings.compute_type
    dtype = dtype or settings.dtype
    model = model or settings.model
    device = device or settings.device
    if backend == "transformers" and compute_type != "auto":
        raise UsageError("--compute-type is a CTranslate2 setting: use --dtype with the transformers backend, "
                         "or --backend ctranslate2.")
    explicit_dtype = dtype != "auto"
    if backend == "auto" and explicit_dtype and compute_type != "auto":
        raise UsageError("--dtype (transformers) and --compute-type (CTranslate2) name different backends: "
                         "give one, or --backend.")

    def announce(line: str) -> None:
        click.echo(line, err=True)

    name, reasons = choose_backend(backend, model, device=device, dtype=dtype, compute_type=compute_type,
                                   convert_allowed=settings.ctranslate2_convert, on_progress=announce)
    budget = given.get("max_batch_tokens") or settings.max_batch_tokens
    engine_settings = EngineSettings(beam_size=beam_size or settings.beam_size, dtype=dtype, compute_type=compute_type,
                                     max_batch_tokens=budget)
    return EngineChoice(backend=name, reasons=list(reasons), model=model, device=device, settings=engine_settings)


def load_engine(settings: Settings, model: str | None, device: str | None, beam_size: int | None, dtype: str | None,
                backend: str | None = None, compute_type: str | None = None):
    """The engine the options and translate.toml ask for; the backend choice is explained in
    ``engine.backend_reasons`` (and the precision in ``engine.precision_reasons``)."""
    choice = choose_engine(settings, model, device, beam_size, dtype, backend, compute_type)
    engine = load_backend(choice.backend, choice.model, device=choice.device, settings=choice.settings)
    engine.backend_reasons = choice.reasons
    return engine


def glossary_option(func):
    return click.option("--glossary", type=click.Path(path_type=Path), default=None,
                        help="Glossary TSV/TBX file or folder [translate.toml, else glossary/].")(func)


def load_run_glossary(settings: Settings, glossary: Path | None):
    """(path, glossary) for a run that locks terms; (None, None) without one. Called before the
    model loads, so a broken glossary fails fast and nothing is written; its warnings are printed."""

    path = glossary or settings.glossary
    terms = load_glossary(path) if path is not None else None
    for warning in (terms.warnings if terms is not None else []):
        click.echo(f"Warning: {warning}", err=True)
    return path, terms
