"""A static HTML snapshot in every course widget's output, for every page that has no kernel.

Why: a widget's output holds `application/vnd.jupyter.widget-view+json` (a pointer to a live
model) and `text/plain` (its repr, "VBox(children=(HTML(value=..."). Without saved widget state,
nbconvert's HTML exporter drops the widget view (nbconvert/filters/widgetsdatatypefilter.py) and
falls through its display priority (nbconvert/exporters/html.py) to the next representation it
has: until now the repr. That is what the checked copy (`course check`), nbgrader's feedback and
the formgrader showed, since grading kernels run without widget state.

How: `StaticBox` is a VBox whose `_repr_mimebundle_` adds `text/html` built from its children as
they are when it is displayed: figures (already accessible HTML: `<img alt>`, the text
alternative and "Data behind this figure"), headings and feedback texts, and one line per control
with its label and value. JupyterLab prefers the widget view (the widget renderer ranks first),
so the live widget is unchanged; an exported page shows the snapshot. No script, no CDN, nothing
an HTML sanitiser removes.

The snapshot is the state at display time: exactly what a grader, `course check` or nbgrader's
feedback shows (nobody moves a slider there). A learner who exports a notebook after playing with
a widget gets its first state in the export; the live widget is what they use.
"""

from __future__ import annotations

import html

import ipywidgets as w

STATIC_NOTE = (
    "<p class='course-static-note'><em>A snapshot of an interactive widget: run the notebook in "
    "JupyterLab to use it.</em></p>"
)


def _label(widget: w.Widget) -> str:
    return html.escape(getattr(widget, "description", "") or "Setting")


def _value_text(widget: w.Widget) -> str | None:
    """A control's current value as a reader would say it; None for widgets that hold no value."""
    if hasattr(widget, "static_text"):  # the course's own controls say it themselves
        return widget.static_text()
    if isinstance(widget, w.SelectionRangeSlider):
        first, last = widget.label
        return f"{first} to {last}"
    if isinstance(widget, (w.SelectionSlider, w.Dropdown, w.RadioButtons, w.ToggleButtons, w.Select)):
        return "nothing chosen" if widget.label is None else str(widget.label)
    if isinstance(widget, w.Checkbox):
        return "on" if widget.value else "off"
    if isinstance(widget, w.ValueWidget) and not isinstance(widget, (w.HTML, w.HTMLMath, w.Label)):
        return "not set" if widget.value is None else str(widget.value)
    return None


def static_html(widget: w.Widget) -> str:
    """HTML for `widget` and its descendants, in reading order."""
    if hasattr(widget, "static_html"):  # e.g. the timeline chart: its SVG
        return widget.static_html()
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        return widget.value
    if isinstance(widget, w.Label):
        return f"<span>{html.escape(widget.value)}</span> "
    if isinstance(widget, w.Button):
        return ""  # a button does nothing on a static page
    if isinstance(widget, w.Box):
        inner = "".join(static_html(child) for child in widget.children)
        return f"<div>{inner}</div>" if isinstance(widget, w.VBox) else f"<p>{inner}</p>"
    value = _value_text(widget)
    if value is None:
        return ""
    return f"<p><strong>{_label(widget)}:</strong> {html.escape(value)}</p>"


class StaticBox(w.VBox):
    """A VBox whose output also carries a text/html snapshot of itself (see the module docstring).

    `title` names the widget in the plain-text representation (what a text-only client shows).
    """

    def __init__(self, children=(), title: str = "interactive widget", **kwargs):
        super().__init__(children=list(children), **kwargs)
        self._title = title

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/html"] = f"<div class='course-widget-static'>{static_html(self)}{STATIC_NOTE}</div>"
        bundle["text/plain"] = f"[{self._title}: run the notebook in JupyterLab to use it]"
        return bundle


class StaticHTML:
    """Plain HTML with no widget model: what the quizzes show while nbgrader grades (a grading
    kernel never waits for input, and the page it produces has no widget manager)."""

    def __init__(self, body: str, title: str):
        self.body, self.title = body, title

    def _repr_html_(self) -> str:
        return f"<div class='course-widget-static'>{self.body}</div>"

    def __repr__(self) -> str:
        return f"[{self.title}]"
