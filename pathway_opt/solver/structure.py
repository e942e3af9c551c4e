"""The model's arrays seen as choices: one start (or none) per initiative, plus rows.

:func:`read_structure` turns a :class:`StandardForm` into what the primal
heuristic (:mod:`pathway_opt.solver.heuristic`) and the Lagrangian dual
(:mod:`pathway_opt.solver.lagrangian`) work on. It reads the rows generically,
by their matrix and bounds: the only rows it interprets are the equality rows
``sum_s x_s - y = 0`` (``start_once``), which make *groups* (an initiative picks
one of its start columns, or none). Every other row block, present or added
later, is kept as rows ``lower <= A x <= upper``, each scaled so that its largest
coefficient is 1. Columns outside a group are *free* columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from pathway_opt.model.form import StandardForm

#: The block whose rows make the groups.
GROUP_BLOCK = "start_once"


@dataclass
class Structure:
    """Groups, free columns and scaled rows of one model (maximise ``cost @ x``)."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    matrix: sp.csr_array
    """Every row but the groups', scaled; columns as the form's."""
    lower: np.ndarray
    upper: np.ndarray
    group_select: np.ndarray
    """Per group: its select column."""
    option_group: np.ndarray
    """Per option (a start column in a group): its group."""
    option_col: np.ndarray
    """Per option: its start column."""
    group_options: np.ndarray
    """Offsets: group g's options are ``group_options[g]:group_options[g + 1]``."""
    free: np.ndarray
    """Columns in no group (synergy indicators, continuous columns, ...)."""

    @cached_property
    def by_column(self) -> sp.csc_array:
        """``matrix`` by column (made once; every move reads columns)."""
        return sp.csc_array(self.matrix)

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return len(self.group_select)

    @property
    def n_rows(self) -> int:
        """Number of rows kept (the groups' excluded)."""
        return self.matrix.shape[0]

    def values(self, choice: np.ndarray, free_values: np.ndarray) -> np.ndarray:
        """Every column's value for a choice per group (-1: none) and free values."""
        x = np.zeros(len(self.cost))
        x[self.free] = free_values
        chosen = choice >= 0
        x[self.group_select] = self.col_lower[self.group_select]
        x[self.group_select[chosen]] = 1.0
        x[self.option_col[self.group_options[:-1][chosen] + choice[chosen]]] = 1.0
        return x


def _groups(
    form: StandardForm,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Select column and start columns of each well-formed group row.

    A group row is an equality ``= 0`` with one -1 entry (a binary select
    column) and +1 entries (binary start columns with lower bound 0), sharing
    no column with another row of the block. Rows not of that form stay
    ordinary rows. Returns the select columns, the start columns, the offsets
    of each group's start columns, and which rows of the block are groups.
    """
    block = form.blocks.get(GROUP_BLOCK)
    empty = np.zeros(0, dtype=np.int64)
    if block is None or block.n == 0:
        return empty, empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=bool)
    m = sp.csr_array(block.matrix)
    m.sum_duplicates()
    m.eliminate_zeros()
    counts = np.diff(m.indptr)
    row_of = np.repeat(np.arange(block.n), counts)
    binary = (form.integrality == 1) & (form.col_upper <= 1) & (form.col_lower >= 0)
    minus = m.data == -1
    plus = m.data == 1
    shared = np.bincount(m.indices, minlength=form.columns.n)[m.indices] > 1
    bad_entry = (
        ~(minus | plus)
        | ~binary[m.indices]
        | (plus & (form.col_lower[m.indices] > 0))
        | shared
    )
    n_minus = np.bincount(row_of, weights=minus, minlength=block.n)
    n_bad = np.bincount(row_of, weights=bad_entry, minlength=block.n)
    good = (
        (block.lower == 0)
        & (block.upper == 0)
        & (n_minus == 1)
        & (n_bad == 0)
        & (counts >= 1)
    )
    entry_good = good[row_of]
    selects = m.indices[entry_good & minus]  # rows in order, one each
    option_cols = m.indices[entry_good & plus]
    n_plus = counts[good] - 1
    offsets = np.concatenate([[0], np.cumsum(n_plus)]).astype(np.int64)
    return selects.astype(np.int64), option_cols.astype(np.int64), offsets, good


def read_structure(form: StandardForm) -> Structure:
    """The structure of a form (group rows it cannot read stay ordinary rows).

    The kept rows are stacked into one CSR array with 32-bit indices, scaled in
    place: the form's blocks stay as they are, and no other copy is held (at
    50,000 x 5 every copy of the 2.6 M nonzeros is 30-40 MB).
    """
    selects, option_cols, offsets, grouped = _groups(form)
    n = form.columns.n
    kept: list[sp.csr_array] = []
    lowers, uppers = [], []
    for name, block in form.blocks.items():
        m = block.matrix
        lower, upper = block.lower, block.upper
        if name == GROUP_BLOCK:
            rows = np.flatnonzero(~grouped)
            m, lower, upper = sp.csr_array(m)[rows], lower[rows], upper[rows]
        if m.shape[0] == 0:
            continue
        kept.append(sp.csr_array(m))
        lowers.append(lower)
        uppers.append(upper)
    matrix = _stacked(kept, n)
    lower = np.concatenate(lowers) if lowers else np.zeros(0)
    upper = np.concatenate(uppers) if uppers else np.zeros(0)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    largest = np.zeros(matrix.shape[0])
    if matrix.nnz:
        nonempty = np.diff(matrix.indptr) > 0
        largest[nonempty] = np.maximum.reduceat(
            np.abs(matrix.data), matrix.indptr[:-1][nonempty]
        )
    scale = 1.0 / np.where(largest > 0, largest, 1.0)
    # each row by its scale, in place (no scaled copy beside the stacked one)
    matrix.data *= np.repeat(scale, np.diff(matrix.indptr))
    in_group = np.zeros(n, dtype=bool)
    in_group[selects] = True
    in_group[option_cols] = True
    option_group = np.repeat(np.arange(len(selects)), np.diff(offsets))
    structure = Structure(
        cost=form.cost.astype(float),
        col_lower=form.col_lower.astype(float),
        col_upper=form.col_upper.astype(float),
        integrality=form.integrality,
        matrix=matrix,
        lower=lower * scale,
        upper=upper * scale,
        group_select=selects,
        option_group=option_group,
        option_col=option_cols,
        group_options=offsets,
        free=np.flatnonzero(~in_group),
    )
    return structure


def _stacked(blocks: list[sp.csr_array], n: int) -> sp.csr_array:
    """The blocks' rows one under another: a new float64 CSR, 32-bit indices."""
    n_rows = sum(b.shape[0] for b in blocks)
    nnz = sum(b.nnz for b in blocks)
    index = np.int32 if max(nnz, n, n_rows) < np.iinfo(np.int32).max else np.int64
    data = np.empty(nnz)
    indices = np.empty(nnz, dtype=index)
    indptr = np.zeros(n_rows + 1, dtype=index)
    at = row = 0
    for b in blocks:
        k, r = b.nnz, b.shape[0]
        data[at : at + k] = b.data[:k]
        indices[at : at + k] = b.indices[:k]
        indptr[row + 1 : row + r + 1] = b.indptr[1:] + at
        at, row = at + k, row + r
    return sp.csr_array((data, indices, indptr), shape=(n_rows, n))
