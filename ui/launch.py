"""Start the dashboard server with the engine's modules imported while the server starts.

``streamlit run`` imports nothing of the app until the first browser session runs ``app.py``; that first run
then pays for importing the engine (pandas, scipy, torch, sentence-transformers: ~2 s on two cores) while the
visitor looks at a blank page. ``python -m ui.launch run app.py …`` takes the same arguments as ``streamlit``
and imports those modules in a background thread as the server comes up, so the first page is drawn from
modules already in memory (Python's import locks make a page that needs a module mid-import wait for it,
never import it twice). ``./dev.sh app`` and the browser tests start the server this way;
``bench/bench_first_run.py`` measures the warm restart through it.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading

PRELOAD: tuple[str, ...] = (
    "core.engine", "core.data.overview", "core.vectors.maps", "ui.resources", "ui.sidebar", "ui.auth",
)
"""Modules the first page run needs, heaviest first (``core.engine`` pulls in the scientific stack)."""

log = logging.getLogger(__name__)


def preload(modules: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import ``modules``; return the ones that failed (logged, never raised: the page reports real errors)."""
    failed: list[str] = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a broken import shows up again, with its traceback, when the page runs
            log.warning("could not preload %s", name, exc_info=True)
            failed.append(name)
    return failed


def main(argv: list[str] | None = None) -> int:
    """Run Streamlit's command line with ``argv`` (default: this process's) after starting the preload."""
    # Streamlit (and with it pandas, pyarrow, plotly) is imported here first: libraries that peek at
    # sys.modules (plotly looks for pandas) must never see a module another thread is still importing
    from streamlit.web import cli

    threading.Thread(target=preload, name="interestlens-preload", daemon=True).start()

    sys.argv = ["streamlit", *(sys.argv[1:] if argv is None else argv)]
    cli.main(prog_name="streamlit")  # Click's standalone mode: exits with Streamlit's own status
    return 0


if __name__ == "__main__":
    sys.exit(main())
