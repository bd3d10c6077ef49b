"""Shared widgets and labels (ui/widgets.py): a user and a dataset read the same on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data.dataset import Dataset
from ui.i18n import t
from ui.widgets import dataset_label, user_label


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dataset_label_follows_the_language(bilingual: Dataset, lang: str) -> None:
    assert dataset_label(bilingual, lang) == t("demo.bilingual", lang)
    assert bilingual.name == t("demo.bilingual", "en"), "the Dataset keeps its own (English) name for exports"


def test_dataset_label_keeps_an_uploaded_name(bilingual: Dataset) -> None:
    uploaded = Dataset.from_frames("我的数据.csv", bilingual.interactions, bilingual.items)
    assert dataset_label(uploaded, "en") == "我的数据.csv"


def test_user_label_is_one_format() -> None:
    assert user_label("1", 232, "en") == "user 1 (232 interactions)"
    assert user_label("1", 232, "zh") == "用户 1（232 条交互）"


def _pickers_script() -> None:
    import streamlit as st

    from ui.resources import get_dataset
    from ui.widgets import user_picker

    dataset = get_dataset("demo:bilingual")
    st.session_state["lang"] = st.session_state.get("lang", "zh")
    user_picker(dataset, "interests_user", "interests")
    user_picker(dataset, "tuning_user", "tuning")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_interests_and_tuning_pickers_label_users_alike(tmp_workspace: Path, bilingual: Dataset,
                                                        lang: str) -> None:
    at = AppTest.from_function(_pickers_script, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    interests, tuning = at.selectbox(key="interests_user"), at.selectbox(key="tuning_user")
    assert interests.options[1:] == tuning.options[1:], "every user reads the same on both pages"
    first = str(bilingual.user_ids[0])
    n = int((bilingual.interactions["user_id"].astype(str) == first).sum())
    assert interests.options[1] == user_label(first, n, lang)
    assert interests.options[0] == t("interests.no_user", lang) and tuning.options[0] == t("tuning.no_user", lang)
    assert interests.placeholder == tuning.placeholder == t("app.choose_one", lang)
