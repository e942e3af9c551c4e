"""The README's Python examples run as written and give verified results."""

from __future__ import annotations

import re

import pytest
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.solver.outcome import SolveOutcome, Termination

README = (ROOT / "README.md").read_text("utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{k}" for k in range(len(BLOCKS))])
def test_readme_python_block_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    plans = [v for v in namespace.values() if isinstance(v, po.Plan)]
    outcomes = [v for v in namespace.values() if isinstance(v, SolveOutcome)]
    assert plans or outcomes, "the example solved nothing"
    assert all(p.verified for p in plans)
    assert all(o.termination == Termination.OPTIMAL for o in outcomes)
