"""Overview page: the current dataset at a glance and a four-step path for a first-time visitor.

The summaries come from :func:`core.data.overview.compute_overview`, cached per dataset fingerprint; the
figures from :mod:`ui.overview_views`. This script only draws.
"""

from __future__ import annotations

import streamlit as st

from core.data.dataset import Dataset
from core.data.overview import CategoryMix, Overview, compute_overview
from ui import overview_views as ov
from ui.i18n import current_lang, fmt_date, fmt_number, t
from ui.resources import get_dataset
from ui.safe import md_escape
from ui.shell import ensure_app_shell
from ui.widgets import dataset_label

ensure_app_shell()


@st.cache_data(show_spinner=False, max_entries=8)
def _overview(_dataset: Dataset, fingerprint: str) -> Overview:
    """The dataset's summaries, computed once per fingerprint."""
    return compute_overview(_dataset)


def _headline(ds: Dataset, overview: Overview) -> None:
    head = overview.headline
    st.subheader(t("home.dataset", name=md_escape(dataset_label(ds))))
    cols = st.columns(5)
    cols[0].metric(t("home.interactions"), fmt_number(head.interactions))
    cols[1].metric(t("home.users"), fmt_number(head.users))
    cols[2].metric(t("home.items"), fmt_number(head.items))
    cols[3].metric(t("home.density"), f"{head.density:.3%}")
    cols[4].metric(t("home.median_user"), f"{overview.activity.median:g}")
    active = fmt_number(head.items_with_interactions)
    if overview.timeline is None:
        st.caption(t("home.summary_undated", active=active))
    else:
        st.caption(t("home.summary", active=active, first=fmt_date(head.time_min), last=fmt_date(head.time_max)))


def _guide() -> None:
    st.subheader(t("home.guide.header"))
    cols = st.columns(len(ov.GUIDE))
    for col, step in zip(cols, ov.GUIDE, strict=True):
        with col.container(border=True):
            st.markdown(f"**{t(f'home.guide.{step.key}.title')}**")
            st.caption(t(f"home.guide.{step.key}.body"))
            st.page_link(step.page, label=t(f"home.guide.{step.key}.link"), icon=step.icon)
    st.page_link(ov.UPLOAD_PAGE, label=t("home.guide.upload"), icon="📥")


def _categories(mixes: tuple[CategoryMix, ...]) -> None:
    if not mixes:
        st.info(t("home.cat.none"))
        return
    by_source = {mix.source: mix for mix in mixes}
    chosen = mixes[0].source
    if len(mixes) > 1:
        if st.session_state.get("home_category_source") not in by_source:
            st.session_state.pop("home_category_source", None)
        lang = current_lang()  # format functions may be called outside the script run (AppTest)
        picked = st.segmented_control(
            t("home.cat.source"), options=list(by_source), default=chosen, required=True,
            format_func=lambda source: t(f"home.cat.source.{source}", lang), key="home_category_source",
        )
        chosen = picked if picked in by_source else chosen
    mix = by_source[chosen]
    st.plotly_chart(ov.category_figure(mix), key="home_chart_categories")
    st.caption(ov.category_caption(mix))


def _glance(overview: Overview) -> None:
    st.subheader(t("home.glance"))
    if overview.timeline is None:
        st.info(t("home.timeline.none"))
    else:
        st.plotly_chart(ov.timeline_figure(overview.timeline), key="home_chart_timeline")
        st.caption(ov.timeline_caption(overview.timeline))

    tail = overview.tail
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(ov.tail_figure(tail), key="home_chart_tail")
        st.caption(ov.tail_caption(tail))
    with right:
        shares = st.columns(2)
        shares[0].metric(t("home.tail.top10"), ov.pct(tail.top10_share))
        shares[1].metric(t("home.tail.top20"), ov.pct(tail.top20_share))
        st.markdown(f"**{t('home.tail.top')}**")
        widths = {name: st.column_config.TextColumn(width=width) for name, width in ov.top_items_columns().items()}
        st.dataframe(ov.top_items_table(tail), hide_index=True, width="stretch", key="home_top_items",
                     column_config=widths)

    _categories(overview.categories)

    left, right = st.columns(2)
    with left:
        st.plotly_chart(ov.activity_figure(overview.activity), key="home_chart_users")
        st.caption(ov.activity_caption(overview.activity))
    with right:
        if overview.ratings is None:
            weight = overview.headline.rating_min
            st.info(t("home.ratings.implicit", value=f"{weight if weight == weight else 1.0:g}"))
        else:
            st.plotly_chart(ov.rating_figure(overview.ratings), key="home_chart_ratings")
            st.caption(ov.rating_caption(overview.ratings))
        if overview.events is not None:
            st.plotly_chart(ov.event_figure(overview.events), key="home_chart_events")


def main() -> None:
    """Draw the page."""
    st.header(t("home.header"))
    st.write(t("app.tagline"))
    with st.spinner(t("home.loading")):
        ds = get_dataset()
        overview = _overview(ds, ds.fingerprint)
    _headline(ds, overview)
    _guide()
    _glance(overview)


main()
