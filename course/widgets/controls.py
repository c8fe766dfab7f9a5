"""Labelled sliders: replacements for ipywidgets' sliders that a screen reader can name.

Why: ipywidgets 8 draws its sliders with noUiSlider, whose handle is a `<div role="slider">`
with no accessible name (the visible description is a separate `<label>`, not tied to it): axe-core
reports `aria-input-field-name` (serious), and a screen reader announces only a number. Its
description is also cut at a fixed width ("The weapons themsel..."), and its track changes width
as the readout's text changes.

What: an anywidget (https://anywidget.dev, a maintained base class for small custom widgets; its
front end ships in the `anywidget` wheel, so this works offline, with no build step and no CDN)
that draws native `<input type="range">` elements:

- named by a real `<label for=...>`; `aria-valuetext` says the value in words ("Jan 1994",
  "3: similar"), so a screen reader reads what the learner sees, not an index;
- the browser's own keyboard handling: arrow keys, Home, End;
- a grid: the label wraps instead of being cut; the readout column is as wide as the longest
  value it can show, so the track never changes width;
- the model changes on `change` (a key press, or releasing the mouse), as ipywidgets'
  `continuous_update=False`; the readout follows every `input` event.

JupyterLab binds the arrow keys in command mode to moving between cells (selector
`.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus`, which a focused range input
matches, as it is not `:read-write`); Lumino then prevents the key's default and the slider would
not move. Lumino skips its shortcuts for a target carrying `data-lm-suppress-shortcuts`, checked
from the focused element itself upwards, so every focusable element here carries it.

Python side, the classes mimic the ipywidgets they replace: `.value`, `.description` and
`.observe(handler, names="value")` work as with FloatSlider, IntSlider, SelectionSlider and
SelectionRangeSlider, and `static_text()` gives the value for a page without a kernel (StaticBox).
"""

from __future__ import annotations

import anywidget
import traitlets as t

_ESM = r"""
let counter = 0;
function makeInput(id, label, which) {
  const row = document.createElement("div");
  row.className = "course-slider-row";
  const lab = document.createElement("label");
  lab.htmlFor = id;
  lab.textContent = label;
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  input.setAttribute("data-lm-suppress-shortcuts", "true");  // see the module docstring
  const out = document.createElement("output");
  out.htmlFor = id;
  out.setAttribute("aria-hidden", "true");  // the input's aria-valuetext already says it
  row.append(lab, input, out);
  return { row, input, out, which };
}
export default {
  render({ model, el }) {
    const uid = `course-slider-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
    const range = model.get("kind") === "range";
    const wrapper = document.createElement(range ? "fieldset" : "div");
    wrapper.className = "course-slider" + (range ? " course-slider-range" : "");
    wrapper.style.setProperty("--course-readout", `${model.get("readout_chars")}ch`);
    let parts;
    if (range) {
      const legend = document.createElement("legend");
      legend.textContent = model.get("description");
      wrapper.append(legend);
      parts = [makeInput(uid + "-from", "From", 0), makeInput(uid + "-to", "To", 1)];
    } else {
      parts = [makeInput(uid, model.get("description"), null)];
    }
    wrapper.append(...parts.map((p) => p.row));
    const hint = model.get("hint");
    if (hint) {
      const p = document.createElement("p");
      p.className = "course-slider-hint";
      p.id = uid + "-hint";
      p.textContent = hint;
      for (const part of parts) part.input.setAttribute("aria-describedby", p.id);
      wrapper.append(p);
    }
    const labels = () => model.get("labels");
    const words = (v) => (labels().length ? labels()[v] : Number(v).toFixed(model.get("decimals")));
    const current = () => (labels().length || range ? model.get("index") : model.get("value"));
    function sync() {  // model -> DOM, without re-creating anything (focus stays where it is)
      for (const { input, out, which } of parts) {
        if (labels().length) {
          input.min = 0; input.max = labels().length - 1; input.step = 1;
        } else {
          input.min = model.get("min"); input.max = model.get("max"); input.step = model.get("step");
        }
        const v = which === null ? current() : current()[which];
        if (String(input.value) !== String(v)) input.value = v;
        input.setAttribute("aria-valuetext", words(v));
        out.textContent = words(v);
      }
    }
    function commit(part) {  // DOM -> model
      const v = Number(part.input.value);
      if (range) {
        let [lo, hi] = model.get("index");
        if (part.which === 0) lo = Math.min(v, hi); else hi = Math.max(v, lo);
        part.input.value = part.which === 0 ? lo : hi;
        model.set("index", [lo, hi]);
      } else if (labels().length) {
        model.set("index", v);
      } else {
        model.set("value", v);
      }
      model.save_changes();
    }
    for (const part of parts) {
      part.input.addEventListener("input", () => {
        part.out.textContent = words(Number(part.input.value));
        part.input.setAttribute("aria-valuetext", words(Number(part.input.value)));
      });
      part.input.addEventListener("change", () => commit(part));
    }
    const names = ["value", "index", "labels", "min", "max", "step", "decimals"];
    for (const name of names) model.on(`change:${name}`, sync);
    sync();
    el.append(wrapper);
    return () => { for (const name of names) model.off(`change:${name}`, sync); };
  },
};
"""

_CSS = """
.course-slider { border: 0; margin: 0.3em 0; padding: 0; min-width: 0; max-width: 52em; }
.course-slider legend { font-weight: 600; padding: 0; }
.course-slider-row { display: grid; align-items: center; column-gap: 0.8em;
  grid-template-columns: minmax(7em, 14em) minmax(8em, 1fr) var(--course-readout, 10ch); }
.course-slider-row label { white-space: normal; overflow-wrap: anywhere; }
.course-slider-row input[type=range] { width: 100%; margin: 0; }
.course-slider-row input[type=range]:focus-visible {
  outline: 2px solid var(--jp-brand-color1, #1976d2); outline-offset: 2px; }
.course-slider-row output { font-variant-numeric: tabular-nums; white-space: nowrap; }
.course-slider-hint { margin: 0.1em 0 0 0; font-size: 0.9em; color: var(--jp-ui-font-color1, #222); }
"""


class _Base(anywidget.AnyWidget):
    _esm = _ESM
    _css = _CSS
    kind = t.Unicode("single").tag(sync=True)
    description = t.Unicode("").tag(sync=True)
    hint = t.Unicode("").tag(sync=True)  # shown under the slider, tied to it by aria-describedby
    labels = t.List(t.Unicode()).tag(sync=True)
    decimals = t.Int(2).tag(sync=True)
    readout_chars = t.Int(10).tag(sync=True)  # the readout column's width: the longest value shown

    def __init__(self, *, tooltip: str = "", continuous_update: bool = False, layout=None, style=None, **kwargs):
        # `tooltip`, `continuous_update`, `layout` and `style` are accepted as ipywidgets takes
        # them; the tooltip becomes the visible hint (a title attribute helps neither keyboard
        # nor touch users)
        kwargs.setdefault("hint", tooltip)
        super().__init__(**kwargs)
        if self.labels:
            self.readout_chars = max(len(label) for label in self.labels) + 1


class LabelledSlider(_Base):
    """A number slider, like ipywidgets.FloatSlider. `readout_format=".2f"` shows two decimals."""

    value = t.Float(0).tag(sync=True)
    min = t.Float(0).tag(sync=True)
    max = t.Float(100).tag(sync=True)
    step = t.Float(1).tag(sync=True)

    def __init__(self, *, readout_format: str | None = None, **kwargs):
        if readout_format:
            kwargs.setdefault("decimals", int(readout_format.strip(".f") or 0))
        super().__init__(**kwargs)
        widest = max(len(f"{v:.{self.decimals}f}") for v in (self.min, self.max))
        self.readout_chars = widest + 1

    @t.validate("value")
    def _clamp(self, proposal):
        return min(max(proposal["value"], self.min), self.max)

    def static_text(self) -> str:
        return f"{self.value:.{self.decimals}f}"


class LabelledIntSlider(LabelledSlider):
    """A whole-number slider, like ipywidgets.IntSlider."""

    value = t.Int(0).tag(sync=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("step", 1)
        kwargs.setdefault("decimals", 0)
        super().__init__(**kwargs)

    @t.validate("value")
    def _clamp(self, proposal):
        return int(min(max(proposal["value"], self.min), self.max))


def _pairs(options) -> list[tuple[str, object]]:
    return [o if isinstance(o, tuple) else (str(o), o) for o in options]


class LabelledSelectionSlider(_Base):
    """A slider over labelled options, like ipywidgets.SelectionSlider([(label, value), ...])."""

    index = t.Int(0).tag(sync=True)
    value = t.Any()  # Python side only: the chosen option's value, kept in step with `index`

    def __init__(self, *, options, value=None, index=None, **kwargs):
        pairs = _pairs(options)
        self._values = [v for _, v in pairs]
        if index is None:
            index = 0 if value is None else self._values.index(value)
        super().__init__(labels=[str(label) for label, _ in pairs], index=index, **kwargs)
        self.value = self._values[self.index]

    @t.observe("index")
    def _index_changed(self, change):
        self.value = self._values[change["new"]]

    @t.observe("value")
    def _value_changed(self, change):
        i = self._values.index(change["new"])
        if i != self.index:
            self.index = i

    @property
    def label(self) -> str:
        return self.labels[self.index]

    def static_text(self) -> str:
        return self.label


class LabelledRangeSlider(_Base):
    """Two labelled inputs ("From", "To") in a fieldset, like ipywidgets.SelectionRangeSlider."""

    kind = t.Unicode("range").tag(sync=True)
    index = t.List(t.Int(), default_value=[0, 0], minlen=2, maxlen=2).tag(sync=True)
    value = t.Any()  # Python side only: (first value, last value)

    def __init__(self, *, options, index=(0, 0), **kwargs):
        pairs = _pairs(options)
        self._values = [v for _, v in pairs]
        super().__init__(labels=[str(label) for label, _ in pairs], index=list(index), **kwargs)
        self.value = tuple(self._values[i] for i in self.index)

    @t.validate("index")
    def _ordered(self, proposal):
        low, high = proposal["value"]
        return [min(low, high), max(low, high)]

    @t.observe("index")
    def _index_changed(self, change):
        self.value = tuple(self._values[i] for i in change["new"])

    @t.observe("value")
    def _value_changed(self, change):
        index = [self._values.index(v) for v in change["new"]]
        if index != self.index:
            self.index = index

    @property
    def label(self) -> tuple[str, str]:
        first, last = self.index
        return self.labels[first], self.labels[last]

    def static_text(self) -> str:
        first, last = self.label
        return f"{first} to {last}"


_LIVE_ESM = r"""
export default {
  render({ model, el }) {
    // one element for the widget's life: a screen reader announces changes to a live region it
    // already knows, not a region inserted along with its text
    const region = document.createElement("div");
    region.className = "course-live";
    region.setAttribute("role", "status");
    const show = () => { region.innerHTML = model.get("html"); };
    model.on("change:html", show);
    show();
    el.append(region);
    return () => model.off("change:html", show);
  },
};
"""


class LiveRegion(anywidget.AnyWidget):
    """HTML in a `role="status"` region: a verdict a screen reader reads out without moving focus
    (an ipywidgets HTML widget cannot carry a role)."""

    _esm = _LIVE_ESM
    html = t.Unicode("").tag(sync=True)

    @property
    def value(self) -> str:  # read like an ipywidgets HTML widget
        return self.html

    def static_html(self) -> str:
        return self.html
