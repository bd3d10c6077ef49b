"""Stage 4, ranking: the one path from queries to ranked lists.

- :mod:`~core.ranking.query`: what a list is asked for (a user, typed interests, or both);
- :mod:`~core.ranking.base`: the channel contract; :mod:`~core.ranking.channels`: one module per channel;
  :mod:`~core.ranking.registry`: the list of channels and their parameters;
- :mod:`~core.ranking.scoring`: every channel scores a batch of queries (a single query is a batch of one);
- :mod:`~core.ranking.config` + :mod:`~core.ranking.fusion`: normalise, weight, exclude seen, top-k, MMR,
  contributions and what-if ranks; :mod:`~core.ranking.explain`: reason codes;
- :mod:`~core.ranking.ranker`: :class:`~core.ranking.ranker.Ranker`, the facade the engine and offline
  evaluation call; :mod:`~core.ranking.presets`: fusion presets as validated JSON.

May import: core.common, core.data, core.vectors, core.interests.
"""
