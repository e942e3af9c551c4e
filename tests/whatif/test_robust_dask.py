"""The core index on a Dask LocalCluster equals the one computed locally.

Worker processes (``processes=True``, as on a real cluster) unpickle the
instance, build one session each and solve their samples on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import pathway_opt as po

distributed = pytest.importorskip("distributed")

INST = po.instance_from_data(
    {
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0, "weight_range": [0.7, 1.3]}],
        "budgets": [{"id": "central", "limits": [6, 6]}],
        "initiatives": [
            {
                "id": "A",
                "scores": {"TC": 5},
                "cost": [4, 1],
                "uncertainty": {"scores": {"TC": [2, 8]}, "cost_factor": [0.8, 1.6]},
            },
            {"id": "B", "scores": {"TC": 4}, "cost": [3, 1]},
            {
                "id": "C",
                "scores": {"TC": 2},
                "cost": [2],
                "uncertainty": {"success_probability": [0.5, 1]},
            },
        ],
    }
)


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


def test_robust_on_a_cluster_equals_local(cluster: Any) -> None:
    local = po.robust(INST, 16, 9, time_limit=60)
    seen: list[int] = []
    remote = po.robust(
        INST,
        16,
        9,
        scheduler=cluster.scheduler_address,
        time_limit=60,
        progress=lambda done, total: seen.append(done),
    )
    assert remote.table.equals(local.table)
    columns = [c for c in local.samples.columns if c != "seconds"]
    assert remote.samples[columns].equals(local.samples[columns])
    assert seen == list(range(1, 17))
    assert remote.proven == 16
