"""The ``translate`` command: a thin layer over the library.

Each command reads options, calls one library function, and prints. Library errors
(:class:`translate.errors.TranslateError`) become one ``Error: ...`` line and an exit code;
heavy libraries are imported inside commands, never at start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import Settings, load_settings
from .errors import TranslateError


class TranslateGroup(click.Group):
    """Turns the library's errors into a clear message and exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TranslateError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted. Pair files already written are complete; run the command again to resume.", err=True)
            ctx.exit(130)


def settings_from(ctx: click.Context) -> Settings:
    obj = ctx.ensure_object(dict)
    if "settings" not in obj:
        obj["settings"] = load_settings()
    return obj["settings"]


def workdir_option(func):
    return click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Workspace holding the pair files [translate.toml, else corpus/work].")(func)


def model_options(func):
    func = click.option("--dtype", type=click.Choice(["auto", "float32", "float16", "bfloat16"]), default="auto",
                        show_default=True, help="Weights precision: auto is float16 on GPU, float32 on CPU.")(func)
    func = click.option("--beam-size", type=click.IntRange(1, 32), default=None,
                        help="Beam size for decoding [translate.toml, else 4].")(func)
    func = click.option("--device", default=None, help="auto, cpu, cuda, cuda:N or mps [auto].")(func)
    func = click.option("--model", "model", default=None, metavar="PATH_OR_ID",
                        help="Marian model: hub id or local folder [Helsinki-NLP/opus-mt-en-fr].")(func)
    return func


def load_engine(settings: Settings, model: str | None, device: str | None, beam_size: int | None, dtype: str):
    from .engine import EngineSettings, MarianEngine

    engine_settings = EngineSettings(beam_size=beam_size or settings.beam_size, dtype=dtype)
    return MarianEngine.load(model or settings.model, device=device or settings.device, settings=engine_settings)


@click.group(cls=TranslateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="translate")
def main() -> None:
    """Read in French: translate English news articles into French pair files for post-editing,
    review and publishing.

    \b
    Typical flow:
      translate run corpus/en/article.txt     MT drafts into corpus/work/article.xlf
      translate segment corpus/en/article.txt preview what will be translated
    """


@main.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@model_options
@click.option("--glossary", type=click.Path(path_type=Path), default=None,
              help="Glossary TSV file or folder [translate.toml, else glossary/].")
@workdir_option
@click.pass_context
def run(ctx: click.Context, articles: tuple[Path, ...], model: str | None, device: str | None,
        beam_size: int | None, dtype: str, glossary: Path | None, workdir: Path | None) -> None:
    """Translate ARTICLE files into pair files (XLIFF 2.1) with French machine drafts.

    Without --model the real model (Helsinki-NLP/opus-mt-en-fr) is used: from the local cache,
    else downloaded; when neither is possible the command fails and says how to fix it.
    Human work already in a pair file is kept.
    """
    from .workflow import run_articles

    settings = settings_from(ctx)
    engine = load_engine(settings, model, device, beam_size, dtype)
    label = " [random-weight test model: the French is meaningless]" if engine.is_test_model else ""
    click.echo(f"Model {engine.model_id} on {engine.device} (loaded in {engine.stats.load_seconds:.1f} s){label}", err=True)

    def report(result) -> None:
        if result.ok:
            click.echo(
                f"{result.slug}: {result.segments} segments ({result.machine} machine-translated, "
                f"{result.kept} kept, {result.flagged} flagged) -> {result.pair_file}{label}"
            )
        else:
            click.echo(f"Error: {result.error}", err=True)

    outcome = run_articles(list(articles), engine, workdir or settings.workdir, on_article=report)
    if outcome.failed:
        ctx.exit(1)


@main.command()
@click.argument("article", type=click.Path(path_type=Path))
def segment(article: Path) -> None:
    """Show the blocks and sentences of ARTICLE that will be translated."""
    from .ingest import ingest_file

    doc = ingest_file(article)
    click.echo(f"# {doc.slug} ({doc.format}): {len(doc.blocks)} blocks, {len(doc.segments)} segments")
    for block in doc.blocks:
        click.echo(f"[{block.kind} {block.id}]")
        for seg in block.segments:
            click.echo(f"  {seg.id}  {seg.source}")
    for dropped in doc.dropped:
        where = f"line {dropped.line}: " if dropped.line else ""
        click.echo(f"[dropped] {where}{dropped.reason}: {dropped.text}")


@main.group()
def model() -> None:
    """The MT model: information, download, the offline test model."""


@model.command("info")
@model_options
@click.pass_context
def model_info(ctx: click.Context, model: str | None, device: str | None, beam_size: int | None, dtype: str) -> None:
    """Load the model and print what it is."""
    engine = load_engine(settings_from(ctx), model, device, beam_size, dtype)
    for key, value in engine.stamp().items():
        click.echo(f"{key}: {value}")
    click.echo(f"device: {engine.device}")
    click.echo(f"max-input-tokens: {engine.max_input_tokens}")
    click.echo(f"load-seconds: {engine.stats.load_seconds:.2f}")


@model.command("download")
@click.option("--model", "model", default=None, metavar="ID", help="Hub id [Helsinki-NLP/opus-mt-en-fr].")
@click.pass_context
def model_download(ctx: click.Context, model: str | None) -> None:
    """Download the model into the local cache (needs internet once)."""
    from .engine import MarianEngine

    engine = MarianEngine.load(model or settings_from(ctx).model, device="cpu")
    click.echo(f"{engine.model_id} at revision {engine.revision} is in the local cache.")


@model.command("test-build")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=0, show_default=True)
def model_test_build(dest: Path, seed: int) -> None:
    """Build the small random-weight Marian model (offline) into DEST.

    Its French is meaningless: it exists for tests and for trying the workflow without the hub.
    """
    from .testmodel import build_test_model

    build_test_model(dest, seed=seed)
    click.echo(f"Random-weight test model written to {dest} (its French is meaningless).")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
