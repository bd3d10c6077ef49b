"""The command line (``python -m core``), on top of the engine: ``commands`` (the parser and the data,
interests, recommend and bench commands, ``main``), ``evaluation`` (evaluate, tune, evaluate-interests),
``hash_password`` (the access password's ``password_hash``), ``data_source`` (``--data``: a demo or the
user's own files, read like ``ingest``, for every command), ``index_option`` (``--index``), ``common``
(output to stdout or ``--out``, one-line failures, ``--weights``) and ``args`` (the parser whose errors are
one line, bounded number types, undecodable argv bytes, input / output paths checked before any work).

May import: everything in core, and the streamlit-free ``ui.reasons`` / ``ui.i18n`` to render reasons.
"""
