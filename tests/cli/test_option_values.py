"""Option values: finite and in range or a usage error naming the option.

Issue 14, items 10, 11, 14 and 15: ``--time-limit inf`` / ``1e20`` exited 5
(OverflowError), ``nan`` time limits, gaps and steps were taken, ``--threads
10000`` took 44 s on a tiny instance, a sweep of 10^8 points was accepted,
``template --periods`` with 20,000 labels exited 6, a malformed ``--scheduler``
printed a traceback and hung 20 s, and ``--time-limit`` did not say what it
bounds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pathway_opt.cli.main import main
from pathway_opt.cli.options import cores

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "instances" / "small_applied_college.json")
BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "1e400", "-1", "abc", "", "1e20"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def scenarios_file(tmp_path: Path) -> str:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"name": "same", "edits": []}), encoding="utf-8")
    return str(path)


COMMANDS = {
    "solve": ["solve", SMALL],
    "explain": ["explain", SMALL],
    "sweep": ["sweep", SMALL, "--budget-scale", "1"],
    "frontier": ["frontier", SMALL],
    "compare": ["compare", SMALL, "{scenarios}"],
    "alternatives": ["alternatives", SMALL],
    "stability": ["stability", SMALL],
    "robust": ["robust", SMALL, "--samples", "2"],
}
NUMERIC = [
    (command, option)
    for command in COMMANDS
    for option in ("--time-limit", "--mip-gap", "--step", "--within", "--tolerance")
    if (option != "--step" or command == "explain")
    and (option != "--within" or command == "alternatives")
    and (option != "--tolerance" or command == "stability")
    and (option != "--mip-gap" or command != "explain")
]


@pytest.mark.parametrize(("command", "option"), NUMERIC)
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_numbers_are_usage_errors_naming_the_option(
    tmp_path: Path, command: str, option: str, value: str
) -> None:
    if value == "1e20" and option != "--time-limit":
        value = "2"  # above the range of a gap or a step
    argv = [
        a.replace("{scenarios}", scenarios_file(tmp_path)) for a in COMMANDS[command]
    ]
    began = time.perf_counter()
    result = run(*argv, f"{option}={value}")
    assert result.exit_code == 2, result.output
    assert f"'{option}'" in result.output
    assert time.perf_counter() - began < 5


def test_time_limit_range_says_how_to_have_no_limit() -> None:
    result = run("solve", SMALL, "--time-limit", "1e20")
    assert "at most 1,000,000 s" in result.output
    assert "leave it out for no limit" in result.output


def test_the_largest_time_limit_solves() -> None:
    result = run("solve", SMALL, "--time-limit", "1e6")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["0", "0.5", "1", "1e-3"])
def test_good_gaps_and_steps_are_taken(value: str) -> None:
    assert run("solve", SMALL, "--mip-gap", value).exit_code == 0
    if value != "0":
        args = ["explain", SMALL, "--step", value, "--no-why"]
        assert run(*args).exit_code == 0


# --- threads and workers: capped at the cores, with a note ------------------------


def test_threads_above_the_cores_are_capped_with_a_note(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    began = time.perf_counter()
    result = run("solve", SMALL, "--threads", "10000", "-o", str(plan))
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - began < 20
    assert f"--threads 10000 is more than the {cores()} core" in result.stderr
    used = json.loads(plan.read_text(encoding="utf-8"))["settings"]["threads"]
    assert used == cores()


def test_cores_can_be_set_and_must_be_a_number() -> None:
    result = run("solve", SMALL, "--threads", "3", env={"PATHWAY_OPT_CORES": "1"})
    assert result.exit_code == 0 and "using 1 thread (" in result.stderr
    result = run("solve", SMALL, "--threads", "3", env={"PATHWAY_OPT_CORES": "many"})
    assert result.exit_code == 2 and "PATHWAY_OPT_CORES" in result.output


def test_workers_above_the_cores_are_capped() -> None:
    env = {"PATHWAY_OPT_CORES": "1"}
    result = run("sweep", SMALL, "--budget-scale", "1,0.9", "--workers", "64", env=env)
    assert result.exit_code == 0, result.output
    assert "--workers 64 is more than the 1 core available" in result.stderr
    assert "with 1 worker" in result.stdout


# --- sweep grid ceiling ---------------------------------------------------------


def test_a_grid_of_ten_to_the_eight_points_is_refused_at_once() -> None:
    began = time.perf_counter()
    result = run(
        "sweep", SMALL, "--budget-scale", "0:1:10000", "--capacity-scale", "0:1:10000"
    )
    assert result.exit_code == 2, result.output
    assert "100,000,000 points" in result.output
    assert "PATHWAY_OPT_MAX_POINTS" in result.output
    assert time.perf_counter() - began < 5


def test_the_grid_ceiling_can_be_lowered_and_raised() -> None:
    args = ["sweep", SMALL, "--budget-scale", "0.9,1", "--capacity-scale", "0.9,1"]
    assert run(*args, env={"PATHWAY_OPT_MAX_POINTS": "3"}).exit_code == 2
    assert run(*args, env={"PATHWAY_OPT_MAX_POINTS": "4"}).exit_code == 0
    bad = run(*args, env={"PATHWAY_OPT_MAX_POINTS": "-5"})
    assert bad.exit_code == 2 and "PATHWAY_OPT_MAX_POINTS" in bad.output


# --- template periods -----------------------------------------------------------


def test_twenty_thousand_template_periods_are_a_usage_error(tmp_path: Path) -> None:
    labels = ",".join(str(k) for k in range(20_000))
    result = run("template", str(tmp_path / "t.xlsx"), "--periods", labels)
    assert result.exit_code == 2, result.output
    assert "'--periods'" in result.output and "16,381" in result.output
    assert list(tmp_path.iterdir()) == []


# --- scheduler addresses ---------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["tcp://::::bad", "foo", "tcp://host", "tcp://host:99999", "tcp://host:abc",
     "http://host:8786", "inproc://x", "ucx://host:1", "tcp://", "tcp://[::1"],
)  # fmt: skip
def test_malformed_scheduler_addresses_are_usage_errors(address: str) -> None:
    result = run("sweep", SMALL, "--budget-scale", "1", "--scheduler", address)
    assert result.exit_code == 2, result.output
    assert "'--scheduler'" in result.output


@pytest.mark.parametrize(
    "address", ["tcp://host:8786", "host:8786", "tls://10.0.0.1:1", "tcp://[::1]:8786"]
)
def test_well_formed_scheduler_addresses_pass_the_form_check(address: str) -> None:
    import pathway_opt as po

    assert po.scheduler_problem(address) == ""


def _cli(
    *args: str, timeout: float = 60
) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from pathway_opt.cli.main import main; main()", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )  # fmt: skip
    return done, time.perf_counter() - began


def test_malformed_scheduler_exits_at_once_without_a_traceback() -> None:
    done, seconds = _cli("sweep", SMALL, "--budget-scale", "1", "--scheduler",
                         "tcp://::::bad")  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert seconds < 15


CHILD = """
import time, sys
from pathway_opt.whatif import parallel
parallel.scheduler_problem = lambda address: ""  # let a malformed address through
began = time.perf_counter()
try:
    parallel.dask_client(sys.argv[1])
except Exception as exc:
    print(type(exc).__name__, round(time.perf_counter() - began, 1))
"""


@pytest.mark.parametrize("address", ["tcp://::::bad", "inproc://x"])
def test_a_client_that_failed_to_connect_is_discarded_quietly(address: str) -> None:
    pytest.importorskip("distributed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, address],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.stdout.startswith("InputError"), done.stdout + done.stderr
    assert "Exception ignored" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert time.perf_counter() - began < 15


# --- what --time-limit bounds -----------------------------------------------------


@pytest.mark.parametrize(
    "command",
    ["solve", "explain", "compare", "sweep", "frontier", "alternatives", "robust"],
)
def test_time_limit_help_says_what_it_bounds(command: str) -> None:
    text = " ".join(run(command, "--help").output.split())
    assert "HiGHS's run" in text
    assert "reading the input" in text and "writing files come on top" in text
    assert "Seconds the whole solve may take" not in text
