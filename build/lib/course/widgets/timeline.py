"""Timeline explorer: a date range, filters by case, actor and channel, a redrawn timeline,
and a detail panel with the selected event's source.

Model: `course.analysis.filter_events` (which events are shown) and `course.analysis.event_details`
(what the detail panel says). View: `timeline_explorer()`.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from course import data
from course.analysis import ANY, CASES, CHANNELS, event_details, filter_events
from course.figures import CASE_COLOURS, CASE_MARKERS, figure_html, new_figure


def _details_html(d: dict) -> str:
    e = {k: html.escape(v) if isinstance(v, str) else v for k, v in d.items()}
    actors = html.escape(", ".join(d["actors"])) or "not recorded"
    return (
        f"<h4 style='margin:0.2em 0'>{e['title']}</h4>"
        f"<p><strong>{e['date']}</strong> &middot; {e['case']} &middot; {e['location']} &middot; "
        f"confidence: {e['confidence']}</p><p>{e['description']}</p><p><em>Who:</em> {actors}</p>"
        + (f"<p><em>Notes:</em> {e['notes']}</p>" if d["notes"] else "")
        + f"<p><em>Source ({e['source_kind']}; {e['source_viewpoint']}):</em> {e['source_title']}, "
        f"{e['source_publisher']}, {e['source_date']}. "
        f"<a href='{html.escape(d['source_url'], quote=True)}' target='_blank' rel='noopener'>Open the source</a></p>"
    )


def timeline_figure_html(shown: pd.DataFrame, start, end, selected: str | None = None) -> str:
    """The timeline plot (one lane per case) with its text alternative."""
    fig, ax = new_figure(7.5, 2.6, left=0.1, bottom=0.12, top=0.8)
    for lane, case in enumerate(CASES):
        rows = shown[shown["case"].astype(str) == case]
        ax.scatter(
            rows["date"],
            [lane] * len(rows),
            s=36,
            color=CASE_COLOURS[case],
            marker=CASE_MARKERS[case],
            label=f"{case} ({len(rows)})",
            zorder=3,
        )
    if selected is not None and selected in set(shown["event_id"]):
        row = shown.set_index("event_id").loc[selected]
        ax.scatter(
            [row["date"]],
            [CASES.index(str(row["case"]))],
            s=160,
            facecolors="none",
            edgecolors="#D55E00",
            linewidths=2,
            zorder=4,
        )
        ax.annotate(
            row["title"][:40],
            (row["date"], CASES.index(str(row["case"]))),
            xytext=(0, 10),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    ax.set_yticks(range(len(CASES)), CASES)
    ax.set_ylim(-0.6, len(CASES) - 0.4)
    ax.set_xlim(pd.Timestamp(start), pd.Timestamp(end))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncols=3, frameon=False, bbox_to_anchor=(0, 1.22))
    span = f"{pd.Timestamp(start):%d %b %Y} to {pd.Timestamp(end):%d %b %Y}"
    counts = ", ".join(f"{int((shown['case'].astype(str) == c).sum())} {c}" for c in CASES)
    alt = f"Timeline of {len(shown)} events from {span} ({counts})."
    if len(shown):
        first, last = shown.iloc[0], shown.iloc[-1]
        alt += f" First: {first['title']} ({first['date']:%d %b %Y}); last: {last['title']} ({last['date']:%d %b %Y})."
    table = shown.assign(date=shown["date"].dt.strftime("%Y-%m-%d"))[["date", "event_id", "case", "title"]]
    return figure_html(fig, alt, table)


def _month_options(events: pd.DataFrame) -> list[tuple[str, pd.Timestamp]]:
    months = pd.date_range(
        events["date"].min().to_period("M").to_timestamp(),
        events["date"].max().to_period("M").to_timestamp() + pd.offsets.MonthBegin(1),
        freq="MS",
    )
    return [(f"{m:%b %Y}", m) for m in months]


def timeline_explorer(start="2018-01-01", end="2018-07-31", cases=("korea",)) -> w.VBox:
    """The timeline explorer. Every control is a labelled, keyboard-operable ipywidget."""
    events, sources = data.load_events(), data.load_sources()
    event_actors, actors, meetings = data.load_event_actors(), data.load_actors(), data.load_meetings()
    months = _month_options(events)
    values = [m for _, m in months]

    def nearest(date) -> int:
        date = pd.Timestamp(date)
        return max(i for i, m in enumerate(values) if m <= date) if date >= values[0] else 0

    dates = w.SelectionRangeSlider(
        options=months,
        index=(nearest(start), nearest(end)),
        description="Dates",
        continuous_update=False,
        layout=w.Layout(width="95%"),
        tooltip="Use the arrow keys to move the handles",
    )
    case_boxes = {
        c: w.Checkbox(value=c in cases, description=c.capitalize(), indent=False, layout=w.Layout(width="auto"))
        for c in CASES
    }
    named = actors[actors["actor_id"].isin(event_actors["actor_id"])].sort_values("name")
    actor = w.Dropdown(
        options=[(ANY, ANY), *zip(named["name"], named["actor_id"], strict=True)], value=ANY, description="Actor"
    )
    channel = w.Dropdown(
        options=[ANY, *CHANNELS],
        value=ANY,
        description="Channel",
        tooltip="Only events carried by a 2018 contact of this channel",
    )
    listing = w.Select(options=[], rows=8, description="Events", layout=w.Layout(width="95%"))
    figure = w.HTML()
    details = w.HTML(layout=w.Layout(border="1px solid #ccc", padding="0 0.6em"))
    status = w.HTML()

    def current() -> pd.DataFrame:
        first, last = dates.value
        last = last + pd.offsets.MonthEnd(0)
        return filter_events(
            events,
            first,
            last,
            [c for c, box in case_boxes.items() if box.value],
            actor.value,
            event_actors,
            channel.value,
            meetings,
        )

    def redraw(_=None) -> None:
        shown = current()
        keep = listing.value if listing.value in set(shown["event_id"]) else None
        listing.options = [(f"{r.date:%Y-%m-%d}  {r.title}", r.event_id) for r in shown.itertuples()]
        listing.value = keep if keep else (shown["event_id"].iloc[0] if len(shown) else None)
        first, last = dates.value
        figure.value = timeline_figure_html(shown, first, last + pd.offsets.MonthEnd(0), listing.value)
        status.value = f"<em>{len(shown)} event(s) shown.</em>"
        show_details()

    def show_details(_=None) -> None:
        if listing.value is None:
            details.value = "<p>No event matches these filters.</p>"
            return
        details.value = _details_html(event_details(listing.value, events, sources, event_actors, actors))

    def on_select(change) -> None:
        show_details()
        first, last = dates.value
        figure.value = timeline_figure_html(current(), first, last + pd.offsets.MonthEnd(0), listing.value)

    for control in [dates, actor, channel, *case_boxes.values()]:
        control.observe(redraw, names="value")
    listing.observe(on_select, names="value")
    redraw()
    box = w.VBox(
        [
            w.HTML("<strong>Timeline explorer</strong>: choose dates and filters; pick an event to see its source."),
            dates,
            w.HBox([w.Label("Cases:"), *case_boxes.values()]),
            w.HBox([actor, channel]),
            figure,
            status,
            listing,
            details,
        ]
    )
    box.controls = {"dates": dates, "cases": case_boxes, "actor": actor, "channel": channel, "events": listing}
    box.outputs = {"figure": figure, "details": details, "status": status}
    return box
