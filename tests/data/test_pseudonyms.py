"""core.data.pseudonyms: user ids replaced by a keyed hash everywhere they could leak."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa

from core.data.loaders import load_dataset, load_interactions
from core.data.pseudonyms import pseudonymise_ids, user_hider


def test_pseudonymisation_replaces_user_ids_everywhere() -> None:
    key = "s3cret"
    data = b"user,item,rating\nalice,1,4\nbob,2,x\nalice,3,5\n"
    rep = load_interactions(data, name="p.csv", pseudonymise_key=key)
    expected = hmac.new(key.encode(), b"alice", hashlib.sha256).hexdigest()[:16]
    assert rep.frame["user_id"].tolist() == [expected, expected]
    assert "bob" not in rep.rejected_csv().decode("utf-8-sig")
    ds, _, _ = load_dataset(data, name="p", pseudonymise_key=key)
    assert list(ds.user_ids) == [expected] and ds.meta["pseudonymised"] is True
    other = load_interactions(data, name="p.csv", pseudonymise_key="other")
    assert other.frame["user_id"].iloc[0] != expected


def test_pseudonyms_are_keyed_and_missing_values_are_not_hashed() -> None:
    ids = pa.array(["a", "b", "a"], pa.large_string())
    out = pseudonymise_ids(ids, b"k").to_pylist()
    assert out[0] == out[2] != out[1] and all(len(v) == 16 for v in out)
    hide = user_hider("user", "k")
    assert hide is not None and user_hider("user", None) is None
    assert hide("user", ["a", " NaN ", ""]) == [out[0], " NaN ", ""]
    assert hide("item", ["a"]) == ["a"]
