"""Streamlit-only helpers shared by the pages (the engine lives in ``core/``)."""
