"""Defaults from ``translate.toml`` at the repository root; command-line options override them.

```toml
[translate]
workdir = "corpus/work"        # where pair files go
model = "Helsinki-NLP/opus-mt-en-fr"   # hub id or local folder
glossary = "glossary"          # a TSV file or a folder of them
device = "auto"                # auto, cpu, cuda, cuda:N, mps
beam_size = 4
backend = "auto"               # auto, transformers, ctranslate2
dtype = "auto"                 # transformers precision: auto, float32, float16, bfloat16, int8
compute_type = "auto"          # CTranslate2 compute type: auto, int8, int8_float32, float16, ...
ctranslate2_convert = false    # auto backend: convert the model for CTranslate2 on first use
# max_batch_tokens = 4096      # padded source tokens x beams per batch [4,096 on a CPU, 65,536 on a GPU]

[batch]
engine = "local"               # local, or ray: MT on a Ray cluster (docs/cluster.md)

[ray]                          # used with engine = "ray"
address = "auto"               # auto, ray://HOST:10001, or leave out for a Ray on this machine
workers = 8                    # engine actors; default: as many as the resources allow
gpus_per_worker = 1            # default: 1 on a cluster with GPUs, else 0
cpus_per_worker = 1
```
Relative paths are relative to the folder holding ``translate.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from translate.mt.engine import DEFAULT_MODEL
from translate.core.errors import ConfigError

CONFIG_NAME = "translate.toml"
_KNOWN = {"workdir", "model", "glossary", "device", "beam_size", "out", "memory", "backend", "dtype", "compute_type",
          "ctranslate2_convert", "max_batch_tokens"}
# The batch budget a user may set (padded source tokens x beams): below it no sentence batches
# at beam 4; above it one batch could take tens of gigabytes.
BATCH_TOKENS_RANGE = (64, 1_048_576)
_CHOICES = {
    "backend": ("auto", "transformers", "ctranslate2"),
    "dtype": ("auto", "float32", "float16", "bfloat16", "int8"),
    "compute_type": ("auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "float16", "bfloat16",
                     "float32"),
}


@dataclass
class Settings:
    workdir: Path = Path("corpus/work")
    model: str = DEFAULT_MODEL
    glossary: Path | None = None
    device: str = "auto"
    beam_size: int = 4
    backend: str = "auto"
    dtype: str = "auto"
    compute_type: str = "auto"
    ctranslate2_convert: bool = False
    max_batch_tokens: int | None = None  # None: the device's default (translate/mt/engine.py)
    out: Path = Path("corpus/fr")
    memory: Path | None = None  # translation memory database; default: <workdir>/memory.sqlite
    source: Path | None = None  # the translate.toml these came from, if any
    raw: dict = field(default_factory=dict)


def find_config(start: Path | None = None) -> Path | None:
    """``translate.toml`` in ``start`` or the nearest parent, stopping at a repository root."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def load_settings(start: Path | None = None, path: Path | None = None) -> Settings:
    path = path or find_config(start)
    settings = Settings()
    base = Path.cwd()
    if path is None:
        if (base / "glossary").is_dir():
            settings.glossary = Path("glossary")
        return settings
    table = read_section(path, "translate", _KNOWN)
    root = path.parent

    def as_path(key: str) -> Path | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{path}: {key} must be a non-empty string.")
        return _relative(root / value)

    settings.source = path
    settings.raw = table
    settings.workdir = as_path("workdir") or _relative(root / "corpus/work")
    settings.out = as_path("out") or _relative(root / "corpus/fr")
    settings.glossary = as_path("glossary") or ((_relative(root / "glossary")) if (root / "glossary").is_dir() else None)
    settings.memory = as_path("memory")
    model = table.get("model", DEFAULT_MODEL)
    if not isinstance(model, str) or not model:
        raise ConfigError(f"{path}: model must be a hub id or a folder path.")
    local = root / model
    settings.model = str(_relative(local)) if (model.startswith(".") or local.exists()) else model
    device = table.get("device", "auto")
    if not isinstance(device, str):
        raise ConfigError(f"{path}: device must be a string such as auto, cpu or cuda.")
    settings.device = device
    beam = table.get("beam_size", 4)
    if not _whole_number(beam, 1, 32):
        raise ConfigError(f"{path}: beam_size must be an integer from 1 to 32.")
    settings.beam_size = beam
    for key, choices in _CHOICES.items():
        value = table.get(key, "auto")
        if value not in choices:
            raise ConfigError(f"{path}: {key} must be one of {', '.join(choices)} (not {value!r}).")
        setattr(settings, key, value)
    convert = table.get("ctranslate2_convert", False)
    if not isinstance(convert, bool):
        raise ConfigError(f"{path}: ctranslate2_convert must be true or false.")
    settings.ctranslate2_convert = convert
    budget = table.get("max_batch_tokens")
    low, high = BATCH_TOKENS_RANGE
    if budget is not None and not _whole_number(budget, low, high):
        raise ConfigError(f"{path}: max_batch_tokens must be an integer from {low:,} to {high:,} "
                          f"(padded source tokens x beams per batch), or left out for the device's default.")
    settings.max_batch_tokens = budget
    return settings


def _whole_number(value: object, low: int, high: int | None = None) -> bool:
    """An int from ``low`` to ``high`` (TOML's true/false are not numbers, though Python's bool is an int)."""
    return (isinstance(value, int) and not isinstance(value, bool) and value >= low
            and (high is None or value <= high))


def read_section(path: Path, section: str, known: set[str] | frozenset[str]) -> dict:
    """One ``[section]`` of translate.toml, checked: valid TOML, a table, only known keys."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file or remove it.") from None
    table = data.get(section, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{section}] must be a table.")
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown [{section}] setting(s) {', '.join(unknown)}. "
                          f"Known: {', '.join(sorted(known))}.")
    return table


def _relative(path: Path) -> Path:
    # Shorter paths in messages when the file sits under the working directory.
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path.resolve()


def comment_sites(start: Path | None = None) -> frozenset[str]:
    """``[ingest] comments``: the sites whose reader comments a newsroom translates (host names,
    subdomains included). Empty without translate.toml or the setting: comments are left out."""
    path = find_config(start)
    if path is None:
        return frozenset()
    sites = read_section(path, "ingest", {"comments"}).get("comments", [])
    if not isinstance(sites, list) or not all(isinstance(x, str) for x in sites):
        raise ConfigError(f"{path}: [ingest] comments must be a list of site names, e.g. [\"example.com\"].")
    return frozenset(x.strip().lower().removeprefix("www.") for x in sites if x.strip())


BATCH_ENGINES = ("local", "ray")
_BATCH_KEYS = frozenset({"engine"})
_RAY_KEYS = frozenset({"address", "workers", "gpus_per_worker", "cpus_per_worker"})


@dataclass
class RayOptions:
    """Where and how wide a Ray batch runs (``[ray]`` of translate.toml, or the batch options)."""

    address: str | None = None  # None: a Ray on this machine; "auto": the running cluster; ray://...
    workers: int | None = None  # None: as many as the cluster's resources allow
    gpus_per_worker: float | None = None  # None: 1 where the cluster has GPUs, else 0
    cpus_per_worker: float | None = None  # None: 1


def load_batch_engine(path: Path | None) -> str:
    """``[batch] engine`` of translate.toml: local (the default) or ray."""
    if path is None:
        return "local"
    engine = read_section(path, "batch", _BATCH_KEYS).get("engine", "local")
    if engine not in BATCH_ENGINES:
        raise ConfigError(f"{path}: [batch] engine must be one of {', '.join(BATCH_ENGINES)}, not {engine!r}.")
    return engine


def load_ray_options(path: Path | None) -> RayOptions:
    """``[ray]`` of translate.toml, checked."""
    options = RayOptions()
    if path is None:
        return options
    table = read_section(path, "ray", _RAY_KEYS)
    address = table.get("address")
    if address is not None and (not isinstance(address, str) or not address):
        raise ConfigError(f"{path}: [ray] address must be \"auto\" or ray://HOST:PORT.")
    options.address = address
    workers = table.get("workers")
    if workers is not None and not _whole_number(workers, 1):
        raise ConfigError(f"{path}: [ray] workers must be a whole number of at least 1.")
    options.workers = workers
    for key in ("gpus_per_worker", "cpus_per_worker"):
        value = table.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise ConfigError(f"{path}: [ray] {key} must be a number of at least 0 (fractions share a device).")
        setattr(options, key, value)
    return options
