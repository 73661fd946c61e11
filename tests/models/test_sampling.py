"""Pure functions of retrofit.models.sampling checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from retrofit.models import sampling


def test_dirichlet_concentration_from_the_sd_of_a_half_share():
    # Var s = s(1 − s)/(α + 1): a half share with sd 0.1 has 0.25/(α + 1) = 0.01, α = 24
    assert sampling.dirichlet_concentration(0.1) == pytest.approx(24.0)
    assert sampling.dirichlet_concentration(0.0) == np.inf
    # an sd whose square underflows is no spread at all, not a division by zero
    assert sampling.dirichlet_concentration(4e-169) == np.inf


def test_interpolate_responses_shares_the_draws_of_each_response():
    # nodes 0.9, 1.0, 1.1; response 0.8, 1.0, 1.3: at 0.95 halfway to 1.0 → 0.9; at 1.05 → 1.15;
    # beyond the ends the end value (no extrapolation)
    nodes = np.array([0.9, 1.0, 1.1])
    x = np.array([[0.95, 1.05, 1.2]]).T  # three draws of one column
    found = sampling.interpolate_responses(
        x, nodes, {"baseline": [[0.8, 1.0, 1.3]], "retrofit": [[1.0, 1.0, 1.0]]}
    )
    assert found["baseline"][:, 0] == pytest.approx([0.9, 1.15, 1.3])
    assert found["retrofit"][:, 0] == pytest.approx([1.0, 1.0, 1.0])
    one = sampling.interpolate_response(x, nodes, [[0.8, 1.0, 1.3]])
    assert one[:, 0] == pytest.approx([0.9, 1.15, 1.3])


def test_one_column_of_draws_is_shared_by_every_response_column():
    # two rows, draws 0.95 and 1.1 shared by both: row 1 is 0.8/1.0/1.3, row 2 is flat at 2
    nodes = np.array([0.9, 1.0, 1.1])
    table = [[0.8, 1.0, 1.3], [2.0, 2.0, 2.0]]
    found = sampling.interpolate_responses(np.array([[0.95], [1.1]]), nodes, {"r": table})["r"]
    assert found == pytest.approx(np.array([[0.9, 2.0], [1.3, 2.0]]))
    single = sampling.interpolate_responses(np.array([[0.95], [1.1]]), [1.0], {"r": [[1.0], [2.0]]})
    assert single["r"] == pytest.approx(np.array([[1.0, 2.0], [1.0, 2.0]]))
