"""The command line (``python -m core``), on top of the engine.

May import: everything in core.
"""

from core.cli.commands import build_parser, main

__all__ = ["build_parser", "main"]
