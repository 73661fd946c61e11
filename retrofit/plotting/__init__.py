"""Figures (matplotlib, the ``plots`` extra): conservation supply curves, trajectories, the
tornado (:mod:`.figures`). Imported only by faces: the CLI and the reports."""
