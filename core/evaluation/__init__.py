"""Stage 5, evaluation: offline evaluation of baselines, channels and fusion on held-out interactions.

Modules, lowest first: ``metrics`` (top-k accuracy and beyond-accuracy metrics), ``statistics``
(bootstrap intervals, paired tests), ``baselines`` (the Recommender protocol and classic baselines),
``suite`` (the dashboard's channels and fusion as recommenders), ``experiment`` (one table of every
configuration on one split), ``options`` (the settings of a run), ``tuning`` (Optuna on the validation
split), ``folds`` (validation folds with disjoint held-out items), ``guarded_tuning`` (fusion weights tuned
over folds, kept only when they win out of fold), ``typed`` (typed interests vs history only),
``protocol`` (the whole run and its report);
``cases`` (typed-interest cases files), ``typed_cases`` (typed interests of cold users on cases: fused
ranking, tag-kind ablations, baselines), ``typed_tuning`` (a cold-start fusion preset tuned on cases).

May import: core.common, core.data, core.vectors, core.interests, core.ranking.
"""
