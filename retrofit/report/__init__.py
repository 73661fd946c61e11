"""Faces that a person reads: the terminal report (:mod:`.terminal`) and the self-contained
HTML report (:mod:`.html`). Imported by nothing below them."""
