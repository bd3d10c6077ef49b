"""The zh/en catalogue, one module per page (:mod:`ui.i18n` merges them and looks strings up)."""
