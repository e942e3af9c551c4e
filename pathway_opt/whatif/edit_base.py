"""The base of what-if edits and the helpers every edit module shares."""

from __future__ import annotations

import abc
from typing import Any

from pathway_opt.errors import InputError, Problem, listing
from pathway_opt.schema.entities import StrictModel
from pathway_opt.schema.instance import Instance


class EditBase(StrictModel):
    """An edit: ``apply`` turns an instance into the edited one."""

    @abc.abstractmethod
    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The edited instance (``base`` is the unedited one, for ``release``)."""

    def _fail(self, at: str, field: str, message: str) -> InputError:
        return InputError([Problem(f"{at}.{field}" if at else field, message)])

    def _periods(self, inst: Instance, periods: list[str] | None, at: str) -> list[int]:
        if periods is None:
            return list(range(len(inst.periods)))
        unknown = [p for p in periods if p not in inst.periods]
        if unknown:
            raise self._fail(
                at,
                "periods",
                f"unknown period(s) {', '.join(unknown)}; the periods are "
                f"{listing(inst.periods)}",
            )
        return [inst.periods.index(p) for p in periods]

    def _initiative(self, inst: Instance, ini_id: str, at: str) -> int:
        for k, ini in enumerate(inst.initiatives):
            if ini.id == ini_id:
                return k
        raise self._fail(
            at,
            "initiative",
            f'unknown initiative "{ini_id}"; the initiatives are '
            f"{listing(i.id for i in inst.initiatives)}",
        )


def with_initiative(inst: Instance, k: int, **changes: Any) -> Instance:
    """The instance with initiative ``k``'s fields changed."""
    items = list(inst.initiatives)
    items[k] = items[k].model_copy(update=changes)
    return inst.model_copy(update={"initiatives": items})


PLURAL = {"budget": "budgets", "resource": "resources", "criterion": "criteria"}


def position(ids: list[str], wanted: str, edit: EditBase, at: str, field: str) -> int:
    """Index of ``wanted`` in ``ids``, else an InputError listing them."""
    if wanted not in ids:
        raise edit._fail(
            at,
            field,
            f'unknown {field} "{wanted}"; the {PLURAL.get(field, field + "s")} '
            f"are {listing(ids)}",
        )
    return ids.index(wanted)
