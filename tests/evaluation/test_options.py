"""Evaluation settings: which datasets carry item text to embed."""

from __future__ import annotations

from core.data.dataset import Dataset
from core.evaluation.options import has_item_text
from tests.evaluation.conftest import clustered


def test_has_item_text(data: Dataset) -> None:
    assert has_item_text(data)
    assert not has_item_text(clustered(with_text=False))
