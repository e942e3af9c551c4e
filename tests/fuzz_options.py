"""Fuzzed command-line option values (shared by the bounded test and the long
script ``benchmarks/fuzz_long.py --options N``).

Every numeric option of every command gets random numeric strings and the
awkward ones (nan, inf, huge, negative, empty, other scripts' digits), sweeps
get random ``a:b:n`` grids, the frontier random ``low:high`` budget ranges,
and the ceilings' environment variables random values. Every case must end
with exit 0-4 and a message, never 5 or a traceback. A tiny instance keeps
valid cases fast; ``PATHWAY_OPT_CORES`` is 1 unless fuzzed (so no worker
processes start) and ``PATHWAY_OPT_MAX_POINTS`` is small (so a valid sweep
stays short).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import strategies as st

from pathway_opt.cli.main import main

TINY: dict[str, Any] = {
    "name": "tiny",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [10, 10]}],
    "resources": [{"id": "lab", "capacity": [2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 3}, "cost": [6], "uses": {"lab": [1]}},
        {"id": "B", "scores": {"TC": 2}, "cost": [5, 1]},
        {"id": "C", "scores": {"TC": 1}, "cost": [4]},
    ],
}
SCENARIOS = [{"name": "cut", "edits": [{"op": "scale_budget", "budget": "central",
                                        "factor": 0.5}]}]  # fmt: skip

AWKWARD = [
    "nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "1e400", "-1e400",
    "1e20", "1e308", "-1", "-0", "0", "0.0", "1e-320", "", " ", "abc", "1_0",
    "0x10", "1e", "\u0661", "\u00bd", "9" * 60, "1e6", "1e7", "2147483648",
    "-" + "9" * 40, "0.5", "1", "2", "3", "1000001", "10000", "5e-324", "+1",
    " 1 ", "1,5", "1.", ".5", "--",
]  # fmt: skip

NUMBERS = st.one_of(
    st.sampled_from(AWKWARD),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**40), 10**40).map(str),
    st.text(max_size=6),
    # plausible values, so that valid cases get far (and solve) too
    st.floats(0, 1).map(str),
    st.floats(-2, 30).map(lambda v: f"{v:.3g}"),
    st.integers(-3, 12).map(str),
)
SMALL_NUMBERS = st.one_of(
    st.sampled_from([*AWKWARD[:20], "0", "1", "2", "5", "-3"]),
    st.integers(-5, 60).map(str),
)
SCALES = st.one_of(
    NUMBERS,
    st.builds(lambda a, b, n: f"{a}:{b}:{n}", NUMBERS, NUMBERS, SMALL_NUMBERS),
    st.builds(lambda a, b, n: f"{a}:{b}:{n}", st.floats(0, 2), st.floats(0, 2),
              st.integers(-2, 12)),
    st.lists(NUMBERS, min_size=1, max_size=4).map(",".join),
    st.sampled_from(["0:1:10000", "1:0:5", "0.5:1.5", "1::3", ":", "1,,2"]),
)  # fmt: skip
MONEY_RANGES = st.one_of(
    NUMBERS,
    st.builds(lambda a, b: f"{a}:{b}", NUMBERS, NUMBERS),
    st.builds(lambda a, b: f"{a}:{b}", st.floats(0, 30), st.floats(0, 30)),
    st.sampled_from(["5:", ":5", "1:2:3", "1,000:2,000", "1_0:2_0", "0:0"]),
)  # fmt: skip
SCHEDULERS = st.one_of(
    st.sampled_from(["tcp://::::bad", "foo", "tcp://h", "tcp://h:99999", "http://x:1",
                     "inproc://x", "ucx://h:1", "tcp://[::1", "", " "]),
    st.text(max_size=12),
)  # fmt: skip
LABELS = st.one_of(
    st.lists(st.text(max_size=5), max_size=6).map(",".join),
    st.sampled_from([",".join(map(str, range(20_000))), "a" * 41, "2027,2027"]),
)

#: Option -> values, per command (the option's value strategy).
OPTIONS: dict[str, dict[str, st.SearchStrategy[str]]] = {
    "solve": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS, "--threads": NUMBERS},
    "explain": {"--time-limit": NUMBERS, "--step": NUMBERS,
                "--alternatives": NUMBERS, "--threads": NUMBERS},
    "sweep": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS, "--threads": NUMBERS,
              "--workers": NUMBERS, "--budget-scale": SCALES,
              "--capacity-scale": SCALES, "--scheduler": SCHEDULERS},
    "frontier": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS, "--threads": NUMBERS,
                 "--workers": NUMBERS, "--scheduler": SCHEDULERS,
                 "--max-points": SMALL_NUMBERS, "--budget-range": MONEY_RANGES},
    "compare": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS, "--threads": NUMBERS},
    "alternatives": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS,
                     "--threads": NUMBERS, "--count": SMALL_NUMBERS,
                     "--within": NUMBERS, "--min-difference": SMALL_NUMBERS},
    "stability": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS,
                  "--threads": NUMBERS, "--tolerance": NUMBERS,
                  "--criterion": st.sampled_from(["TC", "XX", "", ",", "TC,TC"])},
    "robust": {"--time-limit": NUMBERS, "--mip-gap": NUMBERS, "--threads": NUMBERS,
               "--workers": NUMBERS, "--samples": SMALL_NUMBERS, "--seed": NUMBERS,
               "--core": NUMBERS, "--exterior": NUMBERS, "--scheduler": SCHEDULERS},
    "generate": {"--initiatives": SMALL_NUMBERS, "--periods": SMALL_NUMBERS,
                 "--first-year": NUMBERS, "--seed": NUMBERS},
    "template": {"--periods": LABELS, "--first-year": NUMBERS},
}  # fmt: skip
#: The environment of most cases (one core: no worker processes; short sweeps).
CALM = {"PATHWAY_OPT_CORES": "1", "PATHWAY_OPT_MAX_POINTS": "12",
        "PATHWAY_OPT_MAX_INPUT_MB": ""}  # fmt: skip
ENVIRONMENT = {
    "PATHWAY_OPT_CORES": ["1", "0", "-1", "nan", "x", "1e400", "1.5"],
    "PATHWAY_OPT_MAX_POINTS": ["12", "1", "0", "-3", "nan", "y", "1e400"],
    "PATHWAY_OPT_MAX_INPUT_MB": ["", "1", "0.000001", "-1", "nan", "z"],
}
ALLOWED = {0, 1, 2, 3, 4}


@st.composite
def option_cases(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """A command, some of its options with fuzzed values, and the environment."""
    command = draw(st.sampled_from(sorted(OPTIONS)))
    names = draw(st.lists(st.sampled_from(sorted(OPTIONS[command])), min_size=1,
                          max_size=3, unique=True))  # fmt: skip
    options = [(name, draw(OPTIONS[command][name])) for name in names]
    env = dict(CALM)
    if draw(st.integers(0, 9)) == 0:  # one case in ten fuzzes the ceilings too
        env = {k: draw(st.sampled_from(v)) for k, v in ENVIRONMENT.items()}
    return command, options, env


def argv(command: str, options: list[tuple[str, str]], folder: Path) -> list[str]:
    """The command line of one case, its files in `folder`."""
    instance = folder / "tiny.json"
    instance.write_text(json.dumps(TINY), encoding="utf-8")
    leading = {
        "solve": [str(instance)],
        "explain": [str(instance), "--no-why", "--no-marginal"],
        "sweep": [str(instance)],
        "frontier": [str(instance)],
        "compare": [str(instance), str(folder / "scenarios.json")],
        "alternatives": [str(instance)],
        "stability": [str(instance)],
        "robust": [str(instance)],
        "generate": [str(folder / "generated.json"), "--force"],
        "template": [str(folder / "template.xlsx"), "--force"],
    }[command]
    if command == "compare":
        (folder / "scenarios.json").write_text(json.dumps(SCENARIOS), encoding="utf-8")
    if command == "generate" and not any(n == "--initiatives" for n, _ in options):
        leading.append("--initiatives=3")
    if command == "robust" and not any(n == "--samples" for n, _ in options):
        leading.append("--samples=3")
    return [command, *leading, *(f"{name}={value}" for name, value in options)]


def run_option_case(
    command: str, options: list[tuple[str, str]], env: dict[str, str], folder: Path
) -> tuple[str, int]:
    """Run one case; returns (command, exit code). Fails on exit 5 or a traceback."""
    import pathway_opt.whatif.parallel as parallel

    parallel.CONNECT_TIMEOUT = 0.5  # a well-formed address that leads nowhere
    args = argv(command, options, folder)
    result = CliRunner().invoke(main, args, env=env)
    shown = f"{[a[:200] for a in args]} {env}\n{result.output[-2000:]}"
    assert "Traceback" not in result.output, shown
    assert "internal error" not in result.output, shown
    assert isinstance(result.exception, SystemExit | None), (
        repr(result.exception),
        shown,
    )
    assert result.exit_code in ALLOWED, (result.exit_code, shown)
    assert result.output.strip(), ("no message", shown)
    return command, result.exit_code
