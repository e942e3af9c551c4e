"""Reading and writing files: text in, atomic writes out (nothing half-written).

Inputs are read only from regular files no larger than :func:`max_input_bytes`
(200 MB unless ``PATHWAY_OPT_MAX_INPUT_MB`` says otherwise), so a device, a pipe
or a runaway file cannot make a command read until memory runs out. A single
output file is written by :func:`write_atomic`, a folder of files by
:func:`write_folder`: either all of the new content is in place or none of it.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from pathway_opt.errors import InputError, OutputError, Problem, UsageError

#: Default ceiling on the size of an input file, and of a workbook's unpacked
#: contents, in megabytes (10**6 bytes).
MAX_INPUT_MB = 200
#: Environment variable that raises (or lowers) :data:`MAX_INPUT_MB`.
MAX_INPUT_ENV = "PATHWAY_OPT_MAX_INPUT_MB"


def env_limit(name: str, default: float) -> float:
    """A positive, finite number from environment variable `name`, else `default`.

    Raises:
        UsageError: if the variable is set to anything but a positive number.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise UsageError(
            f"environment variable {name} must be a positive number, got {text!r}"
        )
    return value


def max_input_bytes() -> int:
    """Largest input file read (bytes): ``PATHWAY_OPT_MAX_INPUT_MB`` or 200 MB."""
    return int(min(env_limit(MAX_INPUT_ENV, MAX_INPUT_MB), 1e12) * 1_000_000)


def _too_big(path: Path, size: int, limit: int, what: str) -> InputError:
    return InputError(
        [
            Problem(
                str(path),
                f"{what} {size / 1e6:,.1f} MB, more than the {limit / 1e6:,.0f} MB "
                f"pathway-opt reads; set {MAX_INPUT_ENV} to a larger number of "
                "megabytes to raise the limit",
            )
        ]
    )


def check_input_file(path: Path, *, workbook: bool = False) -> int:
    """The size of an input file that may be read; refuses anything else.

    A workbook (a zip archive) is also refused when its unpacked contents exceed
    the limit, since that is what is parsed.

    Raises:
        InputError: if the file is missing, a folder, not a regular file (a
            device, pipe or socket) or larger than :func:`max_input_bytes`.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError([Problem(str(path), "no such file")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError([Problem(str(path), f"cannot be read: {reason}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem(str(path), "is a folder, not a file")])
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            [
                Problem(
                    str(path),
                    "is not a regular file (a device, pipe or socket); give the "
                    "path of a file",
                )
            ]
        )
    limit = max_input_bytes()
    if info.st_size > limit:
        raise _too_big(path, info.st_size, limit, "is")
    if workbook:
        unpacked = _unpacked_size(path)
        if unpacked > limit:
            raise _too_big(path, unpacked, limit, "unpacks to")
    return info.st_size


def _unpacked_size(path: Path) -> int:
    """Total size of a zip archive's members (0 if it is not a readable zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return 0  # the workbook reader reports what is wrong with it


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is accepted); unreadable files are input errors.

    Raises:
        InputError: if the file is missing, not a regular file, larger than
            :func:`max_input_bytes`, unreadable or not UTF-8.
    """
    check_input_file(path)
    limit = max_input_bytes()
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), "is a folder, not a file")]) from None
    except OSError as exc:
        raise InputError(
            [Problem(str(path), f"cannot be read: {exc.strerror}")]
        ) from None
    if len(raw) > limit:  # it grew while being read
        raise _too_big(path, len(raw), limit, "is at least")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                Problem(
                    str(path), f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
                )
            ]
        ) from None


#: Suffix of the temporary files :func:`write_atomic` writes before renaming.
TEMP_SUFFIX = ".part"
#: Bytes of a target's name kept in its temporary's name, so that the temporary's
#: name stays within the 255 bytes file systems allow for a name.
_TEMP_NAME_BYTES = 160


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write text (as UTF-8) or bytes: `path` ends with its old content or all the new.

    Raises:
        OutputError: if the folder cannot be created, the target is a folder or
            read-only, its name is too long, or the file cannot be written.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        _check_target(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{_temp_stem(path)}.{os.getpid()}.",
            suffix=TEMP_SUFFIX,
            dir=path.parent,
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise _write_error(path, exc) from None
    finally:  # also on Ctrl-C: never leave the temporary file behind
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _check_target(path: Path) -> None:
    """Refuse a target that is a folder or a read-only file (OSError escapes)."""
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    if _read_only(path):
        raise OutputError(
            f"cannot write {path}: the file is read-only; make it writable or "
            "choose another name"
        )


def _write_error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        reason += " (is the file open in another program, or the folder read-only?)"
    return OutputError(f"cannot write {path}: {reason}")


#: Prefix of the staging folders :func:`write_folder` fills before moving in.
STAGING_PREFIX = ".pathway-opt."


def write_folder(
    folder: str | Path,
    files: Mapping[str, str | bytes],
    *,
    replaces: Iterable[str] = (),
) -> list[Path]:
    """Write `files` (name -> text or bytes) into `folder` as one whole.

    Every file is first written into a staging folder inside `folder`; only
    when all of them are complete are they moved in, in the order given (so a
    summary listed last arrives last), after the files they replace have been
    moved aside. If anything fails, the moves are undone: the folder then holds
    exactly what it held before, never new files beside old ones. Names in
    `replaces` that are not among `files` (files of an earlier run that this
    one does not write) are removed with the rest of the old content.

    Returns:
        The files written, in order.

    Raises:
        OutputError: if the folder or a file cannot be written; the folder is
            then as it was.
    """
    folder = Path(folder)
    created = False
    staging: Path | None = None
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"cannot write files into {folder}: it is a file; give a folder"
            )
        for name in files:
            _check_target(folder / name)
        created = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(folder)
        staging = Path(
            tempfile.mkdtemp(
                prefix=f"{STAGING_PREFIX}{os.getpid()}.",
                suffix=TEMP_SUFFIX,
                dir=folder,
            )
        )
        (staging / "new").mkdir()
        (staging / "old").mkdir()
        for name, data in files.items():
            _write_staged(staging / "new" / name, data, _file_mode(folder / name))
        _move_in(folder, staging, list(files), [*files, *replaces])
    except OSError as exc:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
            created = False
        raise _write_error(folder, exc) from None
    except BaseException:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        if staging is not None and staging.exists() and not (staging / "kept").exists():
            shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        _fsync_folder(folder)
    return [folder / name for name in files]


def _write_staged(path: Path, data: str | bytes, mode: int) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open(path, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, mode)


def _move_in(folder: Path, staging: Path, new: list[str], old: list[str]) -> None:
    """Move the old files aside and the new ones in; undo both on any failure."""
    moved_old: list[str] = []
    moved_new: list[str] = []
    try:
        for name in dict.fromkeys(old):  # files only: a folder of that name stays
            if os.path.islink(folder / name) or os.path.isfile(folder / name):
                os.replace(folder / name, staging / "old" / name)
                moved_old.append(name)
        for name in new:
            os.replace(staging / "new" / name, folder / name)
            moved_new.append(name)
    except BaseException:
        try:
            for name in reversed(moved_new):
                os.replace(folder / name, staging / "new" / name)
            for name in reversed(moved_old):
                os.replace(staging / "old" / name, folder / name)
        except OSError as undo:
            (staging / "kept").touch()
            raise OutputError(
                f"cannot write files into {folder}, and putting its old files back "
                f"failed ({undo.strerror or undo}); they are kept in {staging / 'old'}"
            ) from None
        raise


def _fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (POSIX; elsewhere nothing to do)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_staging(folder: Path) -> None:
    """Delete staging folders left in `folder` by writers that no longer run."""
    if os.name != "posix":
        return
    for leftover in folder.glob(f"{_glob_escape(STAGING_PREFIX)}*{TEMP_SUFFIX}"):
        parts = leftover.name[len(STAGING_PREFIX) :].split(".")
        if len(parts) != 3 or not parts[0].isdigit() or (leftover / "kept").exists():
            continue
        if not _alive(int(parts[0])):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (or cannot be checked: then assume it does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _temp_stem(path: Path) -> str:
    """The part of the target's name used in its temporaries' names."""
    raw = os.fsencode(path.name)
    return (
        path.name
        if len(raw) <= _TEMP_NAME_BYTES
        else os.fsdecode(raw[:_TEMP_NAME_BYTES])
    )


def _read_only(path: Path) -> bool:
    """Whether `path` is an existing file its owner has marked read-only."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) and not mode & stat.S_IWUSR


def _file_mode(path: Path) -> int:
    """Permissions for the new file: the old file's, else the usual umask ones."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(umask)
    return umask


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporaries of `path` left by writers that no longer run (POSIX)."""
    if os.name != "posix":
        return
    stem = _temp_stem(path)
    for leftover in path.parent.glob(f".{_glob_escape(stem)}.*{TEMP_SUFFIX}"):
        parts = leftover.name[len(stem) + 2 :].split(".")
        # Exactly `<pid>.<random>.part`: not a temporary of a longer target name.
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        if not _alive(int(parts[0])):
            leftover.unlink(missing_ok=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)
