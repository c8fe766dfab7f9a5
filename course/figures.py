"""Colours and figure rendering shared by every widget.

Colours: the Okabe-Ito palette, distinguishable with the common forms of colour blindness;
every colour is also paired with a marker shape or a text label, never used alone.

Figures are rendered to PNG and shown in an HTML widget as `<img alt="...">` followed by a
`<details>` block with the numbers behind the picture, so a screen-reader user gets a short
text alternative and the full data, and a test can compare the HTML before and after a change.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
CASE_COLOURS = {
    "korea": OKABE_ITO["blue"],
    "ukraine": OKABE_ITO["orange"],
    "context": OKABE_ITO["black"],
    "korea-earlier": OKABE_ITO["sky"],
    "post-soviet": OKABE_ITO["green"],
}
CASE_MARKERS = {"korea": "o", "ukraine": "s", "context": "D", "korea-earlier": "^", "post-soviet": "v"}
SEQUENTIAL_CMAP = "cividis"  # perceptually uniform and colour-blind safe
FIG_DPI = 80


def new_figure(
    width: float = 7.5,
    height: float = 3.2,
    left: float = 0.12,
    right: float = 0.97,
    bottom: float = 0.15,
    top: float = 0.88,
):
    """A figure and axes sized for a notebook column.

    Margins are fixed rather than computed by constrained layout, which draws every figure
    twice; a widget redraw must stay well under 100 ms.
    """
    # A bare Figure (not pyplot): no global figure registry to leak into, and it renders with
    # Agg without touching the notebook's own matplotlib backend.
    fig = Figure(figsize=(width, height), dpi=FIG_DPI)
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
    return fig, fig.add_subplot()


def figure_html(fig, alt: str, table: pd.DataFrame | None = None, caption: str = "") -> str:
    """Render `fig` to an accessible HTML fragment and close it.

    `alt` is the short text alternative; `table` (optional) is shown in a collapsible
    "Data behind this figure" block, the long description.
    """
    buffer = io.BytesIO()
    # Unhinted glyphs and light PNG compression save about a third of the redraw time;
    # set only here, so the student's own matplotlib settings are untouched.
    with matplotlib.rc_context({"text.hinting": "none"}):
        fig.savefig(buffer, format="png", dpi=FIG_DPI, pil_kwargs={"compress_level": 1})
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    parts = [
        f'<figure style="margin:0"><img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%">'
    ]
    if caption:
        parts.append(f"<figcaption>{html.escape(caption)}</figcaption>")
    parts.append("</figure>")
    parts.append(f'<p class="course-alt-text"><strong>Text alternative:</strong> {html.escape(alt)}</p>')
    if table is not None:
        parts.append(
            "<details><summary>Data behind this figure</summary>"
            + table.to_html(index=False, border=0, na_rep="unknown", float_format=lambda v: f"{v:,.0f}")
            + "</details>"
        )
    return "".join(parts)
