"""Project economics on arrays: discounting, NPV, IRR, levelised cost of saved energy, loans.

Pure functions on numpy arrays (scalars broadcast); no tables, no pandas. Years are whole
years; cash flows fall at the end of each year and the investment at year 0, the convention
of 《建设项目经济评价方法与参数（第三版）》 (NDRC and MOHURD, 2006) and of spreadsheet ``NPV``/
``IRR`` functions.

The cost of saved energy is the levelised investment per unit of energy saved,
``investment × CRF(r, n) / annual saving`` (Meier, *Supply Curves of Conserved Energy*, LBL-14686,
1982), the quantity ranked on a conservation supply curve.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: IRR search bracket [fraction per year]: −99 % (almost everything lost) to +1000 %.
IRR_BRACKET = (-0.99, 10.0)
#: Bisection steps: the bracket width 11 halves to 3e-13 in 45 steps.
IRR_STEPS = 45


def annuity_factor(rate: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Present value of 1 a year for ``years`` years, ``(1 − (1 + r)^−n) / r`` [yr].

    Parameters
    ----------
    rate : array_like
        Discount rate [fraction per year], > −1; ``0`` gives ``n``.
    years : array_like
        Number of yearly payments [yr], ≥ 0 (fractional years are allowed).
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = -np.expm1(-n * np.log1p(r)) / r
    return np.where(np.abs(r) < 1e-12, n, factor)


def capital_recovery_factor(rate: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Equal yearly payment that repays 1 over ``years`` at ``rate``: ``1 / annuity_factor``
    [1/yr]."""
    with np.errstate(divide="ignore"):
        return 1.0 / annuity_factor(rate, years)


def npv_uniform(
    investment: ArrayLike, annual_saving: ArrayLike, rate: ArrayLike, years: ArrayLike
) -> np.ndarray:
    """Net present value of ``−I`` now and ``S`` a year for ``n`` years [same unit as I]."""
    return np.asarray(annual_saving, dtype=float) * annuity_factor(rate, years) - np.asarray(
        investment, dtype=float
    )


def irr_uniform(investment: ArrayLike, annual_saving: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Internal rate of return of ``−I`` now and ``S`` a year for ``n`` years [fraction/yr].

    Solves ``S · annuity_factor(irr, n) = I`` by bisection on :data:`IRR_BRACKET` (the factor
    falls as the rate rises, so the root is unique). NaN when ``S ≤ 0``, ``I ≤ 0`` or ``n``
    is not positive, and when the root lies outside the bracket.
    """
    invest = np.asarray(investment, dtype=float)
    saving = np.asarray(annual_saving, dtype=float)
    n = np.asarray(years, dtype=float)
    invest, saving, n = np.broadcast_arrays(invest, saving, n)
    with np.errstate(invalid="ignore"):
        ok = (saving > 0) & (invest > 0) & (n > 0)
    i, s, years = invest[ok], saving[ok], n[ok]  # solve only where a root can exist
    lo = np.full(i.shape, IRR_BRACKET[0])
    hi = np.full(i.shape, IRR_BRACKET[1])
    for _ in range(IRR_STEPS):
        mid = 0.5 * (lo + hi)
        with np.errstate(invalid="ignore", over="ignore"):
            positive = s * annuity_factor(mid, years) > i  # NPV > 0: the rate is too low
        np.copyto(lo, mid, where=positive)  # in place: two fewer arrays per step
        np.copyto(hi, mid, where=~positive)
    root = 0.5 * (lo + hi)
    inside = (root > IRR_BRACKET[0] + 1e-9) & (root < IRR_BRACKET[1] - 1e-9)
    out = np.full(invest.shape, np.nan)
    out[ok] = np.where(inside, root, np.nan)
    return out


def discount_factors(rate: ArrayLike, horizon: int) -> np.ndarray:
    """``(1 + r)^−t`` for t = 0 … horizon, one row per rate: shape ``(len(rate), horizon + 1)``."""
    r = np.atleast_1d(np.asarray(rate, dtype=float))
    t = np.arange(horizon + 1, dtype=float)
    return np.exp(-np.outer(np.log1p(r), t))


def npv_flows(flows: ArrayLike, rate: ArrayLike) -> np.ndarray:
    """NPV of yearly cash flows, one row per project, column t = year t (0 = now)."""
    cash = np.atleast_2d(np.asarray(flows, dtype=float))
    return (cash * discount_factors(rate, cash.shape[1] - 1)).sum(axis=1)


def irr_flows(flows: ArrayLike) -> np.ndarray:
    """IRR of yearly cash flows, one row per project [fraction/yr].

    Defined, as spreadsheet ``IRR`` is for a conventional project, when the flows change sign
    once: outflows first, then inflows (the NPV then falls with the rate and the root is
    unique). NaN otherwise, and when the root lies outside :data:`IRR_BRACKET`.
    """
    cash = np.atleast_2d(np.asarray(flows, dtype=float))
    signs = np.sign(cash)
    changes = _sign_changes(signs)
    conventional = (changes == 1) & (cash[:, 0] < 0)
    lo = np.full(cash.shape[0], IRR_BRACKET[0])
    hi = np.full(cash.shape[0], IRR_BRACKET[1])
    for _ in range(IRR_STEPS):
        mid = 0.5 * (lo + hi)
        with np.errstate(invalid="ignore", over="ignore"):
            positive = npv_flows(cash, mid) > 0
        np.copyto(lo, mid, where=positive)  # in place: two fewer arrays per step
        np.copyto(hi, mid, where=~positive)
    root = 0.5 * (lo + hi)
    inside = (root > IRR_BRACKET[0] + 1e-9) & (root < IRR_BRACKET[1] - 1e-9)
    return np.where(conventional & inside, root, np.nan)


def _sign_changes(signs: np.ndarray) -> np.ndarray:
    """Number of sign changes along each row, zeros skipped."""
    cols = signs.shape[1]
    idx = np.where(signs != 0, np.arange(cols), -1)
    last_nonzero = np.maximum.accumulate(idx, axis=1)
    # the sign of the last non-zero flow before each column
    shifted = np.concatenate([np.full((signs.shape[0], 1), -1), last_nonzero[:, :-1]], axis=1)
    before = np.where(shifted >= 0, np.take_along_axis(signs, np.maximum(shifted, 0), axis=1), 0)
    return ((signs != 0) & (before != 0) & (signs != before)).sum(axis=1)


def discounted_payback_years(
    investment: ArrayLike, annual_saving: ArrayLike, rate: ArrayLike
) -> np.ndarray:
    """Years until discounted savings repay the investment, ``−ln(1 − rI/S) / ln(1 + r)`` [yr].

    Infinite (never) when ``rI ≥ S``; ``I/S`` at ``r = 0``; NaN when ``S ≤ 0``.
    """
    invest = np.asarray(investment, dtype=float)
    saving = np.asarray(annual_saving, dtype=float)
    r = np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        simple = invest / saving
        share = r * invest / saving  # log1p keeps precision for a tiny r (found by hypothesis)
        years = np.where(
            share < 1, -np.log1p(-np.where(share < 1, share, 0.0)) / np.log1p(r), np.inf
        )
        years = np.where(np.abs(r) < 1e-12, simple, years)
    return np.where(saving > 0, years, np.nan)


def levelised_cost(
    investment: ArrayLike, annual_quantity: ArrayLike, rate: ArrayLike, years: ArrayLike
) -> np.ndarray:
    """Levelised investment per unit saved, ``I · CRF(r, n) / Q`` [currency per unit of Q].

    With Q in kWh/yr this is the cost of saved energy [CNY/kWh]; with Q in tce/yr, the cost of
    saved coal [CNY/tce]. NaN when ``Q ≤ 0`` (nothing saved: no cost per unit).
    """
    q = np.asarray(annual_quantity, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = (np.asarray(investment, dtype=float) * capital_recovery_factor(rate, years)) / q
    return np.where(q > 0, cost, np.nan)


def loan_schedule(
    principal: ArrayLike, rate: ArrayLike, term_years: ArrayLike, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Interest paid and principal outstanding at the start of each year 1 … ``horizon``.

    A level-payment (annuity) loan repaid in ``term_years`` yearly instalments; a NaN term
    means interest only (the whole principal outstanding every year, an upper bound on
    interest). Returns ``(interest, outstanding)``, each of shape ``(len(principal), horizon)``.

    Parameters
    ----------
    principal : array_like
        Amount borrowed [CNY].
    rate : array_like
        Annual interest rate [fraction per year].
    term_years : array_like
        Repayment term [yr]; NaN for interest only.
    horizon : int
        Years to return.
    """
    p = np.atleast_1d(np.asarray(principal, dtype=float))
    r = np.atleast_1d(np.asarray(rate, dtype=float))
    n = np.atleast_1d(np.asarray(term_years, dtype=float))
    p, r, n = np.broadcast_arrays(p, r, n)
    k = np.arange(horizon, dtype=float)  # payments made before year k + 1
    growth = np.exp(np.outer(np.log1p(r), k))
    payment = p * capital_recovery_factor(r, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        paid = np.where(
            np.abs(r)[:, None] < 1e-12,
            payment[:, None] * k,
            payment[:, None] * (growth - 1.0) / r[:, None],
        )
    amortising = p[:, None] * growth - paid
    amortising = np.where(k[None, :] < n[:, None], np.maximum(amortising, 0.0), 0.0)
    outstanding = np.where(np.isnan(n)[:, None], p[:, None], amortising)
    return outstanding * r[:, None], outstanding


def one_off_deduction_value(
    investment: ArrayLike, tax_rate: ArrayLike, rate: ArrayLike, depreciation_years: ArrayLike
) -> np.ndarray:
    """Present value of expensing an asset at once instead of straight-line depreciation.

    ``t · I · [(1 + r)^−1 − AF(r, N) / N]``: the deduction of ``I`` in year 1 against ``I/N`` a
    year in years 1 … N, both at tax rate ``t`` [CNY]. Zero at ``r = 0`` (a timing benefit only).
    """
    invest = np.asarray(investment, dtype=float)
    r = np.asarray(rate, dtype=float)
    n = np.asarray(depreciation_years, dtype=float)
    return np.asarray(tax_rate, dtype=float) * invest * (1.0 / (1.0 + r) - annuity_factor(r, n) / n)


def contract_payment_deduction_value(
    payments: ArrayLike,
    sharing_years: ArrayLike,
    tax_rate: ArrayLike,
    rate: ArrayLike,
    depreciation_years: ArrayLike,
) -> np.ndarray:
    """Present value of deducting an energy-performance contract's payments as they are paid
    instead of depreciating them as an asset's price (财税〔2010〕110号 二（二）1).

    ``t · P · [AF(r, S) / S − AF(r, N) / N]``, clipped at zero: ``P/S`` deducted in each year
    1 … S of the sharing period against ``P/N`` a year in years 1 … N, both at tax rate ``t``
    [CNY]. Treating the whole of ``P`` as asset price is an upper bound (the service-fee part
    would be deductible either way). Zero at ``r = 0`` (a timing benefit only).

    Parameters
    ----------
    payments : array_like
        Payments to the energy-service company over the contract [CNY].
    sharing_years : array_like
        Years over which they are paid (the benefit-sharing period) [yr].
    tax_rate : array_like
        Income tax rate [fraction].
    rate : array_like
        Discount rate [fraction per year].
    depreciation_years : array_like
        Minimum tax depreciation life of the equipment [yr].
    """
    p = np.asarray(payments, dtype=float)
    s = np.asarray(sharing_years, dtype=float)
    r = np.asarray(rate, dtype=float)
    n = np.asarray(depreciation_years, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = annuity_factor(r, s) / s - annuity_factor(r, n) / n
    return np.asarray(tax_rate, dtype=float) * p * np.maximum(gain, 0.0)
