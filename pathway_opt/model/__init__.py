"""The mathematical model: columns, constraint families, the standard form, Pyomo."""
