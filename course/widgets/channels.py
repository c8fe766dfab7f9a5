"""Channels view (2018): who talked to whom through which channel, over a chosen period,
all contacts or only formal or informal ones.

Model: `course.analysis.channel_counts`. View: `channels_view()`.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from course import data
from course.analysis import channel_counts
from course.figures import SEQUENTIAL_CMAP, figure_html, new_figure
from course.widgets.controls import LabelledRangeSlider
from course.widgets.static import StaticBox

FORMALITY = {"all contacts": None, "formal only": True, "informal only": False}


def channels_figure_html(counts: pd.DataFrame, title: str) -> str:
    """A pair x channel matrix with each count written in its cell."""
    fig, ax = new_figure(7.5, 2.8, left=0.14, bottom=0.22, top=0.9)
    ax.imshow(counts.to_numpy(), cmap=SEQUENTIAL_CMAP, vmin=0, vmax=max(3, int(counts.to_numpy().max())), aspect="auto")
    ax.set_xticks(range(len(counts.columns)), counts.columns, rotation=20, ha="right")
    ax.set_yticks(range(len(counts.index)), counts.index)
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            value = int(counts.iat[i, j])
            ax.text(
                j,
                i,
                str(value),
                ha="center",
                va="center",
                fontsize=9,
                color="black" if value >= max(2, counts.to_numpy().max() * 0.6) else "white",
            )
    ax.set_title(title, fontsize=10)
    cells = [f"{pair} by {channel}: {int(n)}" for pair, row in counts.iterrows() for channel, n in row.items() if n]
    alt = f"{title}. {int(counts.to_numpy().sum())} contacts. " + ("; ".join(cells) if cells else "No contacts.") + "."
    return figure_html(fig, alt, counts.reset_index().rename(columns={"pair": "pair of sides"}))


def channels_view() -> StaticBox:
    """Contacts of 2018 as a matrix, with a month range, a formality toggle and cancelled contacts on request."""
    meetings = data.load_meetings()
    months = [(f"{m:%b %Y}", m) for m in pd.date_range("2018-01-01", "2018-12-01", freq="MS")]
    period = LabelledRangeSlider(options=months, index=(0, len(months) - 1), description="Months")
    formality = w.ToggleButtons(
        options=list(FORMALITY),
        value="all contacts",
        description="Show",
        tooltips=["every contact", "formal contacts only", "secret, ad hoc or 'without formality'"],
    )
    cancelled = w.Checkbox(value=False, description="Include cancelled contacts", indent=False)
    figure = w.HTML()

    def redraw(_=None) -> None:
        first, last = period.value
        last = last + pd.offsets.MonthEnd(0)
        counts = channel_counts(meetings, first, last, FORMALITY[formality.value], cancelled.value)
        figure.value = channels_figure_html(counts, f"Contacts, {first:%b}-{last:%b %Y} ({formality.value})")

    for control in (period, formality, cancelled):
        control.observe(redraw, names="value")
    redraw()
    box = StaticBox(
        [
            w.HTML(
                "<strong>Channels of 2018</strong>: each cell counts contacts between two sides through one channel."
            ),
            period,
            formality,
            cancelled,
            figure,
        ],
        title="Channels of 2018",
    )
    box.controls = {"period": period, "formality": formality, "cancelled": cancelled}
    box.outputs = {"figure": figure}
    return box
