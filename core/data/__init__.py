"""Stage 1, data: read files, map columns, validate with reasons, the Dataset, splits and demo datasets.

Modules, in data-flow order: ``readers`` (source bytes, encoding, format; Parquet / JSON / frames) and
``delimited`` (CSV-like text) produce a ``table.RawTable``; ``mapping`` assigns columns to roles;
``cells`` parses values and ``validation`` rejects rows into a ``report.LoadReport`` (``rejects``: the
malformed records kept compactly and every rejected row written to a file, so a junk file costs bounded
memory); ``loaders``
(``load_interactions``, ``load_items``, ``load_user_tags``, ``load_dataset``; ``pseudonyms`` for ids)
build the ``dataset.Dataset``. ``arrow`` holds Arrow column helpers; ``splits`` and ``demos`` use the Dataset.

May import: core.common.
"""
