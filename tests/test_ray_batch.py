"""`translate batch --engine ray`: the batch with its MT on Ray workers gives the local batch's files.

The tests marked ``ray`` start a real local Ray (2 CPUs, two actors, each loading the random-weight
test model once; greedy, so drafts are deterministic) and compare byte for byte with the local
batch: plainly, with a worker killed by SIGKILL mid-run, and after a stop and a resume. Run them
alone with ``pytest -m ray``. The others check sizing, settings and errors without starting Ray.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from translate.cli.group import main
from translate.core.config import RayOptions, load_batch_engine, load_ray_options
from translate.core.errors import ClusterError, ConfigError
from translate.mt.engine import EngineSettings, MarianEngine
from translate.pipeline.batch import run_batch
from translate.pipeline.ray_batch import size_pool

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLE = REPO / "corpus" / "en" / "putin-biden-geneva-summit.txt"

ARTICLES = {
    "alpha.txt": "Putin met Biden in Geneva. The talks were constructive.\n\nOfficials said so on Wednesday.\n",
    "beta.md": "The minister resigned on Monday. Her party was surprised.\n",
    "sub/gamma.txt": "Markets fell sharply. Analysts blamed the central bank.\n\nPutin met Biden in Geneva.\n",
}
# Small batches, so one chunk makes many of them and both workers take a share (the same
# settings for the local reference: the batches are part of what makes the drafts).
SETTINGS = dict(beam_size=1, max_batch_size=3, threads=1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ray-corpus") / "en"
    for name, text in ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    (root / SEED_ARTICLE.name).write_text(SEED_ARTICLE.read_text("utf-8"), "utf-8")
    return root


@pytest.fixture(scope="module")
def glossary():
    from translate.glossary.entries import load_glossary

    return load_glossary(REPO / "glossary")


@pytest.fixture(scope="module")
def local_run(test_model_dir, corpus, glossary, tmp_path_factory):
    """The local batch's pair files, with the same engine settings and glossary locking, and
    the segments its progress counted."""
    import torch

    threads = torch.get_num_threads()  # one thread, as each worker has: the setting is process-wide
    try:
        engine = MarianEngine.load(str(test_model_dir), device="cpu", settings=EngineSettings(**SETTINGS))
        workdir = tmp_path_factory.mktemp("ray-reference") / "work"  # as deep as the Ray runs' (source-id is relative)
        seen: list[int] = []
        summary = run_batch([corpus], engine, workdir, glossary=glossary, on_progress=lambda p: seen.append(p.segments))
    finally:
        torch.set_num_threads(threads)
    assert summary.exit_code == 0 and summary.done == 4
    return read_all(workdir), max(seen)


@pytest.fixture(scope="module")
def reference(local_run) -> dict[str, bytes]:
    return local_run[0]


@pytest.fixture(scope="module")
def ray_engine(test_model_dir):
    import ray

    from translate.pipeline.ray_batch import RayEngine

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        engine = RayEngine.start(RayOptions(workers=2, cpus_per_worker=1), backend="transformers",
                                 model=str(test_model_dir), device="cpu", settings=EngineSettings(**SETTINGS))
        yield engine
        engine.close()
    finally:
        ray.shutdown()


def read_all(workdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(workdir).glob("*.xlf"))}


_CONFIDENCE = re.compile(rb'(<mda:meta type="mt-logprob">)-?[0-9.]+(</mda:meta>)')


def without_confidence(files: dict[str, bytes]) -> dict[str, bytes]:
    """The pair files with the model's confidence values blanked (each meta kept). A run cut into
    other batches (a stop, then a resume) makes the same drafts, but the log-probabilities summed
    over them move in the last digits with the batch's padding and precision."""
    return {name: _CONFIDENCE.sub(rb"\1\2", data) for name, data in files.items()}


@pytest.mark.ray
def test_ray_batch_writes_the_local_batch_files(ray_engine, corpus, glossary, reference, tmp_path):
    before = [w.batches for w in ray_engine.workers]
    summary = run_batch([corpus], ray_engine, tmp_path / "work", glossary=glossary)
    assert summary.exit_code == 0 and summary.done == 4
    files = read_all(tmp_path / "work")
    assert sorted(files) == sorted(reference) == ["alpha.xlf", "beta.xlf", "gamma.xlf", "putin-biden-geneva-summit.xlf"]
    for name in reference:
        assert files[name] == reference[name], name
    # Locking's constrained decoding ran on the workers (the seed article has terms it forces).
    assert b"term-forced" in files["putin-biden-geneva-summit.xlf"]
    # Both workers took batches, and every batch is counted once.
    shares = [w.batches - b for w, b in zip(ray_engine.workers, before)]
    assert all(n > 0 for n in shares), shares
    assert summary.target_tokens > 0 and summary.mt_seconds > 0


@pytest.mark.ray
def test_worker_killed_mid_run_is_restarted_and_nothing_is_lost(ray_engine, corpus, glossary, local_run, tmp_path):
    reference, local_segments = local_run
    pids = ray_engine.actor_pids()
    killed: list[int] = []
    counted: list[int] = []

    def kill_once(progress) -> None:
        counted.append(progress.segments)
        if progress.segments > 0 and not killed:  # after the first batch came back: others are in flight
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    summary = run_batch([corpus], ray_engine, tmp_path / "work", glossary=glossary, on_progress=kill_once)
    assert killed and summary.exit_code == 0 and summary.done == 4
    assert read_all(tmp_path / "work") == reference  # nothing lost, nothing doubled, same drafts
    assert ray_engine.actor_pids()[0] != pids[0]  # Ray restarted the worker
    # Each batch was counted once although some ran twice: as many segments as the local run.
    assert max(counted) == local_segments


@pytest.mark.ray
def test_stop_then_resume_gives_the_same_files(ray_engine, corpus, glossary, reference, tmp_path):
    workdir = tmp_path / "work"

    def stop_once_one_is_written() -> bool:
        return bool(list(workdir.glob("*.xlf")))

    stopped = run_batch([corpus], ray_engine, workdir, glossary=glossary, should_stop=stop_once_one_is_written,
                        chunk_articles=1)
    assert stopped.interrupted and stopped.exit_code == 130
    assert sorted(read_all(workdir)) == ["alpha.xlf"]
    assert ray_engine.on_batch is None and ray_engine.should_stop is None

    resumed = run_batch([corpus], ray_engine, workdir, glossary=glossary)
    assert not resumed.interrupted and (resumed.done, resumed.skipped) == (3, 1)
    assert without_confidence(read_all(workdir)) == without_confidence(reference)
    assert all(_CONFIDENCE.search(data) for data in read_all(workdir).values())


@pytest.mark.ray
def test_cli_engine_ray_matches_local_cli(ray_engine, test_model_dir, corpus, tmp_path):
    """The command end to end (one worker, the engine's default batches) against `translate batch`.
    The module's two workers hold the two CPUs, so this one asks for none."""
    common = ["batch", "--model", str(test_model_dir), "--beam-size", "1", "--glossary", str(REPO / "glossary")]
    inputs = [str(corpus / "alpha.txt"), str(corpus / SEED_ARTICLE.name)]
    local = CliRunner().invoke(main, [*common, "--workdir", str(tmp_path / "local"), *inputs])
    assert local.exit_code == 0, local.output
    result = CliRunner().invoke(main, [*common, "--workdir", str(tmp_path / "ray"), "--engine", "ray",
                                       "--workers", "1", "--cpus-per-worker", "0", *inputs])
    assert result.exit_code == 0, result.output
    assert "2 done, 0 skipped" in result.output
    assert "1 Ray worker (cpu)" in result.output and "worker 1 (" in result.output
    assert read_all(tmp_path / "ray") == read_all(tmp_path / "local")


def test_local_batch_never_imports_ray(test_model_dir, tmp_path):
    article = tmp_path / "en" / "a.txt"
    article.parent.mkdir()
    article.write_text("The minister resigned on Monday.\n", "utf-8")
    script = textwrap.dedent(f"""
        import sys
        from click.testing import CliRunner
        from translate.cli.group import main
        r = CliRunner().invoke(main, ["batch", "--model", {str(test_model_dir)!r}, "--beam-size", "1",
                                      "--workdir", {str(tmp_path / "work")!r}, {str(article.parent)!r}])
        assert r.exit_code == 0, r.output
        print("ray" in sys.modules, "translate.pipeline.ray_batch" in sys.modules)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_missing_ray_says_how_to_install(monkeypatch, tmp_path):
    from translate.pipeline import ray_batch

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(ClusterError, match=r"pip install .*\[ray\]"):
        ray_batch.import_ray()
    article = tmp_path / "a.txt"
    article.write_text("The minister resigned on Monday.\n", "utf-8")
    result = CliRunner().invoke(main, ["batch", "--engine", "ray", "--model", str(tmp_path), "--workdir",
                                       str(tmp_path / "work"), str(article)])
    assert result.exit_code == 1 and "Error:" in result.output and "[ray]" in result.output
    assert "Traceback" not in result.output


def test_ray_options_need_engine_ray(tmp_path):
    result = CliRunner().invoke(main, ["batch", "--workers", "2", str(tmp_path)])
    assert result.exit_code == 2 and "--workers only apply with --engine ray" in result.output


def test_pool_size_from_cluster_resources():
    gpus = {"CPU": 64.0, "GPU": 8.0}
    assert size_pool(RayOptions(), gpus)[0].__dict__ == {"workers": 8, "gpus_per_worker": 1.0, "cpus_per_worker": 1.0}
    assert size_pool(RayOptions(gpus_per_worker=0.5), gpus)[0].workers == 16  # two engines share a GPU
    assert size_pool(RayOptions(), {"CPU": 6.0})[0].__dict__ == {"workers": 6, "gpus_per_worker": 0.0, "cpus_per_worker": 1.0}
    assert size_pool(RayOptions(cpus_per_worker=4), {"CPU": 6.0})[0].workers == 1
    size, warning = size_pool(RayOptions(workers=12), gpus)
    assert size.workers == 12 and "12 GPUs (8 free)" in warning
    assert size_pool(RayOptions(workers=4), gpus)[1] is None


def test_batch_and_ray_settings_from_translate_toml(tmp_path):
    config = tmp_path / "translate.toml"
    config.write_text('[batch]\nengine = "ray"\n[ray]\naddress = "auto"\nworkers = 4\ngpus_per_worker = 0.5\n', "utf-8")
    assert load_batch_engine(config) == "ray"
    assert load_ray_options(config) == RayOptions(address="auto", workers=4, gpus_per_worker=0.5)
    assert load_batch_engine(None) == "local" and load_ray_options(None) == RayOptions()
    config.write_text('[batch]\nengine = "spark"\n', "utf-8")
    with pytest.raises(ConfigError, match="local, ray"):
        load_batch_engine(config)
    config.write_text('[ray]\nworkers = 0\n', "utf-8")
    with pytest.raises(ConfigError, match="workers"):
        load_ray_options(config)
    config.write_text('[ray]\nnodes = 3\n', "utf-8")
    with pytest.raises(ConfigError, match="unknown"):
        load_ray_options(config)
