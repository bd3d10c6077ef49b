"""The one error family the engine raises for bad input.

Callers (the UI, the CLI) catch :class:`InterestLensError` and show ``str(err)``; it is always a
readable sentence that says what went wrong and where, never a raw library traceback.
"""

from __future__ import annotations


class InterestLensError(Exception):
    """Base class for every error caused by user input or user configuration."""


class DataError(InterestLensError):
    """A file or table could not be loaded at all (nothing usable in it)."""


class ModelUnavailableError(InterestLensError):
    """An embedding model was asked for that is not installed locally (we never download)."""


class ConfigError(InterestLensError):
    """A preset or configuration file is malformed or fails its schema."""
