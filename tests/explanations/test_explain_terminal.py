"""The explanation's terminal tables: CJK text aligned by display width, no
mid-word cuts."""

from __future__ import annotations

from tiny_instances import make

import pathway_opt as po
from pathway_opt.explanations.terminal import render, table
from pathway_opt.outputs.plan_text import clip, display_width


def test_table_aligns_chinese_and_latin_cells_by_display_width() -> None:
    lines = table(
        ["id", "value", "note"],
        [["产教融合-1", "1.5", "x"], ["JL-1", "12.25", "y"]],
        right={1},
    )
    # The right-aligned column ends at one terminal column on every line.
    ends = {
        display_width(line[: line.index(cell) + len(cell)])
        for line, cell in zip(lines, ["value", "1.5", "12.25"], strict=True)
    }
    assert len(ends) == 1
    starts = {display_width(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1  # the last column starts at one column too


def test_explain_render_with_chinese_ids_aligns_the_why_table() -> None:
    inst = po.instance_from_data(
        make(
            periods=["2027"],
            budgets=[{"id": "central", "limits": [10]}],
            initiatives=[
                {"id": "智能制造联合实验室", "scores": {"TC": 5}, "cost": [6]},
                {"id": "B", "scores": {"TC": 4}, "cost": [6]},
                {"id": "订单班", "scores": {"TC": 2}, "cost": [4]},
            ],
        )
    )
    text = render(po.explain(inst))
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.lstrip().startswith("id "))
    rows = lines[head : head + 4]
    # "price" is right-aligned: its last character sits at one display column.
    price_end = display_width(rows[0][: rows[0].index("price") + len("price")])
    for line in rows[1:]:
        cells = line.split()
        price = cells[2]
        assert display_width(
            line[: line.index(" " + price + " ") + 1 + len(price)]
        ) == (price_end), line


def test_long_reasons_are_cut_at_a_word_with_an_ellipsis() -> None:
    words = " ".join(f"word{k}" for k in range(60))
    cut = clip(words, 150)
    assert cut.endswith("…") and display_width(cut) <= 150
    assert cut[:-1].split()[-1] in words.split()  # a whole word before the mark
