"""Explanations of a plan: why in or out, what binds, rendered for people."""
