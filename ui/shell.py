"""Make every page run inside the app shell (``app.py``: access check, sidebar, navigation).

Streamlit treats an app with a ``pages/`` folder as an old-style multipage app until ``st.navigation``
has been called once in the server process. Until then a first visit to a deep link (``/tuning``) on a
freshly started server would run ``pages/tuning.py`` alone: no sidebar, no language, default dataset.
:func:`ensure_app_shell`, called at the top of every page, leaves that mode and reruns, so the request
goes through ``app.py`` like every other. It touches one private Streamlit flag
(``PagesManager.uses_pages_directory``, the one ``st.navigation`` itself clears); the browser test
``tests/e2e/test_restart.py::test_deep_link_on_fresh_server`` pins the behaviour.

It also puts the session's URL parameters back after a page switch dropped them (the feedback session
id, :func:`ui.state.keep_feedback_session_in_url`), so a reload on any page keeps them.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui.state import keep_feedback_session_in_url


def ensure_app_shell() -> None:
    """Rerun through ``app.py`` if Streamlit ran this page on its own (legacy ``pages/`` mode); keep the
    session's URL parameters."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    keep_feedback_session_in_url()
