"""What-if edits of funding-source choice and variants.

``set_max_share`` caps what a budget of ``funded_by`` pays of an initiative (or
of one of its variants); ``set_eligible`` replaces a budget's ``eligible``
selector, which drops the budget from the ``funded_by`` of every initiative it
no longer matches (and gives it back, as the unedited instance lists it, to
those it matches again); ``variant_off`` / ``variant_on`` take a variant out of
the instance and put the unedited one back. Every edited initiative is checked
as loading checks it, and a problem names the edit's field.
"""

from __future__ import annotations

from typing import Any, Literal

from pathway_opt.errors import listing
from pathway_opt.schema.entities import Id, Initiative, Share, Where
from pathway_opt.schema.funding import eligible, funding_problems
from pathway_opt.schema.instance import Instance
from pathway_opt.whatif.edit_base import (
    EditBase,
    position,
    with_initiative,
)


def _checked(edit: EditBase, inst: Instance, k: int, at: str, field: str) -> Instance:
    """The instance, if initiative ``k``'s versions pass the funding checks."""
    ini = inst.initiatives[k]
    for variant, version in ini.versions:
        where = f"initiatives[{k}]" + (
            "" if variant is None else f".variants[{ini.variant_ids().index(variant)}]"
        )
        for problem in funding_problems(inst, version, where):
            raise edit._fail(
                at, field, f"would leave {problem.path} invalid: {problem.message}"
            )
    return inst


class SetMaxShare(EditBase):
    """Cap the share of an initiative's cost a budget of its funded_by pays.

    A cap the initiative (or variant) already has below 1, changed to another
    below 1, is data; a new cap, or one raised to 1 (no cap), rebuilds.
    """

    op: Literal["set_max_share"]
    initiative: Id
    budget: Id
    share: Share
    """The largest share, from 0 (the budget pays nothing) to 1 (no cap)."""
    variant: Id | None = None
    """Cap this variant's version (default: the initiative as given, and so
    every variant that does not set its own cap for the budget)."""

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The initiative (or variant) with its new cap."""
        k = self._initiative(inst, self.initiative, at)
        ini = inst.initiatives[k]
        if self.variant is not None:
            ids = ini.variant_ids()
            position(ids, self.variant, self, at, "variant")
        version = ini.version(self.variant)
        name = self.initiative + ("" if self.variant is None else f" ({self.variant})")
        if version.funded_by is None:
            raise self._fail(
                at,
                "initiative",
                f'"{name}" has no funded_by: its cost is charged as `cost` says; '
                "a max_share caps a budget of funded_by",
            )
        if self.budget not in version.funded_by:
            raise self._fail(
                at,
                "budget",
                f'"{self.budget}" is not in funded_by of "{name}"; its budgets '
                f"are {listing(version.funded_by)}",
            )
        if self.variant is None:
            edited = with_initiative(
                inst, k, max_share={**ini.max_share, self.budget: self.share}
            )
        else:
            variants = list(ini.variants)
            j = ini.variant_ids().index(self.variant)
            caps = {**(variants[j].max_share or {}), self.budget: self.share}
            variants[j] = variants[j].model_copy(update={"max_share": caps})
            edited = with_initiative(inst, k, variants=variants)
        return _checked(self, edited, k, at, "share")


class SetEligible(EditBase):
    """Set which initiatives a budget may fund (its ``eligible`` selector).

    An initiative (or variant) the budget no longer matches loses it from its
    ``funded_by`` (and its cap); one it matches again gets it back where the
    unedited instance lists it. An initiative whose ``cost`` itself is charged
    to the budget must stay eligible.
    """

    op: Literal["set_eligible"]
    budget: Id
    eligible: Where | None = None
    """A selector such as ``{"type": ["joint_lab", "industrial_college"]}``;
    None: every initiative."""

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The budget's new selector, and the funded_by lists it changes."""
        budgets = list(inst.budgets)
        b = position([x.id for x in budgets], self.budget, self, at, "budget")
        where = self.eligible
        if where is not None and all(
            getattr(where, f) is None for f in ("type", "department", "partner")
        ):
            raise self._fail(
                at,
                "eligible",
                "names no field to match; give type, department or partner, or "
                "None to let the budget fund every initiative",
            )
        budgets[b] = budgets[b].model_copy(update={"eligible": self.eligible})
        edited = inst.model_copy(update={"budgets": budgets})
        originals = {i.id: i for i in base.initiatives}
        items = [
            _refunded(edited, ini, originals.get(ini.id, ini))
            for ini in edited.initiatives
        ]
        edited = edited.model_copy(update={"initiatives": items})
        for ini in items:
            for variant, version in ini.versions:
                if version.funded_by == []:
                    name = ini.id + ("" if variant is None else f" ({variant})")
                    raise self._fail(
                        at,
                        "eligible",
                        f'would leave "{name}" no budget to pay its cost: '
                        f'"{self.budget}" is the only one its funded_by lists '
                        "that the budgets allow",
                    )
        for k in range(len(items)):
            _checked(self, edited, k, at, "eligible")
        return edited


def _refunded(inst: Instance, ini: Initiative, original: Initiative) -> Initiative:
    """``ini`` with funded_by (its own, its variants') as the budgets now allow.

    The budgets of the unedited initiative's lists that are eligible now, in
    its order; a cap of a budget given back is the unedited one.
    """
    changes: dict[str, Any] = {}
    lists = _funding(inst, ini, original.funded_by, ini.max_share, original.max_share)
    if lists is not None:
        changes.update(funded_by=lists[0], max_share=lists[1])
    variants = list(ini.variants)
    before = {v.id: v for v in original.variants}
    for j, variant in enumerate(variants):
        was = before.get(variant.id, variant)
        if was.funded_by is None:
            continue
        found = _funding(
            inst,
            ini,
            was.funded_by,
            variant.max_share or {},
            was.max_share or {},
        )
        if found is not None:
            variants[j] = variant.model_copy(
                update={"funded_by": found[0], "max_share": found[1] or None}
            )
            changes["variants"] = variants
    if not changes:
        return ini
    return ini.model_copy(update=changes)


def _funding(
    inst: Instance,
    ini: Initiative,
    listed: list[str] | None,
    caps: dict[str, float],
    original_caps: dict[str, float],
) -> tuple[list[str], dict[str, float]] | None:
    """(funded_by, max_share) now, or None when the list stays as it is."""
    if listed is None:
        return None
    budgets = {x.id: x for x in inst.budgets}
    kept = [b for b in listed if b not in budgets or eligible(budgets[b], ini)]
    current = ini.funded_by if ini.funded_by is not None else listed
    if kept == current:
        return None
    new_caps = {b: caps.get(b, original_caps.get(b)) for b in kept}
    return kept, {b: v for b, v in new_caps.items() if v is not None}


class VariantOff(EditBase):
    """Take a variant out: the initiative may no longer run as that version."""

    op: Literal["variant_off"]
    initiative: Id
    variant: Id

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The initiative without the variant (off already: unchanged)."""
        k = self._initiative(inst, self.initiative, at)
        ini = inst.initiatives[k]
        original = _original(base, self.initiative)
        ids = original.variant_ids() if original is not None else ini.variant_ids()
        position(ids, self.variant, self, at, "variant")
        kept = [v for v in ini.variants if v.id != self.variant]
        if len(kept) == len(ini.variants):
            return inst
        return with_initiative(inst, k, variants=kept)


class VariantOn(EditBase):
    """Put a variant taken out back, as the unedited instance gives it."""

    op: Literal["variant_on"]
    initiative: Id
    variant: Id

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The initiative with the variant back in its unedited place."""
        k = self._initiative(inst, self.initiative, at)
        ini = inst.initiatives[k]
        original = _original(base, self.initiative)
        ids = [] if original is None else original.variant_ids()
        position(ids, self.variant, self, at, "variant")
        if self.variant in ini.variant_ids():
            return inst
        assert original is not None
        present = set(ini.variant_ids()) | {self.variant}
        current = {v.id: v for v in ini.variants}
        variants = [current.get(v.id, v) for v in original.variants if v.id in present]
        edited = with_initiative(inst, k, variants=variants)
        return _checked(self, edited, k, at, "variant")


def _original(base: Instance, ini_id: str) -> Initiative | None:
    return next((i for i in base.initiatives if i.id == ini_id), None)


#: The ``op`` of each funding and variant edit.
FUNDING_EDITS: dict[str, type[EditBase]] = {
    "set_max_share": SetMaxShare,
    "set_eligible": SetEligible,
    "variant_off": VariantOff,
    "variant_on": VariantOn,
}
