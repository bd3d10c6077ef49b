"""Detail sections of the Evaluate page (weight sweep, tuning, typed interests), drawn with Streamlit.

Tables and figures come from :mod:`ui.evaluate_views`; the sweep runs
:func:`core.evaluation.protocol.weight_sweep` with a progress bar.
"""

from __future__ import annotations

import streamlit as st

from core.common.errors import InterestLensError
from core.evaluation.protocol import EvaluationReport, weight_sweep
from core.ranking.registry import CHANNELS
from ui import evaluate_views as ev
from ui.i18n import current_lang, t
from ui.safe import md_escape


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
                           key="eval_sweep_channel", format_func=lambda c: t(f"tuning.channel.{c}", lang))
    if c2.button(t("evaluate.sweep_run"), key="eval_sweep_run"):
        bar = st.progress(0.0, text=t("evaluate.sweep_running"))

        def progress(fraction: float, _message: str) -> None:
            bar.progress(min(1.0, fraction))

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


def draw_tuning(result: EvaluationReport) -> None:
    """The tuned weights, every trial, and the baseline / channel tuning (in an expander)."""
    if result.tuning is None and not result.baseline_tuning and not result.channel_tuning:
        return
    with st.expander(t("evaluate.tuning"), expanded=False):
        tuning = result.tuning
        if tuning is not None:
            st.write(t("evaluate.tuning_summary", trials=tuning.n_trials, base=f"{tuning.base_value:.4f}",
                       best=f"{tuning.best_value:.4f}", norm=tuning.best_config.normalisation, metric=tuning.metric))
            st.dataframe(ev.tuned_weights_frame(tuning, t), hide_index=True, width="stretch")
            if len(tuning.trials):
                st.plotly_chart(ev.trials_chart(tuning, t), key="eval_chart_trials")
        for label, part in ((t("evaluate.baseline_tuning"), result.baseline_tuning),
                            (t("evaluate.channel_tuning"), result.channel_tuning)):
            if part:
                st.markdown(f"**{label}**")
                st.dataframe(ev.component_tuning_frame(part, t), hide_index=True, width="stretch")


def draw_typed(result: EvaluationReport) -> None:
    """Typed interests vs history on the same users."""
    typed = result.typed
    if typed is None:
        return
    st.markdown(f"**{t('evaluate.typed_section')}**")
    if not typed.get("rows"):
        st.info(t("evaluate.typed_none"))
        return
    st.caption(t("evaluate.typed_caption", n=typed["n_users"]))
    st.dataframe(ev.typed_frame(typed, t), hide_index=True, width="stretch")
    only = typed.get("typed_only", {})
    st.caption(t("evaluate.typed_only", ndcg=f"{only.get('ndcg', float('nan')):.4f}",
                 recall=f"{only.get('recall', float('nan')):.4f}"))
