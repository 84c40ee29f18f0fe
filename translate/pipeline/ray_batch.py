"""`translate batch --engine ray`: the same batch, its machine translation on a Ray cluster.

The driver (this process) runs :func:`translate.pipeline.batch.run_batch` unchanged: discovery,
resume, ingestion, memory recall, glossary locking, merging with human work, and every pair-file
and memory write under the article lock. Only the engine differs: :class:`RayEngine` looks like a
local engine to that code, and its ``translate()`` sends the work to a pool of Ray actors, each
holding one engine (any backend) loaded once:

1. one worker *plans* the call: texts split to the input limit, de-duplicated, length-sorted into
   token-budget batches by the backend's own code (``BatchEngine.plan``/``batch_plan``), so the
   batches are exactly those a local run would generate;
2. the batches go to the workers, two in flight per worker so none idles while the driver
   answers; each runs the backend's ``_generate`` (out-of-memory halving included);
3. the driver puts the results back in input order (``TranslationPlan.assemble``).

Term locking's constrained decoding crosses over as data: the driver's hook carries its locked
forms, each worker rebuilds the logits processor from them on its own tokenizer, and the texts it
had to steer come back to the driver's hook, so ``translate_locked`` is the local code.

Faults: actors are created with restarts and task retries, so a worker that dies (SIGKILL, a lost
node) is restarted by Ray, reloads its engine, and the batches it held run again; the driver takes
one result per batch, so nothing is lost or counted twice, and only the driver writes files.
A stop (Ctrl-C) is honoured between batches as locally: nothing more is sent, the batches in
flight are finished and dropped, and the chunk is not written.

Why actors through ``ray.remote`` and not Ray Data ``map_batches``: a Ray Data pool of actors
lives for one dataset execution. ``run_batch`` calls the engine once per chunk, and locking calls
it twice (the constrained pass depends on the driver checking the plain pass), so every call
would be a new dataset whose actors load the model again. The per-call settings could travel as
a column; the model loading could not be shared. Long-lived actors load it once per run.

``ray`` is imported only here, and only when a Ray engine starts (the extra ``[ray]``).
"""

from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import translate
from translate.core.config import RayOptions
from translate.core.errors import ClusterError, ModelError, TranslateError
from translate.mt.backends import load_backend
from translate.mt.engine import EngineSettings, EngineStats, StopRequested, Translation, _looks_like_path
from translate.mt.termlock import _ConstraintHook

INSTALL_HINT = 'pip install "translate-newsroom[ray]" (or, in a clone: pip install -e ".[ray]")'
# Batches queued per worker: one running, one waiting, so a worker never waits on the driver.
IN_FLIGHT_PER_WORKER = 2
# Ray restarts a dead worker (and re-runs its batches) this many times before the run fails.
WORKER_RESTARTS = 3
WAIT_SECONDS = 0.5  # how often a waiting driver looks at the stop flag


def import_ray():
    try:
        import ray
    except ImportError:
        raise ClusterError(f"--engine ray needs Ray, an optional extra that is not installed. Install it: {INSTALL_HINT}") from None
    return ray


# ---------------------------------------------------------------------------- the worker (an actor)
class EngineWorker:
    """One engine, loaded once, in a Ray actor; the driver calls :meth:`plan` and :meth:`generate`."""

    def __init__(self, backend: str, model: str, model_id: str, device: str | None, settings: EngineSettings,
                 index: int) -> None:
        self.index = index
        self.engine = load_backend(backend, model, device=device, settings=settings)
        # The model as the driver names it, so the stamp (and the pair files) equal a local run's.
        self.engine.model_id = model_id

    def info(self) -> dict:
        engine = self.engine
        return {
            "stamp": engine.stamp(), "backend": engine.backend_name, "device": engine.device,
            "test_model": engine.is_test_model, "logits_processors": engine.supports_logits_processors,
            "load_seconds": engine.stats.load_seconds, "version": translate.__version__,
            "host": socket.gethostname(), "pid": os.getpid(),
            "precision": engine.precision_name, "precision_reasons": list(engine.precision_reasons),
        }

    def count_tokens(self, text: str) -> int:
        return self.engine.count_tokens(text)

    def plan(self, texts: list[str]):
        """The local engine's plan of ``texts``: (TranslationPlan, batches of unique pieces)."""
        engine = self.engine
        try:
            plan = engine.plan(texts)
            _, batches = engine.batch_plan(plan.pieces)
        finally:
            engine._ids_cache = {}
        return plan, [[plan.pieces[i] for i in batch] for batch in batches]

    def generate(self, pieces: list[str], forms: list[str] | None):
        """Translate one batch: ((text, capped, tokens) per piece, per steered piece the counts of
        the forms steered, figures)."""
        engine = self.engine
        started = time.perf_counter()
        oom_before, tokens_before = engine.stats.oom_retries, engine.stats.target_tokens
        hook = None
        if forms is not None:
            hook = _ConstraintHook(engine, forms)
        engine._logprobs = {}
        try:
            outputs = engine._generate_fitting([engine._encode(p) for p in pieces], list(pieces), hook)
        finally:
            engine._ids_cache = {}
        figures = {"seconds": time.perf_counter() - started, "pid": os.getpid(),
                   "target_tokens": engine.stats.target_tokens - tokens_before,
                   "oom_retries": engine.stats.oom_retries - oom_before,
                   # the model's confidence per piece (translate/mt/confidence.py), for the QA
                   "logprobs": {p: engine._logprobs.get(p) for p in pieces}}
        engine._logprobs = {}
        return outputs, hook.steered_pieces() if hook is not None else {}, figures


# ---------------------------------------------------------------------------- sizing the pool
@dataclass
class PoolSize:
    workers: int
    gpus_per_worker: float
    cpus_per_worker: float


def size_pool(options: RayOptions, resources: dict[str, float]) -> tuple[PoolSize, str | None]:
    """How many workers of what size, from the options and the cluster's free resources; and a
    warning when they ask for more than is free now (workers wait for resources, or for an
    autoscaler to add nodes)."""
    gpus, cpus = float(resources.get("GPU", 0)), float(resources.get("CPU", 0))
    gpw = options.gpus_per_worker if options.gpus_per_worker is not None else (1.0 if gpus >= 1 else 0.0)
    cpw = options.cpus_per_worker if options.cpus_per_worker is not None else 1.0
    if options.workers is not None:
        workers = options.workers
    elif gpw > 0:
        workers = int(gpus // gpw)
    else:
        workers = int(cpus // cpw) if cpw > 0 else 1
    workers = max(1, workers)
    short = []
    if workers * gpw > gpus + 1e-9:
        short.append(f"{workers * gpw:g} GPUs ({gpus:g} free)")
    if workers * cpw > cpus + 1e-9:
        short.append(f"{workers * cpw:g} CPUs ({cpus:g} free)")
    warning = None
    if short:
        warning = (f"{workers} workers need {' and '.join(short)}: the others wait until resources free up or "
                   "the cluster grows (an autoscaler); otherwise lower --workers or the per-worker resources.")
    return PoolSize(workers, float(gpw), float(cpw)), warning


# ---------------------------------------------------------------------------- the driver's engine
@dataclass
class WorkerStats:
    """One worker's share of the run, for the summary."""

    index: int
    host: str = ""
    pid: int = 0
    batches: int = 0
    segments: int = 0
    target_tokens: int = 0
    seconds: float = 0.0
    restarts: int = 0  # times a new process took over (the pid changed)

    @property
    def tokens_per_second(self) -> float:
        return self.target_tokens / self.seconds if self.seconds > 0 else 0.0


class RayEngine:
    """What the batch code needs of an engine, with generation on a pool of Ray actors."""

    def __init__(self, ray: Any, actors: list, infos: list[dict], *, started_ray: bool) -> None:
        self._ray = ray
        self._actors = actors
        self._started_ray = started_ray
        first = infos[0]
        self._stamp = dict(first["stamp"])
        self.backend_name = first["backend"]
        self.supports_logits_processors = bool(first["logits_processors"])
        self.is_test_model = bool(first["test_model"])
        self.model_id = self._stamp.get("model", "")
        self.worker_device = first["device"]
        self.device = f"{len(actors)} Ray worker{'s' if len(actors) != 1 else ''} ({first['device']})"
        self.stats = EngineStats(load_seconds=max(info["load_seconds"] for info in infos))
        self.workers = [WorkerStats(i, info["host"], info["pid"]) for i, info in enumerate(infos)]
        self.precision_name = first.get("precision", "float32")
        self.precision_reasons = tuple(first.get("precision_reasons", ()))
        self.on_batch: Callable[[int], None] | None = None
        self.should_stop: Callable[[], bool] | None = None
        self._next_planner = 0
        self._pieces: dict[str, list[str]] = {}  # the last translate call's pieces per text (pieces_of)

    @contextmanager
    def hooks(self, *, on_batch: Callable[[int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> Iterator[None]:
        """Progress and stop hooks for one run, restored afterwards (as :meth:`BatchEngine.hooks`)."""
        saved = self.on_batch, self.should_stop
        self.on_batch, self.should_stop = on_batch, should_stop
        try:
            yield
        finally:
            self.on_batch, self.should_stop = saved

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text``, by a worker's tokenizer (the driver loads no model)."""
        return self._get(self._actors[0].count_tokens.remote(text), "counting tokens")

    def pieces_of(self, text: str) -> list[str]:
        """The pieces the last :meth:`translate` call sent for ``text`` (its plan was made by a
        worker): what term locking sums the steered forms over."""
        return list(self._pieces.get(text, [text] if text.strip() else []))

    # ------------------------------------------------------------------ starting and stopping
    @classmethod
    def start(cls, options: RayOptions, *, backend: str, model: str, device: str | None,
              settings: EngineSettings, on_message: Callable[[str], None] | None = None) -> "RayEngine":
        """Connect to Ray (or start one on this machine), start the workers, wait until each has
        loaded its engine; a worker that cannot load it fails the start with its reason."""
        ray = import_ray()
        started = time.perf_counter()
        started_ray = False
        if not ray.is_initialized():
            try:
                ray.init(address=options.address, log_to_driver=False, include_dashboard=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = options.address or "a local Ray"
                raise ClusterError(f"Ray at {where} cannot be reached or started: {exc}. Start the cluster "
                                   "(`ray start --head`, `ray up`, KubeRay) or check --address.") from None
            started_ray = True
        try:
            size, warning = size_pool(options, ray.available_resources())
            if warning and on_message:
                on_message(f"Warning: {warning}")
            # A model folder is sent as an absolute path (the same path on every node: a shared
            # disk or the same cache); the pair files keep the name as given, as a local run does.
            load_from = str(Path(model).expanduser().resolve()) if _looks_like_path(model) and Path(model).exists() else model
            worker_settings = settings
            if size.gpus_per_worker == 0 and settings.threads is None and size.cpus_per_worker >= 1:
                worker_settings = EngineSettings(**{**settings.__dict__, "threads": int(size.cpus_per_worker)})
            remote = ray.remote(EngineWorker).options(
                num_gpus=size.gpus_per_worker, num_cpus=size.cpus_per_worker,
                max_restarts=WORKER_RESTARTS, max_task_retries=WORKER_RESTARTS)
            actors = [remote.remote(backend, load_from, model, device, worker_settings, i) for i in range(size.workers)]
            try:
                infos = ray.get([actor.info.remote() for actor in actors])
            except BaseException:
                for actor in actors:
                    ray.kill(actor)
                raise
        except BaseException as exc:
            if started_ray:
                ray.shutdown()
            raise _translate_ray_error(ray, exc, "starting the workers") from None
        engine = cls(ray, actors, infos, started_ray=started_ray)
        engine._check_agree(infos)
        engine.stats.load_seconds = time.perf_counter() - started
        return engine

    def _check_agree(self, infos: list[dict]) -> None:
        for info in infos:
            if info["version"] != translate.__version__:
                self.close()
                raise ClusterError(f"worker on {info['host']} runs translate {info['version']}, this driver "
                                   f"{translate.__version__}: install the same version on every node.")
            if info["stamp"] != self._stamp:
                keys = sorted(k for k in set(info["stamp"]) | set(self._stamp) if info["stamp"].get(k) != self._stamp.get(k))
                self.close()
                raise ClusterError(f"workers disagree on {', '.join(keys)} (worker on {info['host']}): their drafts "
                                   "would differ. Install the same libraries and model on every node.")

    def close(self) -> None:
        """Stop the workers (and the Ray this engine started, if it did)."""
        ray = self._ray
        if ray is None:
            return
        for actor in self._actors:
            try:
                ray.kill(actor)
            except Exception:  # noqa: BLE001 - an actor already gone is fine
                pass
        self._actors = []
        if self._started_ray:
            ray.shutdown()
        self._ray = None

    def __enter__(self) -> "RayEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ the engine interface
    def stamp(self) -> dict[str, str]:
        return dict(self._stamp)

    def actor_pids(self) -> list[int]:
        """The process id of each worker now (tests kill one to check recovery)."""
        infos = self._ray.get([actor.info.remote() for actor in self._actors])
        return [info["pid"] for info in infos]

    def translate(self, texts: Sequence[str], *, logits_processors: Any = None) -> list[Translation]:
        """As the local engine's ``translate``; generation runs on the workers."""
        forms = None
        if logits_processors is not None:
            if not self.supports_logits_processors:
                raise ModelError(f"the {self.backend_name} backend cannot apply logits processors; "
                                 "use the transformers backend for constrained decoding.")
            forms = getattr(logits_processors, "forms", None)
            if forms is None:  # only glossary locking's hook can be rebuilt on a worker from data
                raise ModelError("a Ray engine can only send glossary locking's constraints to its workers.")
            forms = list(forms)
        texts = list(texts)
        if not texts:
            return []
        started = time.perf_counter()
        planner = self._actors[self._next_planner % len(self._actors)]
        self._next_planner += 1
        plan, batches = self._get(planner.plan.remote(texts), "planning a batch")
        self._pieces = {text: parts for text, (parts, _, _) in zip(texts, plan.texts)}
        results, steered, logprobs = self._run(batches, forms)
        if steered and logits_processors is not None:
            logits_processors.add_steered(steered)
        self.stats.translate_seconds += time.perf_counter() - started
        return plan.assemble(results, logprobs)

    def _run(self, batches: list[list[str]], forms: list[str] | None) -> tuple[dict, dict, dict]:
        """Every batch through the workers, up to IN_FLIGHT_PER_WORKER each: results, steered
        forms and the model's confidence, by piece."""
        ray = self._ray
        queue = list(range(len(batches)))[::-1]  # popped from the end: longest batches first
        in_flight: dict[Any, tuple[int, int]] = {}  # ref -> (batch, worker)
        load = [0] * len(self._actors)
        results: dict[str, tuple[str, bool, int]] = {}
        steered: dict[str, dict[str, int]] = {}
        logprobs: dict[str, float | None] = {}
        stopping = False
        while queue or in_flight:
            if not stopping and self.should_stop is not None and self.should_stop():
                stopping = True  # nothing more is sent; what is in flight finishes and is dropped
                queue.clear()
            while queue:
                worker = min(range(len(load)), key=load.__getitem__)
                if load[worker] >= IN_FLIGHT_PER_WORKER:
                    break
                b = queue.pop()
                in_flight[self._actors[worker].generate.remote(batches[b], forms)] = (b, worker)
                load[worker] += 1
            if not in_flight:
                break
            done, _ = ray.wait(list(in_flight), num_returns=1, timeout=WAIT_SECONDS)
            for ref in done:
                b, worker = in_flight.pop(ref)
                load[worker] -= 1
                outputs, forced, figures = self._get(ref, f"batch {b + 1} of {len(batches)}")
                if stopping:
                    continue
                for piece, output in zip(batches[b], outputs):
                    results[piece] = output
                steered.update(forced)  # a piece is in one batch only: no counts to add up
                logprobs.update(figures.get("logprobs", {}))
                self._account(worker, len(batches[b]), figures)
                if self.on_batch is not None:
                    self.on_batch(len(batches[b]))
        if stopping:
            raise StopRequested("stopped on request between batches")
        return results, steered, logprobs

    def _account(self, worker: int, segments: int, figures: dict) -> None:
        stats = self.workers[worker]
        if figures["pid"] != stats.pid:
            stats.restarts += 1
            stats.pid = figures["pid"]
        stats.batches += 1
        stats.segments += segments
        stats.target_tokens += figures["target_tokens"]
        stats.seconds += figures["seconds"]
        self.stats.batches += 1
        self.stats.target_tokens += figures["target_tokens"]
        self.stats.oom_retries += figures["oom_retries"]

    def _get(self, ref: Any, what: str):
        try:
            return self._ray.get(ref)
        except Exception as exc:  # noqa: BLE001 - mapped to the project's errors
            raise _translate_ray_error(self._ray, exc, what) from None


def _translate_ray_error(ray: Any, exc: BaseException, what: str) -> BaseException:
    """A Ray failure as the project's error: a worker's own error (a model that cannot load)
    as itself, a worker lost for good as a :class:`ClusterError`."""
    if isinstance(exc, TranslateError) or not isinstance(exc, Exception):
        return exc
    exceptions = ray.exceptions
    cause = getattr(exc, "cause", None)
    if isinstance(exc, exceptions.RayTaskError) and isinstance(cause, TranslateError):
        return cause
    if isinstance(exc, exceptions.RayActorError):
        creation = getattr(exc, "error_msg", "") or str(exc)
        for line in creation.splitlines():  # a worker that failed to load its engine says why
            if "ModelError:" in line or "ClusterError:" in line:
                return ModelError(line.split("Error:", 1)[1].strip())
        return ClusterError(f"a Ray worker died {WORKER_RESTARTS + 1} times while {what}; the batch stops here "
                            "(written pair files are complete: run again to resume). Check the worker logs "
                            "(`ray logs`) for the cause, such as memory.")
    if isinstance(exc, exceptions.RayError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ClusterError(f"Ray failed while {what}: {first}")
    return exc

