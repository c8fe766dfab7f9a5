"""Timeline explorer: a date range, filters by case, actor and channel, a chart that says what
each event is, an event list, and a detail panel with the selected event's source.

Model: `course.analysis.filter_events` (which events are shown) and `course.analysis.event_details`
(what the detail panel says). Chart: `course.widgets.timeline_chart`. View: `timeline_explorer()`.
Picking a point on the chart and picking an event in the list select the same event.
The actor list offers only actors with an event under the other filters, so no choice leads to
an empty timeline by surprise.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from course import data
from course.analysis import ANY, CASES, CHANNELS, event_details, filter_events
from course.widgets.controls import LabelledRangeSlider
from course.widgets.static import StaticBox
from course.widgets.timeline_chart import TimelineChart, timeline_svg


def _details_html(d: dict) -> str:
    e = {k: html.escape(v) if isinstance(v, str) else v for k, v in d.items()}
    actors = html.escape(", ".join(d["actors"])) or "not recorded"
    return (
        f"<h3 style='margin:0.2em 0;font-size:1.05em'>{e['title']}</h3>"
        f"<p><strong>{e['date']}</strong> &middot; {e['case']} &middot; {e['location']} &middot; "
        f"confidence: {e['confidence']}</p><p>{e['description']}</p><p><em>Who:</em> {actors}</p>"
        + (f"<p><em>Notes:</em> {e['notes']}</p>" if d["notes"] else "")
        + f"<p><em>Source ({e['source_kind']}; {e['source_viewpoint']}):</em> {e['source_title']}, "
        f"{e['source_publisher']}, {e['source_date']}. "
        f"<a href='{html.escape(d['source_url'], quote=True)}' target='_blank' rel='noopener'>Open the source</a></p>"
    )


def timeline_text_html(shown: pd.DataFrame, start, end) -> str:
    """The chart's text alternative (a summary sentence) and the events as a table."""
    span = f"{pd.Timestamp(start):%d %b %Y} to {pd.Timestamp(end):%d %b %Y}"
    counts = ", ".join(f"{n} {c}" for c in CASES if (n := int((shown["case"].astype(str) == c).sum())) or c == "korea")
    alt = f"Timeline of {len(shown)} events from {span} ({counts})."
    if len(shown):
        first, last = shown.iloc[0], shown.iloc[-1]
        alt += f" First: {first['title']} ({first['date']:%d %b %Y}); last: {last['title']} ({last['date']:%d %b %Y})."
    table = shown.assign(date=shown["date"].dt.strftime("%Y-%m-%d"))[["date", "event_id", "case", "title"]]
    return (
        f'<p class="course-alt-text"><strong>Text alternative:</strong> {html.escape(alt)}</p>'
        "<details><summary>Data behind this figure</summary>" + table.to_html(index=False, border=0) + "</details>"
    )


def _month_options(events: pd.DataFrame) -> list[tuple[str, pd.Timestamp]]:
    months = pd.date_range(
        events["date"].min().to_period("M").to_timestamp(),
        events["date"].max().to_period("M").to_timestamp() + pd.offsets.MonthBegin(1),
        freq="MS",
    )
    return [(f"{m:%b %Y}", m) for m in months]


def actor_options(candidates: pd.DataFrame, event_actors: pd.DataFrame, actors: pd.DataFrame) -> list[tuple[str, str]]:
    """(name, actor_id) of every actor taking part in one of `candidates`, by name."""
    involved = event_actors.loc[event_actors["event_id"].isin(candidates["event_id"]), "actor_id"]
    named = actors[actors["actor_id"].isin(involved)].sort_values("name")
    return list(zip(named["name"], named["actor_id"], strict=True))


def timeline_explorer(start="2018-01-01", end="2018-07-31", cases=("korea",)) -> StaticBox:
    """The timeline explorer. Every control has a label and works from the keyboard."""
    events, sources = data.load_events(), data.load_sources()
    event_actors, actors, meetings = data.load_event_actors(), data.load_actors(), data.load_meetings()
    months = _month_options(events)
    values = [m for _, m in months]

    def nearest(date) -> int:
        date = pd.Timestamp(date)
        return max(i for i, m in enumerate(values) if m <= date) if date >= values[0] else 0

    dates = LabelledRangeSlider(
        options=months,
        index=(nearest(start), nearest(end)),
        description="Dates",
        tooltip="Arrow keys move a month at a time; Home and End go to the first and last month.",
    )
    case_boxes = {
        c: w.Checkbox(value=c in cases, description=c.capitalize(), indent=False, layout=w.Layout(width="auto"))
        for c in CASES
    }
    actor = w.Dropdown(options=[(ANY, ANY)], value=ANY, description="Actor")
    channel = w.Dropdown(
        options=[ANY, *CHANNELS],
        value=ANY,
        description="Channel",
        tooltip="Only events carried by a 2018 contact of this channel",
    )
    chart = TimelineChart()
    listing = w.Select(options=[], rows=8, description="Events", layout=w.Layout(width="95%"))
    figure = w.HTML()
    details = w.HTML(layout=w.Layout(border="1px solid #ccc", padding="0 0.6em"))
    status = w.HTML()
    busy = []  # set while the view updates its own controls, so their observers do not redraw again

    def window() -> tuple[pd.Timestamp, pd.Timestamp]:
        first, last = dates.value
        return first, last + pd.offsets.MonthEnd(0)

    def chosen_cases() -> list[str]:
        return [c for c, box in case_boxes.items() if box.value]

    def current(who: str | None = None) -> pd.DataFrame:
        first, last = window()
        return filter_events(
            events, first, last, chosen_cases(), who or actor.value, event_actors, channel.value, meetings
        )

    def draw(shown: pd.DataFrame) -> None:
        first, last = window()
        chart.static_svg = timeline_svg(shown, first, last, chosen_cases(), listing.value, interactive=False)
        chart.svg = timeline_svg(shown, first, last, chosen_cases(), listing.value, uid=chart.uid)
        figure.value = timeline_text_html(shown, first, last)

    def refresh_actors() -> None:
        options = [(ANY, ANY), *actor_options(current(ANY), event_actors, actors)]
        if options != list(actor.options):
            keep = actor.value if actor.value in {a for _, a in options} else ANY
            actor.options = options
            actor.value = keep

    def redraw(_=None) -> None:
        if busy:
            return
        busy.append(True)
        try:
            refresh_actors()
            shown = current()
            keep = listing.value if listing.value in set(shown["event_id"]) else None
            listing.options = [(f"{r.date:%Y-%m-%d}  {r.title}", r.event_id) for r in shown.itertuples()]
            listing.value = keep if keep else (shown["event_id"].iloc[0] if len(shown) else None)
            chart.selected = listing.value
        finally:
            busy.clear()
        draw(shown)
        status.value = f"<p role='status'><em>{len(shown)} event(s) shown.</em></p>"
        show_details()

    def show_details(_=None) -> None:
        if listing.value is None:
            details.value = "<p>No event matches these filters.</p>"
            return
        details.value = _details_html(event_details(listing.value, events, sources, event_actors, actors))

    def on_select(change) -> None:
        if busy:
            return
        chart.selected = listing.value
        show_details()
        draw(current())

    def on_point(change) -> None:  # a point picked on the chart selects the event in the list
        if change["new"] and change["new"] != listing.value:
            listing.value = change["new"]

    for control in [dates, actor, channel, *case_boxes.values()]:
        control.observe(redraw, names="value")
    listing.observe(on_select, names="value")
    chart.observe(on_point, names="selected")
    redraw()
    box = StaticBox(
        [
            w.HTML(
                "<strong>Timeline explorer</strong>: choose dates and filters. Hover over a point, or "
                "tab to the chart and use the arrow keys, to see what it is; click it or press Enter to "
                "see its source below."
            ),
            dates,
            w.HBox([w.Label("Cases:"), *case_boxes.values()]),
            w.HBox([actor, channel]),
            chart,
            figure,
            status,
            listing,
            details,
        ],
        title="Timeline explorer",
    )
    box.controls = {"dates": dates, "cases": case_boxes, "actor": actor, "channel": channel, "events": listing}
    box.outputs = {"figure": figure, "details": details, "status": status, "chart": chart}
    return box
