"""Every output of a command, checked before any work: one check for every command.

A command lists its outputs as :class:`Target` objects (the option naming each,
its path and, for a folder, every file written into it) and its inputs;
:func:`clashes` then finds, before anything is read or solved:

- an output with the wrong extension (a workbook not ending in ``.xlsx``);
- an output on an input's path (the instance, a scenarios or a plan file);
- two outputs of one run on one path (``solve -o out/run.json --csv out``, whose
  CSV folder also writes ``run.json``), or a folder output on an input or
  another output;
- an output that would replace a file the planner wrote (see below) without
  ``--force``.

The overwrite policy, the same for every command: an output may replace an
earlier output of pathway-opt, and any file that is not an input; a file that
is an instance (JSON with top-level ``periods``, ``criteria`` or
``initiatives``), an input workbook (an ``.xlsx`` with an ``initiatives``
sheet, such as a filled-in template) or a scenarios file (``edits``) is
replaced only with ``--force``. An earlier plan JSON or ``run.json`` (top-level
``status``), plan or comparison workbook (no ``initiatives`` sheet) and CSV
tables are outputs. :func:`name_problems` finds outputs that could never be
written: names no file system accepts (a part longer than 255 bytes) and a
folder output where a file is.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pathway_opt.inputs.instance_xlsx.layout import INITIATIVES

#: An input a command reads: what to call it in a message, and its path.
Input = tuple[str, Path]

#: Bytes of a file read to tell an instance from an output (the whole file when
#: it is smaller; otherwise its top-level keys are looked for in these bytes).
_HEAD_BYTES = 1_000_000
_INSTANCE_KEYS = ("periods", "criteria", "initiatives")
_SCENARIO_KEYS = ("edits", "scenarios")


@dataclass(frozen=True)
class Target:
    """One output: the option naming it, its path, and what it writes.

    A file target has ``names`` None. A folder target lists every file it may
    write into the folder, so that a clash with any of them is found.
    """

    option: str
    path: Path
    names: tuple[str, ...] | None = None
    suffixes: tuple[str, ...] = ()
    """Extensions the path must end in (empty: any)."""

    def files(self) -> list[Path]:
        """Every file this target writes."""
        if self.names is None:
            return [self.path]
        return [self.path / name for name in self.names]


@dataclass(frozen=True)
class Clash:
    """A target that must not be written: the option naming it, and why."""

    option: str
    message: str


def clashes(
    inputs: Sequence[Input], targets: Sequence[Target], *, force: bool = False
) -> list[Clash]:
    """What is wrong with the targets; an empty list when all may be written.

    A target may be misnamed, on an input's path, on another target's path, or
    on a planner's file (an instance, input workbook or scenarios file) that
    only `force` lets it replace.

    Args:
        inputs: (what it is, path) of every file the command reads, e.g.
            ``("instance file", Path("a.json"))``.
        targets: every output of the command.
        force: whether instances and input workbooks may be replaced.
    """
    found: list[Clash] = []
    for target in targets:
        if target.suffixes and target.path.suffix.lower() not in target.suffixes:
            found.append(Clash(target.option, f"must end in {_either(target)}"))
    sources = {_resolved(path): (what, path) for what, path in inputs}
    found += _folder_clashes(targets, sources)
    seen: dict[Path, str] = {}
    for target in targets:
        for path in target.files():
            resolved = _resolved(path)
            if resolved in sources:
                found.append(_input_clash(target, *sources[resolved]))
            elif resolved in seen:
                other = seen[resolved]
                also = (
                    f"the {other} file" if other != target.option else "written twice"
                )
                found.append(Clash(target.option, f"{path} is also {also}"))
            elif not force and (kind := input_kind(path)) is not None:
                found.append(
                    Clash(
                        target.option,
                        f"{path} is {kind}; pass --force to replace it, or choose "
                        "another name",
                    )
                )
            seen.setdefault(resolved, target.option)
    return found


def _folder_clashes(
    targets: Sequence[Target], sources: dict[Path, tuple[str, Path]]
) -> list[Clash]:
    """Folder targets on an input's path or another output's."""
    files = {_resolved(t.path): t.option for t in targets if t.names is None}
    found = []
    for target in targets:
        if target.names is None:
            continue
        folder = _resolved(target.path)
        if folder in sources:
            what, given = sources[folder]
            message = f"is the {what} {given}; {target.option} takes a folder"
        elif folder in files:
            message = f"{target.path} is also the {files[folder]} file"
        else:
            continue
        found.append(Clash(target.option, message))
    return found


def _is_file(path: Path) -> bool:
    """Whether something other than a folder is at `path` (False if unknown)."""
    try:
        return path.exists() and not path.is_dir()
    except OSError:  # a name too long: name_problems reports it
        return False


def _either(target: Target) -> str:
    return " or ".join(target.suffixes)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return path.absolute()


def _input_clash(target: Target, what: str, given: Path) -> Clash:
    if target.names is not None:
        return Clash(
            target.option,
            f"would overwrite the {what} {given.name}; choose another folder so it "
            "is not overwritten",
        )
    return Clash(
        target.option,
        f"is the {what} itself; choose another name so it is not overwritten",
    )


def input_kind(path: Path) -> str | None:
    """What a planner's file at `path` is ("an instance file", ...), or None.

    None when nothing is there, or it is an earlier output of pathway-opt or any
    other file: those an output may replace.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None
        if zipfile.is_zipfile(path):
            return _workbook_kind(path)
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES + 1)
    except (OSError, ValueError):
        return None
    return _json_kind(head)


def _workbook_kind(path: Path) -> str | None:
    """An input workbook's description if it has an ``initiatives`` sheet."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > _HEAD_BYTES:
                return None
            text = archive.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    names = re.findall(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", text)
    if any(name.strip().lower() == INITIATIVES for name in names):
        return "an input workbook (it has an initiatives sheet)"
    return None


def _json_kind(head: bytes) -> str | None:
    """The kind of a JSON input from its text (all of it, or its first bytes)."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    try:
        data = json.loads(text) if len(head) <= _HEAD_BYTES else None
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        keys = set(data)
    elif isinstance(data, list):
        items = [item for item in data if isinstance(item, dict)]
        keys = {"edits"} if items and all("edits" in item for item in items) else set()
    else:  # not JSON, or too long to parse here: look for the keys in the text
        keys = {
            k for k in (*_INSTANCE_KEYS, *_SCENARIO_KEYS, "status") if _has(text, k)
        }
    if "status" in keys:
        return None  # a plan JSON or run.json: an earlier output
    if keys & set(_INSTANCE_KEYS):
        return "an instance file (it has top-level periods, criteria or initiatives)"
    if keys & set(_SCENARIO_KEYS):
        return "a scenarios file (it has edits)"
    return None


def _has(text: str, key: str) -> bool:
    return re.search(rf'"{key}"\s*:', text) is not None


#: Longest name (one part of a path) most file systems accept, in bytes.
_NAME_MAX = 255


def name_problems(targets: Sequence[Target]) -> list[str]:
    """One message per output that could never be written.

    Its name is longer than the file system accepts, or it is a folder output
    where a file is (such as a ``compare.csv`` from before ``compare --csv``
    wrote a folder).
    """
    problems = []
    for target in targets:
        if target.names is not None and _is_file(target.path):
            problems.append(
                f"cannot write {target.option} files into {target.path}: it is a "
                "file; give a folder"
            )
            continue
        for path in target.files():
            longest = max((os.fsencode(part) for part in path.parts), key=len)
            if len(longest) > _name_max(path):
                problems.append(
                    f"cannot write {target.option} {str(path)[:80]}...: a name in the "
                    f"path is {len(longest)} bytes long, more than the "
                    f"{_name_max(path)} the file system allows; choose a shorter name"
                )
                break
    return problems


def _name_max(path: Path) -> int:
    """NAME_MAX of the nearest existing folder above `path` (255 if unknown)."""
    for folder in [path.parent, *path.parent.parents]:
        try:
            if folder.is_dir():
                limit = int(os.pathconf(folder, "PC_NAME_MAX"))
                return limit if limit > 0 else _NAME_MAX
        except (OSError, ValueError):
            continue
    return _NAME_MAX
