"""Typed interests in the evaluation: the users' own free-text tags."""

from __future__ import annotations

from core.data.dataset import Dataset
from core.evaluation.typed import user_tag_text


def test_user_tag_text(data: Dataset) -> None:
    texts = user_tag_text(data)
    assert texts[data.user_index["u1"]] == "cozy mystery"
