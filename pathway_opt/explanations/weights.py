"""Where the criteria weights come from, as tables for notebooks.

:func:`criteria_weights`: one row per criterion, the weight the objective uses
and the weight given; :func:`criteria_judgements`: one row per pairwise
judgement, beside the ratio the derived weights imply, worst first. Both carry
the method, lambda_max and CR in ``frame.attrs["weights_source"]``. The figures
themselves are resolved once by the schema (:mod:`pathway_opt.schema.weights`).
"""

from __future__ import annotations

import pandas as pd

from pathway_opt.pipeline import InstanceSource, as_instance

WEIGHT_COLUMNS = ["criterion", "name", "weight", "given_weight"]
"""``weight``: used by the objective; ``given_weight``: the criterion's own
`weight` (blank if none; ignored when judgements derive the weights)."""

JUDGEMENT_COLUMNS = [
    "position", "more", "less", "ratio", "consistent_ratio", "inconsistency",
]  # fmt: skip
"""``position`` in `criteria_comparisons`; ``consistent_ratio`` = w_more /
w_less; ``inconsistency`` = |ln(ratio / consistent_ratio)|, largest first."""


def criteria_weights(inst: InstanceSource) -> pd.DataFrame:
    """The weights the objective uses, one row per criterion.

    ``frame.attrs["weights_source"]`` holds the method (`given`, `eigenvector`,
    `geometric_mean`), the number of judgements, lambda_max, CI and CR.
    """
    instance = as_instance(inst)
    source = instance.weights_source
    frame = pd.DataFrame(
        [
            {
                "criterion": c.id,
                "name": c.name,
                "weight": source.weights[c.id],
                "given_weight": c.weight,
            }
            for c in instance.criteria
        ],
        columns=WEIGHT_COLUMNS,
    )
    frame["given_weight"] = frame["given_weight"].astype(float)
    frame.attrs["weights_source"] = source.to_dict()
    return frame


def criteria_judgements(inst: InstanceSource) -> pd.DataFrame:
    """The pairwise judgements, most inconsistent first (empty without any)."""
    instance = as_instance(inst)
    source = instance.weights_source
    rows = [
        {
            "position": f.position,
            "more": f.more,
            "less": f.less,
            "ratio": f.ratio,
            "consistent_ratio": f.implied,
            "inconsistency": f.error,
        }
        for f in sorted(source.fits, key=lambda f: (-f.error, f.position))
    ]
    frame = pd.DataFrame(rows, columns=JUDGEMENT_COLUMNS)
    frame.attrs["weights_source"] = source.to_dict()
    return frame
