"""core.data.arrow: any Arrow column as the text a CSV would have held, and what it costs."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from core.data.arrow import py_text, text_nbytes, to_text


@pytest.mark.parametrize(
    "values",
    [[4.0, 4.5, -0.0, 1e20, 1.5e-7, 0.1, 123456789.0, 3.14159265358979, float("inf"), float("nan"), None]],
)
def test_floats_as_text_read_back_to_the_same_numbers(values: list[float | None]) -> None:
    text = to_text(pa.array(values, pa.float64())).to_pylist()
    assert text[:3] == ["4", "4.5", "0"] and text[6] == "123456789"  # ids that became floats keep no ".0"
    assert text[-1] == ""  # null
    for value, cell in zip(values[:-1], text[:-1], strict=True):
        assert value is not None
        back = float(cell)
        assert back == value or (math.isnan(back) and math.isnan(value))


def test_other_types_and_the_python_fallback() -> None:
    assert to_text(pa.array([["a", "b"], [], None], pa.list_(pa.string()))).to_pylist() == ["a|b", "", ""]
    dictionary = pa.DictionaryArray.from_arrays(pa.array([0, 0, 1], pa.int32()), pa.array(["x", "y"]))
    assert to_text(dictionary).to_pylist() == ["x", "x", "y"]
    assert to_text(pa.array([True, None])).to_pylist() == ["true", ""]
    assert to_text(pa.array([{"k": 1}], pa.struct([("k", pa.int64())]))).to_pylist() == ['{"k": 1}']
    values = (None, True, 2.0, 2.5, [1, "a"], {"a": 1})
    assert [py_text(v) for v in values] == ["", "true", "2", "2.5", "1|a", '{"a": 1}']


def test_text_nbytes_counts_characters_and_offsets() -> None:
    arr = to_text(pa.array(["ab", "cde"]))
    assert text_nbytes(arr) == 5 + 8 * 2  # UTF-8 bytes + one 64-bit offset per cell
