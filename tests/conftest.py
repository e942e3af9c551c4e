"""Hypothesis profiles and shared fixtures for every test folder.

Helper modules sit beside this file and are imported by name from any folder
(pyproject sets ``pythonpath = ["tests"]``): ``tiny_instances`` (tiny instance
dicts), ``random_instances`` (random instances and the brute-force optimum),
``bad_input_cases`` (the bad-input base and mutations), ``fuzz_cases``,
``verify_reference`` (the plain reference verifier) and ``repo_paths``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import settings
from tiny_instances import solve_dict

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile("ci")


@pytest.fixture
def solved() -> Any:
    return solve_dict
