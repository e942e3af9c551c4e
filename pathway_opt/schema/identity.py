"""What an edit changed, found by object identity.

Instances are frozen and an edit (``model_copy``) makes new objects only for what
it changes, so comparing two lists of initiatives object by object finds the
edited ones in a fraction of a millisecond, without comparing their contents.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence


def same_objects(new: Sequence[object], old: Sequence[object]) -> bool:
    """Whether both hold the very same objects in the same order."""
    return len(new) == len(old) and all(map(operator.is_, new, old))


def changed_positions(new: Sequence[object], old: Sequence[object]) -> list[int] | None:
    """Positions where ``new`` holds another object than ``old``.

    None when the lengths differ (nothing lines up).
    """
    if len(new) != len(old):
        return None
    if same_objects(new, old):
        return []
    return [k for k, same in enumerate(map(operator.is_, new, old)) if not same]
