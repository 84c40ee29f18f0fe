"""The project's own error types.

Every user error is one of these: the CLI turns them into a one-line message and an exit code,
never a traceback. A message says what input was wrong (file, line, segment) and what to do.
"""

from __future__ import annotations


class TranslateError(Exception):
    """Base class for every error the CLI reports as a clear message."""

    exit_code = 1


class UsageError(TranslateError):
    """The command was called in a way that cannot work: no glossary given, no such workspace, options
    that contradict each other. Exit code 2, as for click's own usage errors."""

    exit_code = 2


class InputError(TranslateError):
    """An article, glossary or other input file cannot be used as given."""


class ModelError(TranslateError):
    """The MT model cannot be loaded (offline, missing, not a Marian model)."""

    # A distinct code so scripts (the demo) can tell "no model" from other failures.
    exit_code = 3


class PairFileError(TranslateError):
    """A pair file (XLIFF) is malformed, invalid or does not belong to this article."""


class ConfigError(TranslateError):
    """translate.toml is malformed or names an unknown setting."""


class ArticleBusy(TranslateError):
    """Another process is working on the same article."""


class MemoryStoreError(TranslateError):
    """The translation memory database is locked, corrupt or cannot be written."""


class WriteRefused(TranslateError):
    """A file the tool would write is a symbolic link, or read-only: written only when told."""


class ClusterError(TranslateError):
    """A Ray batch cannot start or go on: Ray missing, the cluster unreachable, workers lost."""
