"""Stage 3, interests: typed text and user histories turned into weighted interest profiles.

Modules, lowest first: ``text`` (normalisation, jieba tokens, keywords, clauses), ``profile`` (the
InterestTag / InterestProfile data types and the encoder / index protocols), ``aliases`` (folding, title
parsing, attribute labels, false-positive guards), ``recognise`` (the per-dataset CatalogueIndex: titles,
genres, tags and people named in text), ``candidates`` (clauses, negation, candidate interests, the gist
text), ``decompose`` (typed text -> profile: recognised item / attribute tags, free-text tags, the gist;
grounding, MMR tag selection, softmax weights), ``editing``
(hand edits of a profile, re-normalisation), ``composition`` (a profile scores every item: single /
multi, negative penalty), ``history`` (a user's liked items clustered into tags), ``feedback`` (like /
dislike / click moves the weights).

May import: core.common, core.data, core.vectors.
"""
