"""Charts as inline SVG (text kept as text) and as PNG files for slides.

Every chart is a bare matplotlib ``Figure`` (the Agg renderer: no display, and
pyplot's global state is left alone), drawn and saved under :func:`charting`,
so that:

- SVG text stays ``<text>`` (``svg.fonttype`` ``none``): the browser draws it
  with the system's fonts, which renders Chinese where matplotlib's own fonts
  have no CJK glyphs;
- the font list names the usual CJK system fonts after DejaVu Sans; the SVG
  carries that list as its ``font-family`` and the PNG renderer falls back
  along it glyph by glyph where such a font is installed;
- SVG ids are prefixed per chart, so several charts in one page never share one.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Fonts for chart text: matplotlib's own first, then CJK system fonts.
CHART_FONTS = [
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Micro Hei",
]

_STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "pathway-opt",  # equal charts give equal bytes
    "font.family": "sans-serif",
    "font.sans-serif": CHART_FONTS,
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

#: Dots per inch of the PNG files (slides).
PNG_DPI = 150


@contextlib.contextmanager
def charting() -> Iterator[None]:
    """Matplotlib settings of every chart; warnings about missing glyphs muted.

    Text properties are fixed when a text is made, so charts are both drawn
    and saved inside this context.
    """
    import matplotlib

    style: Any = _STYLE  # typed by matplotlib as a dict of literal keys
    with matplotlib.rc_context(style), warnings.catch_warnings():
        # CJK text measured with DejaVu Sans: the browser draws it, not Agg
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
        yield


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its file stem, a caption and the figure."""

    name: str
    """File stem of its PNG (``schedule-1``, ``budget-1-central``)."""
    caption: str
    figure: Figure
    wide: bool = True
    """Whether it takes the page's width (else two side by side)."""

    def svg(self) -> str:
        """The chart as an ``<svg>`` element to inline in HTML."""
        return svg_text(self.figure, self.name, self.caption)

    def png(self) -> bytes:
        """The chart as PNG bytes."""
        return png_bytes(self.figure)


def new_figure(width: float, height: float) -> Figure:
    """A bare figure of `width` x `height` inches with constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


_HEAD = re.compile(r"\A.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def svg_text(figure: Figure, prefix: str, label: str = "") -> str:
    """The figure as an inline ``<svg>``: no XML prolog, DTD or metadata.

    The prolog's DTD and the metadata's RDF name web addresses (never fetched,
    but a report that names none is easier to trust); every id is prefixed with
    ``prefix`` so that charts in one page do not collide; ``label`` names the
    chart for screen readers.
    """
    buffer = io.StringIO()
    with charting():
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _METADATA.sub("", _HEAD.sub("", buffer.getvalue(), count=1), count=1)
    tag = re.sub(r"[^A-Za-z0-9_-]", "_", prefix)
    text = _ID.sub(lambda m: f'id="{tag}-{m[1]}"', text)
    text = _REF.sub(lambda m: f"{m[1]}{tag}-{m[2]}", text)
    return text.replace(
        "<svg ", f'<svg role="img" aria-label="{_attr(label or prefix)}" ', 1
    ).strip()


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes at :data:`PNG_DPI`."""
    buffer = io.BytesIO()
    with charting():
        figure.savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def slug(text: str) -> str:
    """`text` made safe for a file name: other characters become ``_``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:40] or "x"
