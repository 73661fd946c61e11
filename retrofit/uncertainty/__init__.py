"""Uncertainty: the seeded Monte Carlo of an estimate's savings (:mod:`.montecarlo`); the
distributions themselves are pure functions in :mod:`retrofit.models.sampling`."""
