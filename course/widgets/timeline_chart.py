"""The timeline chart: an SVG drawn in Python, made interactive by a small anywidget.

Why this shape: the chart must say what each event is (labels on the chart, tooltips with date
and title), picking a point must select the event, and it must work live in JupyterLab *and* in
exported HTML, offline, keeping the text alternative and keyboard use. Plotly's widget ships a
5 MB bundle per widget and its offline HTML 4.7 MB per figure; Altair's widget loads vega from a
CDN; bqplot's static export needs a CDN too. An SVG string of a few KB does both jobs:

- Python draws it (`timeline_svg`): one renderer for the live widget (a synced string) and for
  the static snapshot (`StaticBox` inlines it; `<title>` elements give hover tooltips there).
- Labels: the selected event always, then as many others as fit without overlapping, each
  placed so that it stays inside the chart (its width is estimated from its length, and it is
  moved inwards at either edge); a thin line ties a label to its point.
- Live, the chart is a listbox: one tab stop; Left/Right (and Home/End) move between events in
  time order, Up/Down between lanes, Enter or Space selects; a click selects; hover or focus
  shows a tooltip with date and title. Every point is an option named by its date and title.
- The text alternative and the table of events stay beside the chart (timeline.py).
"""

from __future__ import annotations

import html
import secrets

import anywidget
import pandas as pd
import traitlets as t

from course.analysis import CASES, format_date
from course.figures import CASE_COLOURS

WIDTH, LEFT, RIGHT, TOP, LANE = 760, 104, 18, 8, 68
POINT_Y = 56  # a point's height within its lane (from the lane's top); labels sit above it
LABEL_ROWS = (13, 28)  # baselines of the two rows of labels within a lane
STACK_STEP, STACK_MAX = 8, 3  # points on (nearly) the same day are stacked upwards, at most 3 high
FONT_PX = 11
CHAR_PX = 6.6  # a generous average glyph width at 11 px: estimates must not underestimate a label
LABEL_CHARS = 30  # other events' labels: the title, shortened (the tooltip has it in full)
SELECTED_CHARS = 60  # the selected event's label: date and title


def _marker(case: str, x: float, y: float) -> str:
    colour = CASE_COLOURS[case]
    shapes = {
        "korea": f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>',
        "ukraine": f'<rect x="{x - 5.5:.1f}" y="{y - 5.5:.1f}" width="11" height="11" fill="{colour}"/>',
        "context": f'<path d="M{x:.1f} {y - 7:.1f}l7 7-7 7-7-7z" fill="{colour}"/>',
        "korea-earlier": f'<path d="M{x:.1f} {y - 7:.1f}l7 12h-14z" fill="{colour}"/>',
        "post-soviet": f'<path d="M{x:.1f} {y + 7:.1f}l7-12h-14z" fill="{colour}"/>',
    }
    return shapes[case]


def _ticks(start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, str]]:
    days = (end - start).days
    if days <= 400:
        marks = pd.date_range(start.to_period("M").to_timestamp(), end, freq="MS")
        marks = [m for m in marks if m >= start]
        every = 1 if days <= 250 else 2
        return [(m, f"{m:%b}" + (f" {m:%Y}" if m.month == 1 or i == 0 else "")) for i, m in enumerate(marks[::every])]
    step = max(1, round(days / 365 / 8))
    years = pd.date_range(pd.Timestamp(year=start.year, month=1, day=1), end, freq=f"{step}YS")
    return [(y, f"{y:%Y}") for y in years if y >= start]


def tooltip(row) -> str:
    """What hovering or focusing a point says: its date (only as precise as it is known) and title."""
    return f"{format_date(row.date, row.date_precision)}: {row.title}"


def label_box(text: str, x: float) -> tuple[float, float]:
    """Where a label for a point at `x` goes: (left edge, estimated width), inside the chart."""
    width = len(text) * CHAR_PX
    left = min(max(x - width / 2, 4.0), WIDTH - 4.0 - width)
    return left, width


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _free_row(taken: dict, lane: int, left: float, width: float) -> int | None:
    """The first row of labels in `lane` where [left, left + width] overlaps no label, if any."""
    for row in range(len(LABEL_ROWS)):
        if not any(left < b + 10 and a < left + width + 10 for a, b in taken.get((lane, row), [])):
            return row
    return None


def timeline_svg(
    shown: pd.DataFrame,
    start,
    end,
    cases,
    selected: str | None = None,
    interactive: bool = True,
    uid: str = "tl",
) -> str:
    """The chart as an SVG string, one lane per case in `cases`. `interactive=False` gives the
    static variant (role="img", tooltips from <title>) for pages without a kernel."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    lanes = [c for c in CASES if c in set(cases)] or ["korea"]
    span = max((end - start).total_seconds(), 1.0)
    x_of = lambda d: LEFT + (WIDTH - LEFT - RIGHT) * (pd.Timestamp(d) - start).total_seconds() / span
    axis_y = TOP + LANE * len(lanes)
    height = axis_y + 24
    back = [f'<g aria-hidden="true" font-size="{FONT_PX}" fill="#222">']
    for i, case in enumerate(lanes):
        y = TOP + LANE * i + POINT_Y
        back.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#bbb"/>'
            f'<text x="{LEFT - 10}" y="{y + 4}" text-anchor="end">{html.escape(case)}</text>'
        )
    for when, text in _ticks(start, end):
        x = x_of(when)
        back.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{axis_y}" stroke="#e4e4e4"/>'
            f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">{html.escape(text)}</text>'
        )
    back.append("</g>")

    rows = shown[shown["case"].astype(str).isin(lanes)].sort_values(["date", "event_id"])
    stacked: dict[tuple[int, int], int] = {}
    points, placed = [], []
    for order, r in enumerate(rows.itertuples()):
        lane = lanes.index(str(r.case))
        x = x_of(r.date)
        slot = (lane, round(x / 7))  # points closer than ~7 px share a slot and are stacked
        level = min(stacked.get(slot, 0), STACK_MAX - 1)
        stacked[slot] = stacked.get(slot, 0) + 1
        y = TOP + LANE * lane + POINT_Y - STACK_STEP * level
        placed.append((r, lane, x, y, order))
    by_priority = sorted(placed, key=lambda p: (p[0].event_id != selected, p[4]))
    taken: dict[tuple[int, int], list[tuple[float, float]]] = {}
    labels = []
    for r, lane, x, y, _ in by_priority:
        is_selected = r.event_id == selected
        text = _short(tooltip(r), SELECTED_CHARS) if is_selected else _short(str(r.title), LABEL_CHARS)
        left, width = label_box(text, x)
        row = 0 if is_selected else _free_row(taken, lane, left, width)
        if row is None:
            continue  # no room: the tooltip still says what it is
        taken.setdefault((lane, row), []).append((left, left + width))
        base = TOP + LANE * lane + LABEL_ROWS[row]
        weight = "bold" if is_selected else "normal"
        labels.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base + 3}" y2="{y - 7:.1f}" stroke="#888"/>'
            f'<text x="{left:.1f}" y="{base}" font-size="{FONT_PX}" font-weight="{weight}" fill="#000" '
            f'data-for="{html.escape(r.event_id)}">{html.escape(text)}</text>'
        )
    for r, _lane, x, y, order in placed:
        tip = tooltip(r)
        is_selected = r.event_id == selected
        ring = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="none" stroke="#000" stroke-width="2.5"/>'
            if is_selected
            else ""
        )
        attrs = (
            f'id="{uid}-{html.escape(r.event_id)}" role="option" aria-selected="{str(is_selected).lower()}" '
            f'aria-label="{html.escape(tip, quote=True)}" data-id="{html.escape(r.event_id)}" data-order="{order}" '
            f'data-lane="{lanes.index(str(r.case))}" data-tip="{html.escape(tip, quote=True)}"'
            if interactive
            else ""
        )
        title = "" if interactive else f"<title>{html.escape(tip)}</title>"
        points.append(f'<g class="ev" {attrs}>{title}{ring}{_marker(str(r.case), x, y)}</g>')

    common = f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
    common += f'style="max-width:{WIDTH}px;display:block" font-family="sans-serif"'
    if interactive:
        active = selected if selected in set(rows["event_id"]) else None
        head = (
            f'<svg {common} role="listbox" tabindex="0" aria-label="Timeline chart, {len(rows)} events: '
            'Left and Right arrows move between events, Up and Down between lanes, Enter selects"'
            + (f' aria-activedescendant="{uid}-{html.escape(active)}"' if active else "")
            + ">"
        )
    else:
        head = (
            f'<svg {common} role="img" aria-label="Timeline chart of {len(rows)} events (the text alternative '
            'and the table below list them)">'
        )
    # labels last, so they are drawn over the lines; the points after them, so they stay clickable
    return head + "".join(back) + f'<g aria-hidden="true">{"".join(labels)}</g>' + "".join(points) + "</svg>"


_ESM = r"""
export default {
  render({ model, el }) {
    const box = document.createElement("div");
    box.className = "course-timeline";
    const tip = document.createElement("div");
    tip.className = "course-timeline-tip";
    tip.setAttribute("aria-hidden", "true");  // the focused option's name already says it
    el.append(box, tip);
    let active = null;
    const svg = () => box.querySelector("svg");
    const options = () => [...box.querySelectorAll("g.ev")].sort((a, b) => a.dataset.order - b.dataset.order);
    function showTip(g) {
      if (!g) { tip.style.display = "none"; return; }
      const r = g.getBoundingClientRect(), host = el.getBoundingClientRect();
      tip.textContent = g.dataset.tip;
      tip.style.display = "block";
      const left = Math.min(Math.max(0, r.left - host.left + r.width / 2 - tip.offsetWidth / 2),
                            Math.max(0, host.width - tip.offsetWidth));
      const above = r.top - host.top - tip.offsetHeight - 6;
      tip.style.left = `${left}px`;
      tip.style.top = `${above >= 0 ? above : r.bottom - host.top + 6}px`;  // below the point near the top
    }
    function activate(g) {
      for (const o of options()) o.classList.toggle("active", o === g);
      active = g ? g.dataset.id : null;
      if (g) svg().setAttribute("aria-activedescendant", g.id);
      showTip(g);
    }
    function select(g) {
      if (!g) return;
      model.set("selected", g.dataset.id);
      model.save_changes();
    }
    function onKey(ev) {
      const all = options();
      if (!all.length) return;
      const i = all.findIndex((g) => g.dataset.id === active);
      const cur = all[Math.max(i, 0)];
      let next = null;
      if (ev.key === "ArrowRight") next = all[Math.min(all.length - 1, i + 1)];
      else if (ev.key === "ArrowLeft") next = all[Math.max(0, i - 1)];
      else if (ev.key === "Home") next = all[0];
      else if (ev.key === "End") next = all[all.length - 1];
      else if (ev.key === "ArrowUp" || ev.key === "ArrowDown") {
        const lane = Number(cur.dataset.lane) + (ev.key === "ArrowDown" ? 1 : -1);
        const x = cur.getBoundingClientRect().x;
        const inLane = all.filter((g) => Number(g.dataset.lane) === lane);
        const distance = (g) => Math.abs(g.getBoundingClientRect().x - x);
        next = inLane.sort((a, b) => distance(a) - distance(b))[0] || cur;
      } else if (ev.key === "Enter" || ev.key === " ") {
        select(cur);
      } else return;
      ev.preventDefault();
      ev.stopPropagation();  // JupyterLab's own shortcuts stay out of the chart
      if (next) activate(next);
    }
    function draw() {
      const hadFocus = box.contains(document.activeElement);
      box.innerHTML = model.get("svg");
      const s = svg();
      if (!s) return;
      // JupyterLab's command-mode arrow keys would move between cells (see controls.py)
      s.setAttribute("data-lm-suppress-shortcuts", "true");
      s.addEventListener("keydown", onKey);
      s.addEventListener("focus", () => {
        const id = active || model.get("selected") || "";
        activate(options().find((g) => g.dataset.id === id) || options()[0]);
      });
      s.addEventListener("blur", () => showTip(null));
      for (const g of options()) {
        g.addEventListener("click", () => { activate(g); select(g); });
        g.addEventListener("mouseenter", () => showTip(g));
        g.addEventListener("mouseleave", () => showTip(null));
      }
      if (hadFocus) {
        s.focus();
        activate(options().find((g) => g.dataset.id === active) || null);
      }
    }
    model.on("change:svg", draw);
    draw();
    return () => model.off("change:svg", draw);
  },
};
"""

_CSS = """
.course-timeline { position: relative; }
.course-timeline svg:focus-visible { outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 2px; }
.course-timeline g.ev { cursor: pointer; }
.course-timeline g.ev.active > :last-child { stroke: #000; stroke-width: 2; }
.course-timeline-tip { position: absolute; display: none; pointer-events: none; background: #222; color: #fff;
  padding: 2px 6px; border-radius: 3px; font-size: 12px; white-space: nowrap; z-index: 10; }
"""


class TimelineChart(anywidget.AnyWidget):
    """The live chart. Set `svg` (from `timeline_svg`); read or observe `selected` (an event id)."""

    _esm = _ESM
    _css = _CSS
    svg = t.Unicode("").tag(sync=True)
    selected = t.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.uid = "tl" + secrets.token_hex(3)  # ids of the points, unique on the page
        self.static_svg = ""  # the role="img" variant, for the StaticBox snapshot

    def static_html(self) -> str:
        return self.static_svg
