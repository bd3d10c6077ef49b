"""``python -m core``: the command-line face of the engine (same code the UI uses)."""

from __future__ import annotations

import sys

from core.cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
