"""Boilerplate in plain-text scrapes: site chrome, ads, navigation and comment forms left out.

The rules are data (``translate/resources/boilerplate.tsv``, extended by a newsroom without code
changes): each matches a whole line and says why it is left out. Every line left out becomes a
:class:`~translate.core.article.Dropped` with its reason and line number, so `translate segment`
shows it and nothing is lost silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from translate.core.errors import InputError

ACTIONS = ("drop", "end", "header")


@dataclass(frozen=True)
class BoilerplateRule:
    action: str  # drop, end, header
    reason: str
    pattern: re.Pattern[str]
    line: int  # where the rule is written, for messages


def parse_rules(text: str, origin: str = "boilerplate.tsv") -> list[BoilerplateRule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        fields = raw.split("\t")
        if len(fields) != 3:
            raise InputError(f"{origin}: line {number}: a rule has three TAB-separated fields (action, reason, pattern).")
        action, reason, pattern = (f.strip() for f in fields)
        if action not in ACTIONS:
            raise InputError(f"{origin}: line {number}: unknown action {action!r}; use one of {', '.join(ACTIONS)}.")
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise InputError(f"{origin}: line {number}: the pattern is not a valid regular expression ({exc}).") from None
        rules.append(BoilerplateRule(action, reason, compiled, number))
    return rules


@lru_cache(maxsize=1)
def default_boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    text = resources.files("translate.resources").joinpath("boilerplate.tsv").read_text("utf-8")
    return tuple(parse_rules(text))


def load_boilerplate_rules(path: Path | None = None, extra: list[Path] | None = None) -> tuple[BoilerplateRule, ...]:
    rules = list(default_boilerplate_rules()) if path is None else parse_rules(Path(path).read_text("utf-8"), str(path))
    for extra_path in extra or []:
        rules.extend(parse_rules(Path(extra_path).read_text("utf-8"), str(extra_path)))
    return tuple(rules)


def match(line: str, rules: tuple[BoilerplateRule, ...], actions: tuple[str, ...] = ("drop", "end")) -> BoilerplateRule | None:
    """The first rule of one of ``actions`` matching the whole of ``line`` (stripped)."""
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return None
    for rule in rules:
        if rule.action in actions and rule.pattern.fullmatch(stripped):
            return rule
    return None
