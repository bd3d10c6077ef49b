"""The scoring channels, one module each (see :mod:`core.ranking.base` for the contract and
:mod:`core.ranking.registry` for the list). The smallest, :mod:`core.ranking.channels.popularity`, is the
example to copy when adding a channel."""
