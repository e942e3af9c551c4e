"""Ctrl-C, SIGTERM and SIGHUP: a run stops at once, says where, and writes nothing.

Inside :func:`stop_on_signals` each of the three raises :class:`Stopped` in the
main thread. It unwinds like Ctrl-C: a solve stops its HiGHS process, a sweep
kills its workers, a file being written keeps its old content (files are
renamed into place whole), and the error boundary prints what was stopped and
exits with 128 + the signal number (130, 143, 129). A second signal while that
runs ends the process at once. Commands say what they are doing with
:func:`doing`, for that message.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Literal

import pathway_opt as po


class Stopped(BaseException):
    """A stop signal arrived; raised where the main thread was.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception``
    turns it into a result.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as a shell reports a process it ended."""
        return 128 + self.signum

    @property
    def name(self) -> str:
        """The signal as users know it."""
        if self.signum == signal.SIGINT:
            return "Ctrl-C (SIGINT)"
        return signal.Signals(self.signum).name


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While open, SIGINT, SIGTERM and SIGHUP raise :class:`Stopped`.

    Only the main thread can handle signals; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = [False]

    def handler(signum: int, frame: FrameType | None) -> None:
        if stopping[0]:  # stopping already takes too long for someone
            os._exit(128 + signum)
        stopping[0] = True
        raise Stopped(signum)

    saved = {stop: signal.signal(stop, handler) for stop in po.STOP_SIGNALS}
    try:
        yield
    finally:
        for stop, previous in saved.items():
            signal.signal(stop, previous)


#: What has become of the outputs: none written yet, being written, all written.
Outputs = Literal["none", "writing", "written"]

_NOTES: dict[Outputs | None, str] = {
    None: "files are only ever replaced whole, so each is as it was or complete",
    "none": "no output was written; earlier outputs are as they were",
    "writing": "each output is as it was or complete (files are renamed into "
    "place whole)",
    "written": "the outputs had been written",
}

_doing: list[tuple[str, Outputs | None]] = [("running", None)]


def doing(what: str, outputs: Outputs = "none") -> None:
    """Say what the command does now, and what has become of its outputs."""
    _doing[0] = (what, outputs)


def started() -> None:
    """A command starts: what it does is not known yet."""
    _doing[0] = ("running", None)


def stopped_message(stop: Stopped, command: str) -> str:
    """One line: what was stopped, by what, and what became of the outputs."""
    what, outputs = _doing[0]
    return f"{command}: stopped by {stop.name} while {what}; {_NOTES[outputs]}"
