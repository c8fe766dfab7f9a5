"""Comparison matrix: Korea 2018 against Ukraine 1991-96, dimension by dimension, with the
student's own similarity ratings.

Each dimension points at events in data/ for both cases, so the evidence shown is sourced;
the rating (0 = very different ... 4 = very similar) is the student's judgement.
Model: `comparison_summary`. View: `comparison_matrix()`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as w
import pandas as pd

from course import data

NOT_RATED = -1  # slider position before the student has rated a dimension
SCALE = {0: "very different", 1: "different", 2: "partly similar", 3: "similar", 4: "very similar"}


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    question: str
    korea: tuple[str, ...]
    ukraine: tuple[str, ...]


DIMENSIONS = (
    Dimension("initiative", "Who moved first", "Did the smaller state take the initiative?",
              ("KOR-04", "KOR-19"), ("UKR-11", "UKR-13")),
    Dimension("great_power", "Role of the great powers", "How far did a great power set the pace?",
              ("KOR-17", "KOR-24"), ("UKR-14", "UKR-18")),
    Dimension("informality", "Informal channels", "Did informal or technical channels move things forward?",
              ("KOR-20", "KOR-22"), ("UKR-10", "UKR-12")),
    Dimension("compensation", "Compensation", "What was offered in return for disarmament steps?",
              ("KOR-25", "KOR-10"), ("UKR-15", "UKR-18")),
    Dimension("security", "Security commitments", "What security commitments were made, and how binding were they?",
              ("KOR-25",), ("UKR-22",)),
    Dimension("verification", "Verification", "Could outsiders verify the disarmament steps?",
              ("KOR-16",), ("UKR-23", "UKR-24")),
    Dimension("domestic", "Domestic politics", "Did domestic opponents constrain the leaders?",
              ("KOR-15", "KOR-13"), ("UKR-16", "UKR-19")),
    Dimension("weapons", "The weapons themselves", "Whose weapons were they, and who controlled them?",
              ("CTX-05", "CTX-08"), ("UKR-04", "UKR-09")),
)


def dimension_evidence(dimension: Dimension, events: pd.DataFrame) -> dict[str, list[str]]:
    """The sourced events behind one dimension, as 'date: title' lines per case."""
    indexed = events.set_index("event_id")
    line = lambda eid: f"{indexed.loc[eid, 'date']:%d %b %Y}: {indexed.loc[eid, 'title']} [{eid}]"  # noqa: E731
    return {"korea": [line(e) for e in dimension.korea], "ukraine": [line(e) for e in dimension.ukraine]}


def comparison_summary(ratings: dict[str, int | None]) -> pd.DataFrame:
    """One row per dimension with the rating and its meaning; unrated dimensions stay empty.

    The frame's `attrs` carry the mean rating over rated dimensions and the number rated.
    """
    rows = []
    for d in DIMENSIONS:
        r = ratings.get(d.key)
        if r is not None and (type(r) is not int or r not in SCALE):
            raise ValueError(f"rating for {d.key!r} must be an int from 0 to 4, got {r!r}")
        rows.append({"dimension": d.label, "key": d.key, "rating": r, "meaning": SCALE.get(r, "not rated")})
    frame = pd.DataFrame(rows)
    rated = frame["rating"].dropna()
    frame.attrs["mean_rating"] = float(rated.mean()) if len(rated) else None
    frame.attrs["n_rated"] = int(len(rated))
    return frame


def _summary_html(summary: pd.DataFrame) -> str:
    if summary.attrs["n_rated"] == 0:
        return "<p>Rate each dimension to see your overall judgement of the analogy.</p>"
    rated = summary.dropna(subset=["rating"])
    most = rated.loc[rated["rating"] == rated["rating"].max(), "dimension"]
    least = rated.loc[rated["rating"] == rated["rating"].min(), "dimension"]
    return (f"<p>You rated {summary.attrs['n_rated']} of {len(summary)} dimensions; mean similarity "
            f"<strong>{summary.attrs['mean_rating']:.1f}</strong> on a 0-4 scale. Most alike: "
            f"{html.escape(', '.join(most))}. Least alike: {html.escape(', '.join(least))}.</p>")


def comparison_matrix(namespace: dict | None = None, name: str = "comparison_ratings") -> w.VBox:
    """The comparison matrix. If `namespace` is given (pass `globals()`), the ratings are kept
    there as `name` (a dict dimension -> rating) each time a rating changes."""
    events = data.load_events()
    ratings: dict[str, int | None] = {d.key: None for d in DIMENSIONS}
    summary = w.HTML()
    rows = [w.HTML("<table><tr><th style='width:22%'>Dimension</th><th style='width:32%'>Korea 2018</th>"
                   "<th style='width:32%'>Ukraine 1991-96</th></tr></table>")]
    sliders = {}

    def update(key):
        def on_change(change):
            ratings[key] = int(change["new"]) if change["new"] != NOT_RATED else None
            result = comparison_summary(ratings)
            summary.value = _summary_html(result)
            if namespace is not None:
                kept = {k: v for k, v in ratings.items() if v is not None}
                namespace[name] = kept
                summary.value += (f"<p>Recorded for this session. <strong>To keep your ratings when the notebook is "
                                  f"graded</strong>, the answer cell must contain: <code>{html.escape(f'{name} = {kept!r}')}</code></p>")
        return on_change

    for d in DIMENSIONS:
        evidence = dimension_evidence(d, events)
        cells = "".join("<td style='vertical-align:top;width:32%'><ul style='margin:0'>"
                        + "".join(f"<li>{html.escape(x)}</li>" for x in evidence[case]) + "</ul></td>"
                        for case in ("korea", "ukraine"))
        table = w.HTML(f"<table><tr><td style='vertical-align:top;width:22%'><strong>{html.escape(d.label)}</strong>"
                       f"<br><small>{html.escape(d.question)}</small></td>{cells}</tr></table>")
        slider = w.SelectionSlider(options=[("not rated", NOT_RATED)] + [(f"{k}: {v}", k) for k, v in SCALE.items()],
                                   value=NOT_RATED, description=f"{d.label}", style={"description_width": "12em"},
                                   layout=w.Layout(width="70%"), continuous_update=False,
                                   tooltip="How similar are the two cases on this dimension? Arrow keys move the handle.")
        slider.observe(update(d.key), names="value")
        sliders[d.key] = slider
        rows.extend([table, slider])
    summary.value = _summary_html(comparison_summary(ratings))
    box = w.VBox([w.HTML("<strong>Comparing the cases</strong>: read the sourced events for each dimension, then "
                         "rate how similar the cases are (0 = very different, 4 = very similar)."), *rows, summary])
    box.controls, box.outputs = sliders, {"summary": summary}
    return box
