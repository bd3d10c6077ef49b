"""ui.auth: the password gate (salted hash, legacy form with a warning, throttling stated on screen) and the
refusal to serve an open app to the network. The gate runs in a tiny AppTest script (the full app under the
gate is tests/test_security.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from core.common.passwords import hash_password
from tests.markdown_check import visible_text
from ui import auth

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
GATED = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui.auth import require_access
require_access()
st.markdown("inside the app")
"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock()
    monkeypatch.setattr(auth, "clock", fake)
    monkeypatch.setattr(auth, "CLIENTS", auth.Throttle())  # no failures left over from other tests
    yield fake


def _gate(secrets: dict[str, object] | None, lang: str = "en") -> AppTest:
    at = AppTest.from_string(GATED, default_timeout=60)
    if secrets is not None:
        at.secrets["interestlens"] = secrets
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _inside(at: AppTest) -> bool:
    return any(m.value == "inside the app" for m in at.markdown)


def _enter(at: AppTest, password: str) -> AppTest:
    at.text_input(key=auth.PASSWORD_KEY).input(password).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- Throttle --------------------------------------------------------------------------------------


def test_throttle_pauses_after_five_failures_and_doubles() -> None:
    th = auth.Throttle(free=5, base=30, cap=120)
    assert [th.fail("k", 0.0) for _ in range(4)] == [0.0] * 4
    assert th.attempts_left("k", 0.0) == 1 and th.locked_for("k", 0.0) == 0
    assert th.fail("k", 0.0) == 30 and th.locked_for("k", 10.0) == 20
    assert th.fail("k", 31.0) == 60 and th.fail("k", 92.0) == 120 and th.fail("k", 213.0) == 120  # capped
    assert th.locked_for("other", 213.0) == 0  # keys are separate
    th.succeed("k")
    assert th.locked_for("k", 213.0) == 0 and th.attempts_left("k", 213.0) == 5


def test_throttle_forgets_old_failures_and_stays_bounded() -> None:
    th = auth.Throttle(free=2, base=10, forget_after=100, max_keys=3)
    th.fail("a", 0.0)
    assert th.attempts_left("a", 50.0) == 1 and th.attempts_left("a", 200.0) == 2
    for key in "bcde":
        th.fail(key, 300.0)
    assert len(th._records) == 3 and "b" not in th._records  # the least recent dropped


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.1.2.3", True),
    ("0.0.0.0", False), ("", False), (None, False), ("192.168.1.5", False), ("::", False), ("example.org", False),
])
def test_is_loopback(address: str | None, loopback: bool) -> None:
    assert auth.is_loopback(address) is loopback


# --- the gate ----------------------------------------------------------------------------------------


def test_scrypt_password_lets_in_and_the_field_is_cleared(clock: FakeClock) -> None:
    at = _gate({"password_hash": hash_password(PASSWORD, n=2**10)})
    assert not _inside(at) and [w.label for w in at.text_input] == ["Access password"]
    assert "5 wrong passwords" in (at.text_input[0].help or "")
    _enter(at, "wrong")
    assert not _inside(at)
    assert [e.value for e in at.error] == ["Wrong password. 4 more wrong attempt(s) and attempts pause."]
    assert at.text_input(key=auth.PASSWORD_KEY).value == ""  # not re-checked on the next rerun
    at.run()
    assert [e.value for e in at.error] == ["Wrong password. 4 more wrong attempt(s) and attempts pause."]
    assert auth.CLIENTS.attempts_left("client:local", clock.now) == 4  # a rerun is not another attempt
    _enter(at, PASSWORD)
    assert _inside(at) and at.session_state["auth_ok"] is True
    assert auth.CLIENTS.attempts_left("client:local", clock.now) == 5  # success forgets the failures


def test_five_failures_pause_attempts_and_say_so(clock: FakeClock) -> None:
    at = _gate({"password_hash": hash_password(PASSWORD, n=2**10)})
    for _ in range(5):
        _enter(at, "guess")
    assert [e.value for e in at.error] == [
        "Too many wrong passwords: try again in 30 s (each further failure doubles the pause). "
        "This entry was not checked."]
    _enter(at, PASSWORD)  # the right password during the pause is not even checked
    assert not _inside(at) and "auth_ok" not in at.session_state
    clock.now += 10
    at.run()
    assert "try again in 20 s" in at.error[0].value
    clock.now += 21
    at.run()
    assert not at.error  # the pause is over
    _enter(at, "guess again")
    assert "try again in 60 s" in at.error[0].value  # doubled
    clock.now += 61
    _enter(at, PASSWORD)
    assert _inside(at)


def test_a_new_session_from_the_same_client_is_still_paused(clock: FakeClock) -> None:
    stored = hash_password(PASSWORD, n=2**10)
    first = _gate({"password_hash": stored})
    for _ in range(5):
        _enter(first, "guess")
    second = _gate({"password_hash": stored})  # a new browser session, same address
    assert "try again in 30 s" in second.error[0].value
    _enter(second, PASSWORD)
    assert not _inside(second)


def test_chinese_messages(clock: FakeClock) -> None:
    at = _gate({"password_hash": hash_password(PASSWORD, n=2**10)}, lang="zh")
    _enter(at, "wrong")
    assert at.error[0].value == "密码不正确。再输错 4 次后将暂停尝试。"


def test_legacy_sha256_still_works_with_a_warning(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    auth._warned.discard("legacy")
    at = _gate({"password_sha256": hashlib.sha256(PASSWORD.encode()).hexdigest()})
    assert any("hash-password" in r.getMessage() for r in caplog.records)  # the admin's log
    _enter(at, PASSWORD)
    assert _inside(at)
    assert any("python -m core hash-password" in w.value for w in at.warning)  # and once on screen
    at.run()
    assert not at.warning


def test_a_new_hash_wins_over_a_legacy_one(clock: FakeClock) -> None:
    at = _gate({"password_hash": hash_password(PASSWORD, n=2**10),
                "password_sha256": hashlib.sha256(b"old").hexdigest()})
    _enter(at, "old")
    assert not _inside(at)
    _enter(at, PASSWORD)
    assert _inside(at)


def test_an_unreadable_hash_keeps_the_gate_closed(clock: FakeClock) -> None:
    at = _gate({"password_hash": "scrypt$oops"})
    assert not _inside(at) and not at.text_input
    assert "hash-password" in at.error[0].value


# --- serving to the network ------------------------------------------------------------------------


@pytest.fixture
def network_address() -> Iterator[None]:
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    yield
    st_config.set_option("server.address", before)


def test_the_project_config_listens_on_this_machine_only() -> None:
    assert auth.is_loopback(st_config.get_option("server.address"))
    assert _inside(_gate(None))


def test_an_open_app_on_the_network_is_refused(network_address: None) -> None:
    at = _gate(None)
    assert not _inside(at)
    shown = visible_text(at.error[0].value)
    assert "listens on 0.0.0.0" in shown and "password_hash" in shown


def test_on_the_network_with_a_password_the_gate_runs(network_address: None, clock: FakeClock) -> None:
    at = _gate({"password_hash": hash_password(PASSWORD, n=2**10)})
    assert not at.error and [w.label for w in at.text_input] == ["Access password"]
    _enter(at, PASSWORD)
    assert _inside(at)


def test_a_trusted_network_can_be_declared(network_address: None) -> None:
    assert _inside(_gate({"allow_open_network": True}))
