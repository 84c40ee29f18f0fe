"""translate batch: every article under folders or files, with progress, resume and a summary."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from translate.cli.options import (choose_engine, glossary_option, load_engine, load_run_glossary, model_options,
                                   settings_from, workdir_option)
from translate.core.config import BATCH_ENGINES, RayOptions, load_batch_engine, load_ray_options
from translate.core.errors import InputError, UsageError

PLAIN_EVERY_SECONDS = 10.0


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="DIR|FILE...")
@model_options
@glossary_option
@workdir_option
@click.option("--engine", "engine_kind", type=click.Choice(BATCH_ENGINES), default=None,
              help="local: MT in this process; ray: MT on a Ray cluster's workers (extra `ray`, "
                   "docs/cluster.md) [translate.toml [batch], else local].")
@click.option("--address", default=None, metavar="auto|ray://HOST:PORT",
              help="Ray cluster to use; without it a Ray starts on this machine [translate.toml [ray]].")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Ray workers, each loading the model once [as many as the resources allow].")
@click.option("--gpus-per-worker", type=click.FloatRange(0), default=None,
              help="GPUs per Ray worker; a fraction shares a GPU [1 on a cluster with GPUs, else 0].")
@click.option("--cpus-per-worker", type=click.FloatRange(0), default=None,
              help="CPUs per Ray worker (its torch threads on CPU workers) [1].")
@click.pass_context
def command(ctx: click.Context, inputs: tuple[Path, ...], model: str | None, device: str | None,
            beam_size: int | None, dtype: str | None, glossary: Path | None, workdir: Path | None,
            engine_kind: str | None, address: str | None, workers: int | None, gpus_per_worker: float | None,
            cpus_per_worker: float | None) -> None:
    """Translate every article under DIR|FILE... into pair files, pooling all their segments.

    Articles whose pair file is up to date with their source and settings are skipped, so an
    interrupted batch re-run does only what is left. Ctrl-C stops after the current batch with
    every written pair file complete; Ctrl-C twice stops at once. One bad article never stops
    the others: each failure is named at the end, and the exit code is 1 if any failed.

    With --engine ray the machine translation runs on a Ray cluster (this process still reads
    the articles and alone writes the pair files and the memory); the pair files are the same.
    """
    from translate.pipeline.batch import run_batch

    settings = settings_from(ctx)
    engine_kind = engine_kind or load_batch_engine(settings.source)
    ray_given = [name for name, value in (("--address", address), ("--workers", workers),
                 ("--gpus-per-worker", gpus_per_worker), ("--cpus-per-worker", cpus_per_worker)) if value is not None]
    if engine_kind != "ray" and ray_given:
        raise UsageError(f"{', '.join(ray_given)} only apply with --engine ray: add --engine ray, or leave them out.")
    # Nothing to translate at all is said before minutes of model loading, not after.
    if not any(Path(given).exists() for given in inputs):
        names = ", ".join(str(given) for given in inputs)
        raise InputError(f"{names}: no such file or folder. Name article files or folders of articles.")
    _, terms = load_run_glossary(settings, glossary)
    if engine_kind == "ray":
        engine = _start_ray(settings, model, device, beam_size, dtype,
                            RayOptions(address, workers, gpus_per_worker, cpus_per_worker))
    else:
        engine = load_engine(settings, model, device, beam_size, dtype)
    try:
        _run(ctx, engine, inputs, settings, terms, workdir, run_batch)
    finally:
        if engine_kind == "ray":
            engine.close()


def _start_ray(settings, model, device, beam_size, dtype, given: RayOptions):
    from translate.pipeline.ray_batch import RayEngine

    options = load_ray_options(settings.source)
    for key in ("address", "workers", "gpus_per_worker", "cpus_per_worker"):
        if getattr(given, key) is not None:
            setattr(options, key, getattr(given, key))
    click.echo(f"Starting Ray workers ({options.address or 'a Ray on this machine'})...", err=True)
    choice = choose_engine(settings, model, device, beam_size, dtype)
    return RayEngine.start(options, backend=choice.backend, model=choice.model, device=choice.device,
                           settings=choice.settings, on_message=lambda text: click.echo(text, err=True))


def _run(ctx, engine, inputs, settings, terms, workdir, run_batch) -> None:
    from translate.qa.config import qa_config

    label = " [random-weight test model: the French is meaningless]" if engine.is_test_model else ""
    click.echo(f"Model {engine.model_id} ({engine.backend_name}, {engine.precision_name}) on {engine.device}, "
               f"loaded in {engine.stats.load_seconds:.1f} s{label}", err=True)
    display = _Display(sys.stderr.isatty())
    stopping = {"asked": False}

    def on_sigint(signum, frame) -> None:  # noqa: ANN001
        if stopping["asked"]:
            raise KeyboardInterrupt
        stopping["asked"] = True
        display.message("Stopping after the current batch (Ctrl-C again to stop at once)...")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        summary = run_batch(
            list(inputs), engine, workdir or settings.workdir, glossary=terms, qa=qa_config(settings.source),
            memory=settings.memory, on_progress=display.update,
            on_failure=lambda path, reason: display.message(f"Failed: {reason}"),
            on_warning=lambda text: display.message(f"Warning: {text}"),
            should_stop=lambda: stopping["asked"],
        )
    finally:
        signal.signal(signal.SIGINT, previous)
        display.close()
    _print_summary(summary, engine)
    ctx.exit(summary.exit_code)


class _Display:
    """A tqdm bar on a terminal; plain lines (one every few seconds) in logs and pipes."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.bar = None
        self.last_line = 0.0
        self.last = None

    def update(self, progress) -> None:
        self.last = progress
        elapsed = time.perf_counter() - progress.started
        rate = progress.segments / elapsed if elapsed > 0 else 0.0
        if self.terminal:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=progress.total_articles, unit="article", dynamic_ncols=True, file=sys.stderr)
            self.bar.n = progress.articles
            self.bar.set_postfix_str(f"{progress.segments:,} segments MT, {rate:.1f} seg/s", refresh=True)
            return
        now = time.perf_counter()
        if now - self.last_line >= PLAIN_EVERY_SECONDS or progress.articles == progress.total_articles:
            self.last_line = now
            click.echo(self._line(progress, rate, elapsed), err=True)

    @staticmethod
    def _line(progress, rate: float, elapsed: float) -> str:
        from tqdm import tqdm

        left = ""
        if 0 < progress.articles < progress.total_articles:
            remaining = elapsed / progress.articles * (progress.total_articles - progress.articles)
            left = f", about {tqdm.format_interval(remaining)} left"
        return (f"[{progress.articles}/{progress.total_articles} articles] {progress.segments:,} segments MT, "
                f"{rate:.1f} seg/s, {tqdm.format_interval(elapsed)} elapsed{left}")

    def message(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            click.echo(text, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _print_summary(summary, engine) -> None:
    tokens_rate = summary.target_tokens / summary.mt_seconds if summary.mt_seconds > 0 else 0.0
    seg_rate = summary.segments_mt / summary.mt_seconds if summary.mt_seconds > 0 else 0.0
    click.echo(f"Articles: {summary.done} done, {summary.skipped} skipped (up to date), "
               f"{len(summary.failed)} failed, of {summary.articles}.")
    click.echo(f"Segments: {summary.segments:,} in the articles done: {summary.segments_mt:,} by MT, "
               f"{summary.segments_memory:,} from memory (and {summary.segments_fuzzy:,} with fuzzy matches), "
               f"{summary.segments_kept:,} kept from the pair files.")
    click.echo(f"Throughput: {seg_rate:.1f} segments/s, {tokens_rate:.0f} target tokens/s over {summary.mt_seconds:.1f} s "
               f"of MT ({engine.backend_name}, {engine.device}); model load {summary.load_seconds:.1f} s; "
               f"total {summary.seconds:.1f} s.")
    for worker in getattr(engine, "workers", []):  # a Ray engine: each worker's share
        restarts = f", restarted {worker.restarts} time(s)" if worker.restarts else ""
        click.echo(f"  worker {worker.index + 1} ({worker.host}): {worker.segments:,} segments in {worker.batches} "
                   f"batches, {worker.tokens_per_second:.0f} target tokens/s over {worker.seconds:.1f} s{restarts}")
    if summary.oom_retries:
        click.echo(f"Out of memory {summary.oom_retries} time(s): batches were halved and retried.")
    for path, reason in summary.failed:
        click.echo(f"Failed: {path}: {reason}" if not reason.startswith(str(path)) else f"Failed: {reason}", err=True)
    if summary.interrupted:
        click.echo("Interrupted: pair files written so far are complete. Run the same command again to resume.", err=True)
