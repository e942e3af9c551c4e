"""The independent verifier: no model, no solver, only the instance and the plan."""
