"""What an edit changed, found by object identity.

Instances are frozen and an edit (``model_copy``) makes new objects only for what
it changes, so comparing two lists of initiatives object by object finds the
edited ones in a fraction of a millisecond, without comparing their contents.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence


def changed_positions(new: Sequence[object], old: Sequence[object]) -> list[int] | None:
    """Positions where ``new`` holds another object than ``old``.

    None when the lengths differ (nothing lines up).
    """
    if len(new) != len(old):
        return None
    if all(map(operator.is_, new, old)):
        return []
    return [k for k, same in enumerate(map(operator.is_, new, old)) if not same]
