"""Arsenal drawdown (Ukraine): a date slider showing what remained on Ukrainian territory, by
system, with the band where sources disagree or nothing was recorded.

The slider moves month by month; the date the widget opens on (e.g. the Trilateral Statement of
14 January 1994) is one of its stops, so the figure's title is the date asked for, not the first
of its month. Shares are of the best estimate of the stock at independence; where the sources'
high figure is above that estimate (the bombers: 44, or 49 counting every airframe later
disposed of), the drawn whisker stops at 100% and the text and table give the full range.

Model: `course.analysis.ArsenalModel`. View: `arsenal_drawdown()`.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import pandas as pd

from course import data
from course.analysis import ArsenalModel
from course.figures import OKABE_ITO, figure_html, new_figure
from course.widgets.controls import LabelledSelectionSlider
from course.widgets.static import StaticBox


def drawn_shares(remaining: pd.DataFrame) -> pd.DataFrame:
    """The percentages the bars and whiskers are drawn at: low, best and high as shares of the
    stock at independence, at most 100 (a share of a stock is at most all of it; the full range
    stays in the text alternative and the table)."""
    shares = remaining[["low", "best", "high"]].div(remaining["initial"], axis=0) * 100
    return shares.clip(upper=100).astype(float)


def drawdown_figure_html(remaining: pd.DataFrame, on: pd.Timestamp) -> str:
    """Horizontal bars: share of each system's initial stock still in Ukraine, with the band."""
    fig, ax = new_figure(7.5, 3.8, left=0.28, bottom=0.24, top=0.92)
    rows = remaining.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(rows))
    shares = drawn_shares(rows)
    best, low, high = (shares[c].to_numpy() for c in ("best", "low", "high"))
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
    ax.set_xlim(0, 118)
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


def date_options(on) -> list[tuple[str, pd.Timestamp]]:
    """Monthly stops from Dec 1991 to Dec 2001, plus `on` itself when it is not the first of a month."""
    months = list(pd.date_range("1991-12-01", "2001-12-01", freq="MS"))
    start = pd.Timestamp(on)
    stops = sorted(set(months) | ({start} if months[0] <= start <= months[-1] else set()))
    return [(f"{m:%b %Y}" if m.day == 1 else f"{m.day} {m:%b %Y}", m) for m in stops]


def arsenal_drawdown(on="1994-01-14") -> StaticBox:
    """Date slider (monthly, Dec 1991 - Dec 2001) over Ukraine's remaining nuclear arsenal."""
    model = ArsenalModel(data.load_arsenal())
    options = date_options(on)
    start = pd.Timestamp(on)
    stops = [m for _, m in options]
    initial = start if start in stops else (max(m for m in stops if m <= start) if start >= stops[0] else stops[0])
    slider = LabelledSelectionSlider(
        options=options,
        value=initial,
        description="Date",
        tooltip="Arrow keys move a month at a time; Home and End go to December 1991 and December 2001.",
    )
    figure = w.HTML()

    def redraw(_=None) -> None:
        figure.value = drawdown_figure_html(model.remaining(slider.value), slider.value)

    slider.observe(redraw, names="value")
    redraw()
    box = StaticBox(
        [
            w.HTML(
                "<strong>Ukraine's arsenal</strong>: move the slider to see what was still on Ukrainian "
                "territory. Bars are the course's best estimate; whiskers show the range where sources "
                "disagree or nothing was recorded between two dates."
            ),
            slider,
            figure,
        ],
        title="Ukraine's arsenal",
    )
    box.controls, box.outputs = {"date": slider}, {"figure": figure}
    return box
