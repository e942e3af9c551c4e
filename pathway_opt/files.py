"""Reading and writing files: text in, atomic writes out (nothing half-written)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from pathway_opt.errors import InputError, OutputError, Problem


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is accepted); unreadable files are input errors."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), "is a folder, not a file")]) from None
    except OSError as exc:
        raise InputError(
            [Problem(str(path), f"cannot be read: {exc.strerror}")]
        ) from None
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


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write text (as UTF-8) or bytes: `path` ends with its old content or all the new.

    Raises:
        OutputError: if the folder cannot be created, the target is a folder or
            read-only, or the file cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    if _read_only(path):
        raise OutputError(
            f"cannot write {path}: the file is read-only; make it writable or "
            "choose another name"
        )
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, PermissionError):
            reason += " (is the file open in another program, or the folder read-only?)"
        raise OutputError(f"cannot write {path}: {reason}") from None
    finally:  # also on Ctrl-C: never leave the temporary file behind
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


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
    for leftover in path.parent.glob(f".{_glob_escape(path.name)}.*{TEMP_SUFFIX}"):
        parts = leftover.name[len(path.name) + 2 :].split(".")
        # Exactly `<pid>.<random>.part`: not a temporary of a longer target name.
        if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) == os.getpid():
            continue
        pid_text = parts[0]
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except OSError:
            continue


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)
