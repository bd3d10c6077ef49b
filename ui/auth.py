"""Optional access control for team deployments (off by default).

Configure in ``.streamlit/secrets.toml`` (never committed)::

    [interestlens]
    password_sha256 = "<hex sha256 of the shared password>"

or use Streamlit's OIDC login (``st.login``) by adding an ``[auth]`` section as Streamlit documents
(``redirect_uri``, ``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``) and
``require_oidc = true`` under ``[interestlens]``. With neither set, the app is open (local use).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import streamlit as st

from ui.i18n import t


def _settings() -> dict[str, Any]:
    try:
        return dict(st.secrets.get("interestlens", {}))
    except Exception:  # no secrets file at all: access control is off
        return {}


def require_access() -> None:
    """Stop the script unless the visitor is allowed in (no-op when access control is not configured)."""
    settings = _settings()
    if settings.get("require_oidc"):
        if not getattr(st.user, "is_logged_in", False):
            st.button(t("auth.login"), on_click=st.login)
            st.stop()
        return
    expected = str(settings.get("password_sha256", "")).strip().lower()
    if not expected or st.session_state.get("auth_ok"):
        return
    password = st.text_input(t("auth.password"), type="password")
    if password:
        digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
        if hmac.compare_digest(digest, expected):
            st.session_state["auth_ok"] = True
            st.rerun()
        st.error(t("auth.wrong"))
    st.stop()
