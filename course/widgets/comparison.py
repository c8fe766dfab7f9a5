"""Comparison matrix: Korea 2018 against Ukraine 1991-96, dimension by dimension, with the
student's own similarity ratings.

Each dimension points at events in data/ for both cases, so the evidence shown is sourced;
the rating (0 = very different ... 4 = very similar) is the student's judgement.
Model: `course.analysis.comparison_summary` over `course.analysis.DIMENSIONS`. View: `comparison_matrix()`.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from course import data
from course.analysis import DIMENSIONS, SCALE, comparison_summary, dimension_evidence
from course.widgets.controls import LabelledSelectionSlider
from course.widgets.static import StaticBox

NOT_RATED = -1  # slider position before the student has rated a dimension


def _summary_html(summary: pd.DataFrame) -> str:
    if summary.attrs["n_rated"] == 0:
        return "<p>Rate each dimension to see your overall judgement of the analogy.</p>"
    rated = summary.dropna(subset=["rating"])
    most = rated.loc[rated["rating"] == rated["rating"].max(), "dimension"]
    least = rated.loc[rated["rating"] == rated["rating"].min(), "dimension"]
    return (
        f"<p>You rated {summary.attrs['n_rated']} of {len(summary)} dimensions; mean similarity "
        f"<strong>{summary.attrs['mean_rating']:.1f}</strong> on a 0-4 scale. Most alike: "
        f"{html.escape(', '.join(most))}. Least alike: {html.escape(', '.join(least))}.</p>"
    )


def comparison_matrix(namespace: dict | None = None, name: str = "comparison_ratings") -> StaticBox:
    """The comparison matrix. Once a dimension is rated, it shows the line that keeps the ratings
    (`name = {...}`) for the answer cell. `namespace` is accepted, so older notebooks that pass
    `globals()` still run, and ignored."""
    events = data.load_events()
    ratings: dict[str, int | None] = {d.key: None for d in DIMENSIONS}
    summary = w.HTML()
    rows = [
        w.HTML(
            "<table><tr><th style='width:22%'>Dimension</th><th style='width:32%'>Korea 2018</th>"
            "<th style='width:32%'>Ukraine 1991-96</th></tr></table>"
        )
    ]
    sliders = {}

    def update(key):
        def on_change(change):
            ratings[key] = int(change["new"]) if change["new"] != NOT_RATED else None
            summary.value = _summary_html(comparison_summary(ratings))
            kept = {k: v for k, v in ratings.items() if v is not None}
            if kept:
                line = html.escape(f"{name} = {kept!r}")
                summary.value += (
                    "<p>To hand your ratings in, the answer cell below must contain exactly "
                    f"<code>{line}</code> (the matrix does not fill it in for you).</p>"
                )

        return on_change

    for d in DIMENSIONS:
        evidence = dimension_evidence(d, events)
        cells = "".join(
            "<td style='vertical-align:top;width:32%'><ul style='margin:0'>"
            + "".join(f"<li>{html.escape(x)}</li>" for x in evidence[case])
            + "</ul></td>"
            for case in ("korea", "ukraine")
        )
        table = w.HTML(
            f"<table><tr><td style='vertical-align:top;width:22%'><strong>{html.escape(d.label)}</strong>"
            f"<br><small>{html.escape(d.question)}</small></td>{cells}</tr></table>"
        )
        slider = LabelledSelectionSlider(
            options=[("not rated", NOT_RATED)] + [(f"{k}: {v}", k) for k, v in SCALE.items()],
            value=NOT_RATED,
            description=f"{d.label}: similarity",
        )
        slider.observe(update(d.key), names="value")
        sliders[d.key] = slider
        rows.extend([table, slider])
    summary.value = _summary_html(comparison_summary(ratings))
    box = StaticBox(
        [
            w.HTML(
                "<strong>Comparing the cases</strong>: read the sourced events for each dimension, then "
                "rate how similar the cases are (0 = very different, 4 = very similar; the arrow keys "
                "move a slider one step)."
            ),
            *rows,
            summary,
        ],
        title="Comparison matrix",
    )
    box.controls, box.outputs = sliders, {"summary": summary}
    return box
