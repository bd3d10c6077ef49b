"""The command line (``python -m core``), on top of the engine: ``commands`` (the parser and the data,
interests, recommend and bench commands), ``evaluation`` (evaluate, tune, evaluate-interests) and
``common`` (JSON output, failures, ``--weights``).

May import: everything in core, and the streamlit-free ``ui.reasons`` / ``ui.i18n`` to render reasons.
"""
