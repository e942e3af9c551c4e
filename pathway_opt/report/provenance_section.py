"""The last section: where the plan came from, so a reader can reproduce it."""

from __future__ import annotations

import sys
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from pathway_opt.outputs import sources
from pathway_opt.outputs.provenance import Provenance
from pathway_opt.plan import Plan
from pathway_opt.report.section import Section


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _option(value: object) -> str:
    return "-" if value is None else str(value)


def provenance_section(
    plan: Plan, provenance: Provenance | None, made_at: datetime
) -> Section:
    """Input file and SHA-256, tool and solver versions, options and times."""
    prov = provenance
    rows = [
        ("instance", plan.instance.name),
        ("input file", prov.source if prov and prov.source else "-"),
        ("input SHA-256", prov.sha256 if prov and prov.sha256 else "-"),
        ("plan made by", f"pathway-opt {prov.tool_version}" if prov else "-"),
        ("plan made at", prov.run_at if prov else "-"),
        ("solver", plan.solver or "-"),
        ("solver ended with", plan.termination or "-"),
        ("solve time", f"{plan.seconds:.2f} s"),
    ]
    # the method that ran and who found what; the method asked is an option
    rows += [
        (label, text)
        for label, text in (
            ("method", plan.method),
            ("plan found by", sources.found_by(plan)),
            ("bound from", sources.bound_from(plan)),
        )
        if text
    ]
    rows += [(f"option {k}", _option(v)) for k, v in sorted(plan.settings.items())]
    rows += [
        ("report made by", f"pathway-opt {_version('pathway-opt')}"),
        ("report made at", made_at.isoformat(timespec="seconds")),
        ("report drawn with", f"matplotlib {_version('matplotlib')}, "
         f"Jinja2 {_version('jinja2')}, Python {sys.version.split()[0]}"),
    ]  # fmt: skip
    data = {"rows": rows}
    return Section("provenance", "Provenance", "provenance.html.j2", data)
