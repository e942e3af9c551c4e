"""`generate --funding-choice --variants` writes a valid instance using both."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main


def test_generate_command_writes_a_valid_instance_with_both(tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    args = ["generate", "-n", "150", "--funding-choice", "--variants", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    inst = po.load_instance(out)
    assert any(i.funded_by for i in inst.initiatives)
    assert any(i.variants for i in inst.initiatives)
