"""The ``translate`` command line: the click group (:mod:`translate.cli.group`), shared options
(:mod:`translate.cli.options`) and one module per command under :mod:`translate.cli.commands`."""

from translate.cli.group import main

__all__ = ["main"]
