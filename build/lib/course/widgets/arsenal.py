"""Arsenal drawdown (Ukraine): a date slider showing what remained on Ukrainian territory, by
system, with the band where sources disagree or nothing was recorded.

Model: `course.analysis.ArsenalModel`. View: `arsenal_drawdown()`.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd

from course import data
from course.analysis import ArsenalModel
from course.figures import OKABE_ITO, figure_html, new_figure


def drawdown_figure_html(remaining: pd.DataFrame, on: pd.Timestamp) -> str:
    """Horizontal bars: share of each system's initial stock still in Ukraine, with the band."""
    fig, ax = new_figure(7.5, 3.8, left=0.28, bottom=0.24, top=0.92)
    rows = remaining.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(rows))
    share = lambda col: (rows[col] / rows["initial"] * 100).to_numpy(dtype=float)
    best, low, high = share("best"), share("low"), share("high")
    known = ~np.isnan(best)
    ax.barh(y[known], best[known], color=OKABE_ITO["blue"], height=0.6, label="best estimate")
    ax.errorbar(
        best[known],
        y[known],
        xerr=[best[known] - low[known], high[known] - best[known]],
        fmt="none",
        ecolor=OKABE_ITO["vermillion"],
        capsize=4,
        lw=1.5,
        label="range (sources disagree / not recorded)",
    )
    for yi, b in zip(y, best, strict=True):
        ax.text(
            2 if np.isnan(b) else min(b, 100) + 2,
            yi,
            "unknown" if np.isnan(b) else f"{b:.0f}%",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, rows["label"])
    ax.set_xlim(0, 130)
    ax.set_xlabel("share of the stock held at independence still in Ukraine (%)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=8, frameon=False)
    when = f"{on.day} {on:%B %Y}"
    ax.set_title(when, fontsize=10)
    parts = []
    for r in remaining.itertuples():
        if np.isnan(r.best):
            parts.append(f"{r.label}: unknown ({r.basis})")
        else:
            parts.append(
                f"{r.label}: about {r.best:,.0f} of {r.initial:,.0f}"
                + (f" (range {r.low:,.0f}-{r.high:,.0f})" if r.low != r.high else "")
            )
    alt = f"On {when}, remaining on Ukrainian territory: " + "; ".join(parts) + "."
    table = remaining[["label", "low", "best", "high", "initial", "basis"]].rename(columns={"label": "system"})
    return figure_html(fig, alt, table)


def arsenal_drawdown(on="1994-01-14") -> w.VBox:
    """Date slider (monthly, Dec 1991 - Dec 2001) over Ukraine's remaining nuclear arsenal."""
    model = ArsenalModel(data.load_arsenal())
    months = pd.date_range("1991-12-01", "2001-12-01", freq="MS")
    start = pd.Timestamp(on)
    options = [(f"{m:%b %Y}", m) for m in months]
    initial = max(m for m in months if m <= start) if start >= months[0] else months[0]
    slider = w.SelectionSlider(
        options=options,
        value=initial,
        description="Date",
        continuous_update=False,
        layout=w.Layout(width="95%"),
        tooltip="Use the arrow keys to move month by month",
    )
    figure = w.HTML()

    def redraw(_=None) -> None:
        figure.value = drawdown_figure_html(model.remaining(slider.value), slider.value)

    slider.observe(redraw, names="value")
    redraw()
    box = w.VBox(
        [
            w.HTML(
                "<strong>Ukraine's arsenal</strong>: move the slider to see what was still on Ukrainian "
                "territory. Bars are the course's best estimate; whiskers show the range where sources "
                "disagree or nothing was recorded between two dates."
            ),
            slider,
            figure,
        ]
    )
    box.controls, box.outputs = {"date": slider}, {"figure": figure}
    return box
