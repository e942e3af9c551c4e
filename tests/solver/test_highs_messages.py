"""The messages to and from HiGHS's child process."""

from __future__ import annotations

from typing import get_args

import highspy

from pathway_opt.solver.highs_messages import ModelStatus


def test_model_status_names_are_highspy_s() -> None:
    """A run's status is HiGHS's status name, typed as ModelStatus without a check."""
    assert set(get_args(ModelStatus)) == set(highspy.HighsModelStatus.__members__)
