"""The interaction transform the dashboard's matrix-factorisation channel learns from, per dataset.

An evaluation chooses a transform on validation users (:mod:`core.evaluation.confidence_tuning`); the
Evaluate page offers to use that choice on the other pages too. The choice is kept in the workspace settings
under the dataset's fingerprint (:func:`store_transform`), and :func:`ui.resources.get_engine` builds the
engine's channels with it (:func:`engine_channel_params`), so the Interests, Map and Tuning pages rank with
the matrix the evaluation measured. Without a kept choice the signal's default applies.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import streamlit as st

from core.common.errors import InterestLensError
from core.data.confidence import Confidence, default_confidence
from core.data.dataset import Dataset
from core.ranking.registry import ChannelParams
from ui.i18n import t

if TYPE_CHECKING:  # the evaluation modules are imported by the Evaluate page only, not by every engine lookup
    from core.evaluation.confidence_tuning import ConfidenceChoice

SETTING_PREFIX = "interaction_transform:"
"""Workspace setting key prefix; the dataset's fingerprint follows."""


def stored_transform(fingerprint: str) -> Confidence | None:
    """The transform kept for a dataset, or None (the signal's default); an unreadable value counts as none."""
    from ui.resources import workspace

    try:
        raw = workspace().get_setting(SETTING_PREFIX + fingerprint)
        return None if not raw else Confidence.from_dict(json.loads(str(raw)))
    except (InterestLensError, OSError, ValueError, TypeError):
        return None


def store_transform(fingerprint: str, conf: Confidence | None) -> None:
    """Keep ``conf`` for the dataset (None: back to the signal's default)."""
    from ui.resources import workspace

    value = "" if conf is None else json.dumps(conf.to_dict(), sort_keys=True)
    workspace().set_setting(SETTING_PREFIX + fingerprint, value)


def engine_channel_params(transform_json: str) -> ChannelParams | None:
    """The engine's channel parameters for a kept transform (its JSON, as the engine cache keys it); None for
    the defaults."""
    if not transform_json:
        return None
    return ChannelParams().with_channel("mf", confidence=Confidence.from_dict(json.loads(transform_json)))


def transform_key(fingerprint: str) -> str:
    """The kept transform as a stable string (empty for none), to key the shared engine on."""
    conf = stored_transform(fingerprint)
    return "" if conf is None else json.dumps(conf.to_dict(), sort_keys=True)


def draw_apply_transform(choice: ConfidenceChoice, dataset: Dataset) -> None:
    """Say which transform the other pages use, and offer to switch them to the one this run chose (or back)."""
    from ui.evaluate_labels import transform_label

    kept = stored_transform(dataset.fingerprint)
    in_use = kept or default_confidence(dataset.signal.kind)
    st.caption(t("evaluate.transform.dashboard", used=transform_label(in_use.to_dict(), t)))
    if in_use != choice.chosen:
        if st.button(t("evaluate.transform.apply", chosen=transform_label(choice.chosen.to_dict(), t)),
                     key="eval_transform_apply"):
            default = default_confidence(dataset.signal.kind)
            store_transform(dataset.fingerprint, None if choice.chosen == default else choice.chosen)
            st.rerun()
    elif kept is not None and st.button(t("evaluate.transform.reset"), key="eval_transform_reset"):
        store_transform(dataset.fingerprint, None)
        st.rerun()
