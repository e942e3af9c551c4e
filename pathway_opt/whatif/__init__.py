"""What-if analysis: sessions, edits, comparisons, sweeps, the frontier, ladders."""
