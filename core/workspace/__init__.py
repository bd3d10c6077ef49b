"""Stage 6, workspace: the SQLite store (datasets, presets, runs, feedback, settings).

Modules, lowest first: ``records`` (returned dataclasses, WorkspaceError, JSON encoding), ``schema``
(DDL and migrations), ``database`` (folder, connections, transactions), one module per table family
(``datasets`` with the Parquet frames, ``presets``, ``runs``, ``feedback``, ``settings``), and
``store`` (the ``Workspace`` that combines them, ``default_workspace``).

May import: every stage below (core.common ... core.evaluation).
"""
