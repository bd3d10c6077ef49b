"""Access control for deployments: a shared password or Streamlit's OIDC login, and a guard against
serving an open app to the network.

Configure in ``.streamlit/secrets.toml`` (git-ignored, never committed)::

    [interestlens]
    password_hash = "scrypt$32768$8$1$<salt hex>$<hash hex>"   # python -m core hash-password

or use Streamlit's OIDC login (``st.login``) by adding an ``[auth]`` section as Streamlit documents
(``redirect_uri``, ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``) and
``require_oidc = true`` under ``[interestlens]``.

- The password is checked against a salted scrypt hash (:mod:`core.common.passwords`) in constant time. The
  old ``password_sha256`` (unsalted SHA-256 hex) is still accepted, with a warning in the server log and to
  the person who logs in telling the administrator how to make the new form.
- Failed attempts are throttled per browser session and per client address (:class:`Throttle`): after
  :data:`FREE_ATTEMPTS` wrong passwords each further one pauses attempts for :data:`BASE_PAUSE` seconds,
  doubling up to :data:`MAX_PAUSE`; the screen says how many attempts are left and how long the pause is.
  An attempt during a pause is not checked at all. At most :data:`CONCURRENT_CHECKS` scrypt checks run at
  once, so a flood of logins cannot take the server's memory.
- With neither password nor OIDC the app is open, which is right on this machine only: ``.streamlit/
  config.toml`` binds ``server.address`` to 127.0.0.1. If the server listens on another address (shared on a
  network) and no access control is configured, every page is refused with a message saying how to turn
  access control on, unless ``allow_open_network = true`` under ``[interestlens]`` says the network is
  trusted.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.common.passwords import PasswordHashError, check_stored, is_legacy, verify_password
from ui.i18n import t
from ui.safe import md_escape

log = logging.getLogger(__name__)

FREE_ATTEMPTS = 5
"""Wrong passwords allowed before attempts pause."""
BASE_PAUSE = 30.0
"""Seconds of the first pause; each further failure doubles it."""
MAX_PAUSE = 15 * 60.0
FORGET_AFTER = 24 * 3600.0
"""A client's failures are forgotten this many seconds after its last one."""
MAX_CLIENTS = 10_000
"""Client records kept (the least recently failed are dropped first)."""
CONCURRENT_CHECKS = 2
"""scrypt checks allowed at once in this process (each takes ~32 MiB for a moment)."""
PASSWORD_KEY = "auth_password"
LEGACY_COMMAND = "python -m core hash-password"

clock: Callable[[], float] = time.monotonic
"""The time source of the throttle (tests replace it)."""


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class Throttle:
    """Failed attempts by key (a session, a client address): after ``free`` failures each further failure
    locks the key for ``base * 2**k`` seconds (k = 0, 1, ...), at most ``cap``. Thread-safe; bounded size."""

    def __init__(self, free: int = FREE_ATTEMPTS, base: float = BASE_PAUSE, cap: float = MAX_PAUSE,
                 forget_after: float = FORGET_AFTER, max_keys: int = MAX_CLIENTS) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.forget_after, self.max_keys = forget_after, max_keys
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def _get(self, key: str, now: float) -> _Record | None:
        record = self._records.get(key)
        if record is not None and now - record.last > self.forget_after:
            del self._records[key]
            return None
        return record

    def locked_for(self, key: str, now: float) -> float:
        """Seconds until ``key`` may try again (0 when it may try now)."""
        with self._lock:
            record = self._get(key, now)
            return max(0.0, record.locked_until - now) if record is not None else 0.0

    def attempts_left(self, key: str, now: float) -> int:
        """Wrong passwords ``key`` may still enter before a pause."""
        with self._lock:
            record = self._get(key, now)
            return max(0, self.free - (record.failures if record is not None else 0))

    def fail(self, key: str, now: float) -> float:
        """Record a failure; returns the pause it starts in seconds (0 while attempts are still free)."""
        with self._lock:
            record = self._get(key, now) or _Record()
            record.failures += 1
            record.last = now
            pause = 0.0
            if record.failures >= self.free:
                pause = min(self.cap, self.base * 2.0 ** min(record.failures - self.free, 30))
                record.locked_until = now + pause
            self._records[key] = record
            self._records.move_to_end(key)
            while len(self._records) > self.max_keys:
                self._records.popitem(last=False)
            return pause

    def succeed(self, key: str) -> None:
        """Forget ``key``'s failures (the right password was given)."""
        with self._lock:
            self._records.pop(key, None)


CLIENTS = Throttle()
"""Failures per client address, shared by every session of this server process."""
_CHECKS = threading.BoundedSemaphore(CONCURRENT_CHECKS)
_warned: set[str] = set()


def _settings() -> dict[str, Any]:
    try:
        return dict(st.secrets.get("interestlens", {}))
    except Exception:  # no secrets file at all: access control is off
        return {}


def _client_key() -> str:
    try:
        ip = st.context.ip_address
    except Exception:  # outside a browser session (tests, bare mode)
        ip = None
    return f"client:{ip}" if isinstance(ip, str) and ip else "client:local"


def _session_throttle() -> Throttle:
    throttle = st.session_state.get("_auth_throttle")
    if not isinstance(throttle, Throttle):
        throttle = Throttle(max_keys=1)
        st.session_state["_auth_throttle"] = throttle
    return throttle


def _pause(client: str, now: float) -> float:
    return max(_session_throttle().locked_for("session", now), CLIENTS.locked_for(client, now))


def _attempt(stored: str, client: str) -> None:
    """on_change of the password field: check the entry (unless paused), count a failure, clear the field."""
    password = str(st.session_state.get(PASSWORD_KEY) or "")
    st.session_state[PASSWORD_KEY] = ""
    if not password:
        return
    now = clock()
    paused = _pause(client, now)
    if paused > 0:
        st.session_state["_auth_msg"] = ("locked", paused)
        return
    with _CHECKS:
        ok = verify_password(password, stored)
    session = _session_throttle()
    if ok:
        session.succeed("session")
        CLIENTS.succeed(client)
        st.session_state["auth_ok"] = True
        st.session_state.pop("_auth_msg", None)
        if is_legacy(stored):
            st.session_state["_auth_legacy_notice"] = True
        return
    pause = max(session.fail("session", now), CLIENTS.fail(client, now))
    left = min(session.attempts_left("session", now), CLIENTS.attempts_left(client, now))
    st.session_state["_auth_msg"] = ("locked", pause) if pause > 0 else ("wrong", float(left))


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message)


def is_loopback(address: object) -> bool:
    """Whether a ``server.address`` value listens on this machine only (unset = every interface)."""
    text = str(address or "").strip().strip("[]")
    if text.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _open_network_guard(settings: dict[str, Any]) -> None:
    """Stop when the server listens beyond this machine with no access control (unless allowed)."""
    address = st.get_option("server.address")
    if is_loopback(address) or settings.get("allow_open_network"):
        return
    shown = str(address or "0.0.0.0")
    _warn_once("open", f"InterestLens is served on {shown} with no access control; every page is refused until "
                       "[interestlens] password_hash (python -m core hash-password) or require_oidc is set in "
                       ".streamlit/secrets.toml, or allow_open_network = true says the network is trusted")
    st.error(t("auth.open_network", address=md_escape(shown)))
    st.stop()


def _show_message() -> None:
    msg = st.session_state.get("_auth_msg")
    if not msg:
        return
    kind, value = msg
    if kind == "locked":
        st.error(t("auth.locked", seconds=math.ceil(value)))
    elif int(value) > 0:
        st.error(t("auth.wrong_left", n=int(value)))
    else:
        st.error(t("auth.wrong"))


def require_access() -> None:
    """Stop the script unless the visitor is allowed in (see the module docstring)."""
    settings = _settings()
    if settings.get("require_oidc"):
        if not getattr(st.user, "is_logged_in", False):
            st.button(t("auth.login"), on_click=st.login)
            st.stop()
        return
    stored = str(settings.get("password_hash") or settings.get("password_sha256") or "").strip()
    if not stored:
        _open_network_guard(settings)
        return
    if is_legacy(stored):
        _warn_once("legacy", "[interestlens] password_sha256 is an unsalted SHA-256 hash; replace it with "
                             f"password_hash = \"<output of {LEGACY_COMMAND}>\" in .streamlit/secrets.toml")
    if st.session_state.get("auth_ok"):
        if st.session_state.pop("_auth_legacy_notice", False):
            st.warning(t("auth.legacy", command=LEGACY_COMMAND))
        return
    try:
        check_stored(stored)
    except PasswordHashError as exc:  # a gate that cannot read its hash stays closed
        _warn_once("bad", f"[interestlens] password hash in .streamlit/secrets.toml is unusable: {exc}")
        st.error(t("auth.misconfigured", command=LEGACY_COMMAND))
        st.stop()
    client = _client_key()
    st.text_input(t("auth.password"), type="password", key=PASSWORD_KEY, on_change=_attempt,
                  args=(stored, client), help=t("auth.password_help", n=FREE_ATTEMPTS, seconds=int(BASE_PAUSE)))
    paused = _pause(client, clock())
    if paused > 0:
        st.session_state["_auth_msg"] = ("locked", paused)
    elif (st.session_state.get("_auth_msg") or ("",))[0] == "locked":
        st.session_state.pop("_auth_msg", None)  # the pause is over
    _show_message()
    st.stop()
