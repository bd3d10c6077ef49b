"""Stage 3, interests: typed text and user histories turned into weighted interest profiles.

Modules, lowest first: ``text`` (normalisation, jieba tokens, keywords, clauses), ``profile`` (the
InterestTag / InterestProfile data types and the encoder / index protocols), ``decompose`` (typed text
-> profile: clauses, negation, candidates, grounding, MMR tag selection, softmax weights), ``editing``
(hand edits of a profile, re-normalisation), ``composition`` (a profile scores every item: single /
multi, negative penalty), ``history`` (a user's liked items clustered into tags), ``feedback`` (like /
dislike / click moves the weights).

May import: core.common, core.data, core.vectors.
"""
