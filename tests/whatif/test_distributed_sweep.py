"""A sweep (and the frontier) on a Dask LocalCluster gives exactly the local results.

The cluster uses worker processes (``processes=True``), as a real cluster does:
each worker unpickles the instance, builds its own session and runs points in a
daemonic process (where a time-limited solve may not fork; the settings below
set a time limit so that path is exercised). Starting two workers takes about
two seconds, once per module.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.whatif.parallel import dask_client

distributed = pytest.importorskip("distributed")

SMALL = INSTANCES / "small_applied_college.json"
SCALES = [0.4, 0.6, 0.8, 1.0, 1.2]
CAPACITY = [1.0, 0.8]
SETTINGS = po.SolveSettings(time_limit=60)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=40,
    ) as local:
        yield local


@pytest.fixture(scope="module")
def local_table() -> pd.DataFrame:
    inst = po.load_instance(SMALL)
    return po.sweep(inst, SCALES, CAPACITY, settings=SETTINGS)


def no_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["seconds"])


def test_cluster_by_client_equals_local(cluster: Any, local_table: Any) -> None:
    inst = po.load_instance(SMALL)
    with distributed.Client(cluster) as client:
        table = po.sweep(inst, SCALES, CAPACITY, scheduler=client, settings=SETTINGS)
        assert client.status == "running"  # a client we were given stays open
    pd.testing.assert_frame_equal(no_seconds(table), no_seconds(local_table))


def test_cluster_by_address_equals_local(cluster: Any, local_table: Any) -> None:
    inst = po.load_instance(SMALL)
    seen: list[int] = []
    table = po.sweep(
        inst,
        SCALES,
        CAPACITY,
        scheduler=cluster.scheduler_address,
        settings=SETTINGS,
        progress=lambda done, total: seen.append(done),
    )
    pd.testing.assert_frame_equal(no_seconds(table), no_seconds(local_table))
    assert seen == list(range(1, len(table) + 1))


def test_unreachable_scheduler_is_an_input_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pathway_opt.whatif.parallel.CONNECT_TIMEOUT", 0.5)
    with pytest.raises(po.InputError, match="cannot reach the Dask scheduler"):
        dask_client("tcp://127.0.0.1:9")


def test_missing_dask_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(po.InputError, match=r"pathway-opt\[distributed\]"):
        dask_client("tcp://127.0.0.1:8786")


def test_frontier_on_the_cluster_equals_local(cluster: Any) -> None:
    inst = po.load_instance(SMALL)
    local = po.frontier(inst)
    remote = po.frontier(inst, scheduler=cluster.scheduler_address, segments=6)
    columns = ["lambda", "objective", "status"]
    pd.testing.assert_frame_equal(remote.points[columns], local.points[columns])
