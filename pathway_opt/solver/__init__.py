"""Solving with HiGHS: settings, outcomes, the solver and HiGHS's own process."""
