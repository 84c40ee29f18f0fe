"""QA settings: the ``[qa]`` table of translate.toml, read by the project's config reader.

```toml
[qa]
disable = ["length-ratio"]                      # checks switched off for this newsroom
severity = { english-words = "error", typography = "info" }   # checks re-graded
publish_gate = true                             # publish refuses a final segment with an unwaived error
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from translate.core.errors import ConfigError
from translate.qa.model import SEVERITIES
from translate.core.config import read_section
from translate.qa.registry import all_checks

_KEYS = {"disable", "severity", "publish_gate"}


@dataclass
class QaConfig:
    disabled: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    publish_gate: bool = True

    def severity_of(self, check: str, default: str) -> str:
        return self.severity.get(check, default)


def qa_config(source: Path | None) -> QaConfig:
    """The [qa] settings of ``source`` (a translate.toml), checked against the registry."""
    if source is None:
        return QaConfig()

    table = read_section(Path(source), "qa", _KEYS)
    known = all_checks()
    disabled = table.get("disable", [])
    if not isinstance(disabled, list) or not all(isinstance(x, str) for x in disabled):
        raise ConfigError(f"{source}: [qa] disable must be a list of check ids.")
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError(f"{source}: [qa] severity must be a table: check id = \"error\"|\"warning\"|\"info\".")
    unknown = sorted(set(disabled) | set(severity))
    unknown = [c for c in unknown if c not in known]
    if unknown:
        raise ConfigError(f"{source}: [qa] unknown check id(s) {', '.join(unknown)}. "
                          f"Known: {', '.join(sorted(known))}.")
    for check, level in severity.items():
        if level not in SEVERITIES:
            raise ConfigError(f"{source}: [qa] severity of {check} must be one of {', '.join(SEVERITIES)}, not {level!r}.")
    gate = table.get("publish_gate", True)
    if not isinstance(gate, bool):
        raise ConfigError(f"{source}: [qa] publish_gate must be true or false.")
    return QaConfig(disabled=frozenset(disabled), severity=dict(severity), publish_gate=gate)
