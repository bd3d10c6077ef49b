"""Detail sections of the Evaluate page (weight sweep, tuning, typed interests), drawn with Streamlit.

Tables and figures come from :mod:`ui.evaluate_views`; the sweep runs
:func:`core.evaluation.protocol.weight_sweep` with a progress bar.
"""

from __future__ import annotations

import streamlit as st

from core.common.errors import InterestLensError
from core.data.dataset import Dataset
from core.evaluation.protocol import EvaluationReport, weight_sweep
from core.ranking.registry import CHANNELS
from ui import evaluate_views as ev
from ui.evaluate_progress import EvalProgress
from ui.i18n import current_lang, t
from ui.safe import md_escape
from ui.transform_setting import draw_apply_transform


def draw_sweep(result: EvaluationReport) -> None:
    """NDCG / recall against one channel's weight, swept on the validation split on request."""
    st.markdown(f"**{t('evaluate.sweep')}**")
    st.caption(t("evaluate.sweep_help"))
    if result.runtime.get("validation") is None:
        st.info(t("evaluate.sweep_unavailable"))
        return
    c1, c2 = st.columns([3, 1])
    lang = current_lang()
    channel = c1.selectbox(t("evaluate.sweep_channel"), [c for c in CHANNELS if c not in result.dropped_channels],
                           key="eval_sweep_channel", format_func=lambda c: t(f"tuning.channel.{c}", lang),
                           placeholder=t("app.choose_one"))
    if c2.button(t("evaluate.sweep_run"), key="eval_sweep_run"):
        bar = st.progress(0.0, text=t("evaluate.sweep_running"))
        narrator = EvalProgress(t, stage="sweep")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(1.0, fraction), text=narrator.text(fraction, message))

        try:
            sweep = weight_sweep(result, channel, progress=progress)
        except InterestLensError as exc:
            st.error(t("evaluate.failed", reason=md_escape(exc)))
            return
        bar.empty()
        st.session_state["eval_sweep"] = (channel, sweep)
    saved = st.session_state.get("eval_sweep")
    if saved is not None:
        name, sweep = saved
        base = result.tuning.best_config if result.tuning is not None else None
        current = float(base.weights.as_dict()[name]) if base is not None else None
        st.plotly_chart(ev.sweep_chart(sweep, name, result.experiment.k, current, t), key="eval_chart_sweep")


def draw_tuning(result: EvaluationReport, dataset: Dataset | None = None) -> None:
    """The tuned weights, every trial, the baseline / channel tuning and the interaction transform, with the
    choice to use that transform on the other pages for ``dataset`` (in an expander)."""
    if result.tuning is None and not result.baseline_tuning and not result.channel_tuning and result.confidence is None:
        return
    with st.expander(t("evaluate.tuning"), expanded=False):
        if result.confidence is not None:
            st.markdown(f"**{t('evaluate.transform.title')}**")
            st.write(ev.transform_text(result.confidence, t))
            st.dataframe(ev.transform_frame(result.confidence, t), hide_index=True, width="stretch")
            if dataset is not None:
                draw_apply_transform(result.confidence, dataset)
        tuning = result.tuning
        if tuning is not None:
            st.write(ev.tuning_summary(tuning, t))
            verdict = ev.guard_text(tuning, t)
            if verdict is not None:
                (st.success if tuning.decision.get("adopted") else st.info)(verdict)
            st.dataframe(ev.tuned_weights_frame(tuning, t, result.dropped_channels), hide_index=True, width="stretch")
            importance = ev.importance_chart(tuning, t)
            if importance is not None:
                st.plotly_chart(importance, key="eval_chart_importance")
            if len(tuning.trials):
                st.plotly_chart(ev.trials_chart(tuning, t), key="eval_chart_trials")
        for label, part, kind in ((t("evaluate.baseline_tuning"), result.baseline_tuning, "baseline"),
                                  (t("evaluate.channel_tuning"), result.channel_tuning, "channel")):
            if part:
                st.markdown(f"**{label}**")
                st.dataframe(ev.component_tuning_frame(part, t, kind), hide_index=True, width="stretch")


def draw_typed(result: EvaluationReport, has_tags: bool) -> None:
    """Typed interests vs history on the same users; why there is nothing to compare when no test user
    wrote usable tags (``has_tags``: whether the dataset carries user tags at all)."""
    typed = result.typed
    if typed is None:
        return
    st.markdown(f"**{t('evaluate.typed_section')}**")
    if not typed.get("rows"):
        st.info(ev.typed_empty_text(typed, n_users=len(result.experiment.users), max_users=result.options.max_users,
                                    has_tags=has_tags, translate=t))
        return
    st.caption(t("evaluate.typed_caption", n=typed["n_users"]))
    st.dataframe(ev.typed_frame(typed, t), hide_index=True, width="stretch")
    st.caption(ev.typed_only_text(typed, result.experiment.k, t))
