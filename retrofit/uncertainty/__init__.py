"""Uncertainty: the seeded Monte Carlo of an estimate's savings (:mod:`.montecarlo`), the
responses of rows to inputs that act non-linearly, by running their measures again
(:mod:`.recompute`); the distributions themselves are pure functions in
:mod:`retrofit.models.sampling`."""
