"""`generate --periods` and `template --periods` mean the same thing.

Issue 15, item 10: ``generate --periods`` took a count (years from 2027),
``template --periods`` a list of labels. Both now take a count (years from
``--first-year``, default next calendar year), a year, a range of years or
labels separated by commas, through one parser with one help text and the same
usage errors (exit 2, naming the option, nothing written).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import pathway_opt as po
from pathway_opt.cli.instance_files import generate_command, template_command
from pathway_opt.cli.main import main

NEXT = date.today().year + 1


def run(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def generated(tmp_path: Path, *options: str) -> list[str]:
    out = tmp_path / "g.json"
    result = run("generate", "-n", "4", *options, out, "--force")
    assert result.exit_code == 0, result.output
    periods = json.loads(out.read_text(encoding="utf-8"))["periods"]
    assert isinstance(periods, list)
    return periods


def templated(tmp_path: Path, *options: str) -> list[str]:
    out = tmp_path / "t.xlsx"
    result = run("template", out, *options, "--force")
    assert result.exit_code == 0, result.output
    return list(po.load_instance(out).periods)


@pytest.mark.parametrize(
    ("options", "periods"),
    [
        (["--periods", "4", "--first-year", "2030"],
         ["2030", "2031", "2032", "2033"]),
        (["--first-year", "2030", "-t", "2"], ["2030", "2031"]),  # any order
        (["--periods", "2030-2033"], ["2030", "2031", "2032", "2033"]),
        (["--periods", "2030 - 2031"], ["2030", "2031"]),
        (["--periods", "2030,2031,2032"], ["2030", "2031", "2032"]),
        (["--periods", " 2030 , 2031 "], ["2030", "2031"]),
        (["--periods", "2030"], ["2030"]),  # four digits: a year, not a count
        (["--periods", "Q1,Q2,Q3,Q4"], ["Q1", "Q2", "Q3", "Q4"]),
        (["--periods", "2027-28,2028-29"], ["2027-28", "2028-29"]),
        (["--periods", "2027-28"], ["2027-28"]),  # not a range of years
        (["--periods", "1"], [str(NEXT)]),
        (["--periods", "3"], [str(NEXT + k) for k in range(3)]),
    ],
)  # fmt: skip
def test_generate_and_template_give_the_same_periods(
    tmp_path: Path, options: list[str], periods: list[str]
) -> None:
    assert generated(tmp_path, *options) == periods
    assert templated(tmp_path, *options) == periods


def test_defaults_are_years_from_next_year(tmp_path: Path) -> None:
    assert generated(tmp_path) == [str(NEXT + k) for k in range(5)]
    assert templated(tmp_path) == [str(NEXT + k) for k in range(3)]


def test_earlier_usages_still_work(tmp_path: Path) -> None:
    assert len(generated(tmp_path, "--periods", "5")) == 5
    assert len(generated(tmp_path, "-t", "2")) == 2
    labels = ["2027", "2028", "2029"]
    assert templated(tmp_path, "--periods", ",".join(labels)) == labels


def test_the_generated_file_says_how_to_make_it_again(tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    result = run("generate", "-n", "4", "-t", "3", "--first-year", "2031", out)
    assert result.exit_code == 0, result.output
    assert "(periods 2031 to 2033)" in result.output
    described = json.loads(out.read_text(encoding="utf-8"))["description"]
    assert "--periods 2031-2033" in described
    again = tmp_path / "again.json"
    argv = described.split()[1:-2]  # without "pathway-opt" and "--seed 0"
    assert run(*argv, again).exit_code == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "option", "words"),
    [
        (["--periods", "0"], "--periods", "at least 1 period"),
        (["--periods", "12345"], "--periods", "neither a count"),
        (["--periods", "2031-2027"], "--periods", "write 2027-2031"),
        (["--periods", "2027,2027"], "--periods", "distinct"),
        (["--periods", "2027,,2029"], "--periods", "non-empty"),
        (["--periods", ","], "--periods", "non-empty"),
        (["--periods", ""], "--periods", "non-empty"),
        (["--periods", "y" * 41], "--periods", "at most 40 characters"),
        (["--periods", "2027-2029", "--first-year", "2030"], "--first-year",
         "only when --periods is a count"),
        (["--periods", "a,b", "--first-year", "2030"], "--first-year",
         "only when --periods is a count"),
        (["--first-year", "99"], "--first-year", "1000<=x<=9999"),
        (["--first-year", "x"], "--first-year", "not a valid integer"),
    ],
)  # fmt: skip
def test_the_same_mistake_is_the_same_usage_error(
    tmp_path: Path, options: list[str], option: str, words: str
) -> None:
    errors = []
    for argv in (["generate", "-n", "3", tmp_path / "g.json"],
                 ["template", tmp_path / "t.xlsx"]):  # fmt: skip
        result = run(*argv, *options)
        assert result.exit_code == 2, result.output
        assert f"'{option}'" in result.output and words in result.output
        errors.append(result.output.splitlines()[-1])
    assert errors[0] == errors[1]
    assert list(tmp_path.iterdir()) == []


def test_each_command_has_its_own_ceiling(tmp_path: Path) -> None:
    result = run("generate", "-n", "3", "-t", "51", tmp_path / "g.json")
    assert result.exit_code == 2 and "'--periods'" in result.output
    assert "51 periods; a generated instance has at most 50" in result.output
    result = run("generate", "-n", "3", "-t", "2027-2077", tmp_path / "g.json")
    assert result.exit_code == 2 and "51 periods" in result.output
    labels = ",".join(f"P{k}" for k in range(16_382))
    result = run("template", tmp_path / "t.xlsx", "--periods", labels)
    assert result.exit_code == 2 and "'--periods'" in result.output
    assert "16,382 periods; a workbook holds at most 16,381" in result.output
    assert list(tmp_path.iterdir()) == []


def _option(command: click.Command, name: str) -> click.Option:
    return next(
        p for p in command.params if isinstance(p, click.Option) and name in p.opts
    )


def test_one_help_text() -> None:
    for name in ("--periods", "--first-year"):
        ours = _option(generate_command, name), _option(template_command, name)
        assert ours[0].help == ours[1].help and ours[0].opts == ours[1].opts
    text = " ".join(run("template", "--help").output.split())
    assert "a count N (N years from --first-year)" in text
    assert f"next calendar year, {NEXT}" in text
