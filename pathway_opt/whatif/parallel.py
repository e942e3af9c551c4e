"""Running independent solves: in this process, in local processes, or on Dask.

:func:`run_all` calls ``task(session, item)`` for every item and returns the
results in item order, whichever executor ran them:

- ``workers=1`` and no scheduler: one :class:`Session` in this process;
- ``workers=N``: N local processes (``spawn``: fresh interpreters, so no HiGHS
  thread pool or lock is inherited from this process; as with any spawned
  worker, a script must keep its code under ``if __name__ == "__main__":``);
- ``scheduler``: a Dask cluster, given as an address (``tcp://host:8786``) or a
  ``dask.distributed.Client``; the instance is sent to every worker once.

Every worker (this process, a local process, a thread of a Dask worker) builds
one :class:`Session` for the instance and keeps it for every item it runs, so
the model is built once per worker and each item is a re-solve. A task must
reset the session first, so that a result never depends on which items the
worker ran before: the same items give the same results on any executor.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import multiprocessing as mp
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from pathway_opt.errors import InputError, PathwayError, Problem, SolverError
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.processes import (
    serve_quietly,
    signals_held,
    started_by_main_thread,
)
from pathway_opt.whatif.session import Session

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

#: ``progress(done, total)`` is called after each item finishes.
Progress = Callable[[int, int], None]

#: Sessions kept per worker process (one per instance and thread).
_CACHE_SIZE = 4
_sessions: OrderedDict[tuple[str, int], Session] = OrderedDict()
_sessions_lock = threading.Lock()

#: Seconds to wait for a Dask scheduler given by its address.
CONNECT_TIMEOUT = 10


def instance_key(inst: Instance) -> str:
    """A fingerprint of the instance's data, naming its session on a worker."""
    return hashlib.sha256(inst.model_dump_json().encode()).hexdigest()


def worker_session(key: str, inst: Instance | None) -> Session:
    """This thread's session for the instance, built on first use.

    Raises:
        RuntimeError: if the session is not cached and no instance is given.
    """
    ident = (key, threading.get_ident())
    with _sessions_lock:
        session = _sessions.get(ident)
        if session is not None:
            _sessions.move_to_end(ident)
            return session
    if inst is None:
        raise RuntimeError("this worker has no session for the instance")
    session = Session(inst)
    with _sessions_lock:
        _sessions[ident] = session
        while len(_sessions) > _CACHE_SIZE:
            _sessions.popitem(last=False)
    return session


def _init_process(key: str, inst: Instance, parent: int, tied: bool) -> None:
    """Initializer of a local worker process: end with the parent, build a session.

    The worker leaves Ctrl-C to its parent, which stops it (see
    :mod:`pathway_opt.solver.processes`).
    """
    serve_quietly(parent, tied)
    worker_session(key, inst)


def _run_one(
    key: str, inst: Instance | None, task: Callable[[Session, T], R], item: T
) -> R:
    """Run one item on this worker's session (in whatever process this is)."""
    return task(worker_session(key, inst), item)


def run_all(
    inst: Instance,
    task: Callable[[Session, T], R],
    items: Sequence[T],
    *,
    workers: int = 1,
    scheduler: str | Client | None = None,
    progress: Progress | None = None,
) -> list[R]:
    """Run ``task(session, item)`` for every item; results in item order.

    Args:
        inst: the instance every session is built for.
        task: a module-level function (it is sent to other processes by name).
        items: the work, one solve (or a few) each.
        workers: local processes to use (1: this process).
        scheduler: a Dask scheduler address or ``dask.distributed.Client``; when
            given, ``workers`` is ignored and the cluster decides.
        progress: called as ``progress(done, total)`` after each item.

    Raises:
        InputError: for a bad ``workers`` or ``scheduler``, or Dask missing.
        SolverError: if a worker process died.
    """
    if workers < 1:
        raise InputError([Problem("workers", f"must be at least 1, got {workers}")])
    report = progress or (lambda done, total: None)
    if scheduler is not None:
        return _run_dask(inst, task, items, scheduler, report)
    if workers == 1 or len(items) <= 1:
        session = Session(inst)
        results = []
        for done, item in enumerate(items, 1):
            results.append(task(session, item))
            report(done, len(items))
        return results
    return _run_processes(inst, task, items, min(workers, len(items)), report)


def _run_processes(
    inst: Instance,
    task: Callable[[Session, T], R],
    items: Sequence[T],
    workers: int,
    report: Progress,
) -> list[R]:
    key = instance_key(inst)
    results: list[Any] = [None] * len(items)
    pool = cf.ProcessPoolExecutor(
        workers,
        mp_context=mp.get_context("spawn"),
        initializer=_init_process,
        initargs=(key, inst, os.getpid(), started_by_main_thread()),
    )
    try:
        with signals_held():  # the workers start as the first items are submitted
            futures = {
                pool.submit(_run_one, key, None, task, item): k
                for k, item in enumerate(items)
            }
        for done, future in enumerate(cf.as_completed(futures), 1):
            results[futures[future]] = future.result()
            report(done, len(items))
    except BrokenProcessPool as exc:
        _kill_workers(pool)
        raise SolverError(
            f"a worker process died: {exc} (workers are fresh interpreters that "
            'import the main script: guard its code with if __name__ == "__main__":)'
        ) from exc
    except BaseException:  # Ctrl-C, a stop signal, a failed item: stop them all now
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes (shutting down would wait for their items).

    Their HiGHS processes end with them (see :mod:`pathway_opt.solver.processes`).
    """
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
        return
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):  # already gone
            process.kill()


def dask_client(scheduler: str | Client) -> tuple[Client, bool]:
    """The Dask client for a scheduler address or client, and whether we own it.

    Raises:
        InputError: if dask.distributed is not installed, the address cannot be
            reached, or ``scheduler`` is neither an address nor a client.
    """
    try:
        import distributed
    except ImportError as exc:
        raise InputError(
            [
                Problem(
                    "scheduler",
                    "running on a Dask cluster needs dask.distributed; install it "
                    "with: pip install 'pathway-opt[distributed]'",
                )
            ]
        ) from exc
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise InputError(
            [
                Problem(
                    "scheduler",
                    "give a scheduler address such as tcp://host:8786 or a "
                    f"dask.distributed.Client, not {type(scheduler).__name__}",
                )
            ]
        )
    problem = scheduler_problem(scheduler)
    if problem:
        raise InputError([Problem("scheduler", problem)])
    # Built in two steps so that a client whose connection failed can be
    # discarded at once: left to Client.__del__, it waits 20 s on a loop that
    # no longer runs and prints a traceback.
    client = distributed.Client.__new__(distributed.Client)
    try:
        distributed.Client.__init__(
            client, scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False
        )
    except Exception as exc:
        _discard(client)
        raise InputError(
            [
                Problem(
                    "scheduler",
                    f"cannot reach the Dask scheduler at {scheduler} ({exc}); "
                    "check the address and that the scheduler is running",
                )
            ]
        ) from exc
    return client, True


#: Protocols a scheduler address may name (tcp:// when it names none).
SCHEDULER_PROTOCOLS = ("tcp", "tls", "ws", "wss")


def scheduler_problem(address: str) -> str:
    """What is wrong with the form of a scheduler address ("" when nothing is).

    The form is ``[protocol://]host:port`` with a protocol of
    :data:`SCHEDULER_PROTOCOLS` and an IPv6 host in brackets
    (``tcp://[::1]:8786``). Checked before any connection is tried.
    """
    text = address.strip()
    protocol, sep, rest = text.partition("://")
    if not sep:
        protocol, rest = "tcp", text
    example = "give an address such as tcp://host:8786"
    if protocol not in SCHEDULER_PROTOCOLS:
        known = ", ".join(f"{p}://" for p in SCHEDULER_PROTOCOLS)
        return f'"{address}": unknown protocol "{protocol}://" ({known}); {example}'
    if rest.startswith("["):
        host, bracket, port = rest[1:].partition("]")
        port = port[1:] if bracket and port.startswith(":") else "" if bracket else port
    else:
        host, _, port = rest.rpartition(":")
        if ":" in host:
            return f'"{address}": an IPv6 host goes in brackets, as in tcp://[::1]:8786'
    if not host or any(c in host for c in "/@?#[] \t"):
        return f'"{address}": no host name; {example}'
    if not (port.isdigit() and port.isascii() and 1 <= int(port) <= 65535):
        return f'"{address}": the port must be a number from 1 to 65535; {example}'
    return ""


def _discard(client: Client) -> None:
    """Stop a client whose constructor failed, without waiting on its loop."""
    with contextlib.suppress(Exception):
        client._loop_runner.stop()
    with contextlib.suppress(Exception):
        client.status = "closed"


def _run_dask(
    inst: Instance,
    task: Callable[[Session, T], R],
    items: Sequence[T],
    scheduler: str | Client,
    report: Progress,
) -> list[R]:
    import distributed

    client, owned = dask_client(scheduler)
    key = instance_key(inst)
    results: list[Any] = [None] * len(items)
    futures: list[Any] = []
    try:
        shared = client.scatter(inst, broadcast=True)
        futures = [
            client.submit(_run_one, key, shared, task, item, pure=False)
            for item in items
        ]
        position = {f.key: k for k, f in enumerate(futures)}
        finished = distributed.as_completed(futures, loop=client.loop)
        for done, future in enumerate(finished, 1):
            results[position[future.key]] = future.result()
            report(done, len(items))
    except PathwayError:
        raise
    except (OSError, distributed.TimeoutError) as exc:
        raise SolverError(f"the Dask cluster failed: {exc}") from exc
    finally:
        if futures:
            client.cancel(futures)
        if owned:
            client.close()
    return results
