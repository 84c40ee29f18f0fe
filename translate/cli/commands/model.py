"""translate model: information, download, the offline test model."""

from __future__ import annotations

from pathlib import Path

import click

from translate.cli.options import load_engine, model_options, settings_from
from translate.mt.precision import cpu_flags, cpu_name


@click.group("model")
def command() -> None:
    """The MT model: information, download, the offline test model."""


@command.command("info")
@model_options
@click.pass_context
def model_info(ctx: click.Context, model: str | None, device: str | None, beam_size: int | None,
               dtype: str | None) -> None:
    """Load the model and print what it is, which backend and precision will be used, and why."""
    engine = load_engine(settings_from(ctx), model, device, beam_size, dtype)
    for key, value in engine.stamp().items():
        click.echo(f"{key}: {value}")
    click.echo(f"device: {engine.device}")
    click.echo(f"backend: {engine.backend_name}")
    for reason in engine.backend_reasons:
        click.echo(f"  why: {reason}")
    click.echo(f"precision: {engine.precision_name}")
    for reason in engine.precision_reasons:
        click.echo(f"  why: {reason}")
    if engine.backend_name == "transformers" and engine.device == "cpu" and engine.settings.beam_size > 1:
        if engine.settings.beam_cache:
            shared = ("; cross-attention read once per sentence" if getattr(engine, "shared_cross_attention", False)
                      else "")
            click.echo("beam-cache: in place (grows without copying, reorders only the rows whose beam changed, "
                       f"never the cross-attention cache{shared}; transformers' own beams, scores within 1e-5; "
                       "TRANSLATE_BEAM_CACHE=0 turns it off)")
        else:
            click.echo("beam-cache: transformers' own (TRANSLATE_BEAM_CACHE=0)")
    if engine.device == "cpu":
        wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8", "avx_vnni")
        have = sorted(cpu_flags() & set(wanted))
        click.echo(f"cpu: {cpu_name()}; flags: {', '.join(have) or 'none of ' + ', '.join(wanted)}")
    budget = getattr(engine, "max_batch_tokens", None)
    if budget is not None:
        kind = "GPU" if engine.device.startswith("cuda") else "CPU"  # the engine's rule: CUDA takes GPU_BATCH
        source = ("asked for (--max-batch-tokens or translate.toml max_batch_tokens)" if engine.settings.max_batch_tokens
                  else f"the {kind} default")
        click.echo(f"batch-tokens: {budget} padded source tokens x beams per batch, {source}")
    click.echo(f"max-input-tokens: {engine.max_input_tokens}")
    click.echo(f"load-seconds: {engine.stats.load_seconds:.2f}")


@command.command("download")
@click.option("--model", "model", default=None, metavar="ID", help="Hub id [Helsinki-NLP/opus-mt-en-fr].")
@click.pass_context
def model_download(ctx: click.Context, model: str | None) -> None:
    """Download the model into the local cache (needs internet once)."""
    from translate.mt.engine import EngineSettings, MarianEngine

    engine = MarianEngine.load(model or settings_from(ctx).model, device="cpu", settings=EngineSettings(dtype="float32"))
    click.echo(f"{engine.model_id} at revision {engine.revision} is in the local cache.")


@command.command("test-build")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=0, show_default=True)
def model_test_build(dest: Path, seed: int) -> None:
    """Build the small random-weight Marian model (offline) into DEST.

    Its French is meaningless: it exists for tests and for trying the workflow without the hub.
    """
    from translate.mt.testmodel import build_test_model

    build_test_model(dest, seed=seed)
    click.echo(f"Random-weight test model written to {dest} (its French is meaningless).")


@command.command("convert")
@click.option("--model", "model", default=None, metavar="PATH_OR_ID",
              help="Marian model to convert: hub id (from the local cache) or folder [Helsinki-NLP/opus-mt-en-fr].")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the converted model [~/.cache/translate/ct2/<model>-<quantization>, "
                   "where --backend ctranslate2 finds it].")
@click.option("--quantization", type=click.Choice(["int8", "int8_float16", "int8_bfloat16", "float16", "bfloat16", "float32"]),
              default=None, help="Weights type [int8 on CPU, float16 when a CUDA card is present].")
@click.option("--force", is_flag=True, help="Replace an existing conversion.")
@click.pass_context
def model_convert(ctx: click.Context, model: str | None, output: Path | None, quantization: str | None, force: bool) -> None:
    """Convert the model for the CTranslate2 backend (optional extra `ctranslate2`).

    Then translate with `--backend ctranslate2` and the same --model (or --model pointing at the
    converted folder).
    """
    import time

    from translate.mt.backends.ctranslate2 import convert_model

    started = time.perf_counter()
    name = model or settings_from(ctx).model
    folder = convert_model(name, output, quantization=quantization, force=force)
    click.echo(f"{name} converted for CTranslate2 in {time.perf_counter() - started:.1f} s -> {folder}")
