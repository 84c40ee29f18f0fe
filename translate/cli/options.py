"""What the command modules share: settings, common options, engine loading.

Kept apart from :mod:`translate.cli` so that command modules import it without cycles.
"""

from __future__ import annotations

from pathlib import Path

import click

from translate.core.config import Settings, load_settings
from translate.mt.backends import load_backend
from translate.mt.engine import EngineSettings
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


def model_options(func):
    func = click.option("--dtype", type=click.Choice(["auto", "float32", "float16", "bfloat16"]), default="auto",
                        show_default=True, help="Weights precision: auto is bfloat16 on GPUs that have it (else float16), "
                             "bfloat16 on CPUs with native bf16 (AVX512-BF16/AMX), else float32.")(func)
    func = click.option("--beam-size", type=click.IntRange(1, 32), default=None,
                        help="Beam size for decoding [translate.toml, else 4].")(func)
    func = click.option("--device", default=None, help="auto, cpu, cuda, cuda:N or mps [auto].")(func)
    func = click.option("--model", "model", default=None, metavar="PATH_OR_ID",
                        help="Marian model: hub id or local folder [Helsinki-NLP/opus-mt-en-fr].")(func)
    return func


def backend_option(func):
    return click.option("--backend", default="transformers", show_default=True, metavar="NAME",
                        help="MT backend: transformers, or ctranslate2 (optional extra; needs "
                             "`translate model convert` first).")(func)


def load_engine(settings: Settings, model: str | None, device: str | None, beam_size: int | None, dtype: str,
                backend: str = "transformers"):

    engine_settings = EngineSettings(beam_size=beam_size or settings.beam_size, dtype=dtype)
    return load_backend(backend, model or settings.model, device=device or settings.device, settings=engine_settings)


def glossary_option(func):
    return click.option("--glossary", type=click.Path(path_type=Path), default=None,
                        help="Glossary TSV file or folder [translate.toml, else glossary/].")(func)


def load_run_glossary(settings: Settings, glossary: Path | None):
    """(path, glossary) for a run that locks terms; (None, None) without one. Called before the
    model loads, so a broken glossary fails fast and nothing is written; its warnings are printed."""

    path = glossary or settings.glossary
    terms = load_glossary(path) if path is not None else None
    for warning in (terms.warnings if terms is not None else []):
        click.echo(f"Warning: {warning}", err=True)
    return path, terms
